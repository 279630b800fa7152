"""Every table the code names exists, with the keys, indexes and TTL its model declares.

No real model exists yet, so the code path is proven on throwaway models: the generated resource is
compared with what pynamodb's own CreateTable produces (under moto), and discovery is run on a throwaway
models package."""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
    LocalSecondaryIndex,
)
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName
from infra.discover import DiscoveryError, table_models, table_var
from infra.tables import table_for, table_resource
from tests.helpers import shared_moto
from tests.infra.conftest import Package

# The session fixture `package` builds the deployment zip on first use: ~30 s, more on a loaded machine.
pytestmark = pytest.mark.timeout(600)


class ByEmail(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-email"
        projection = IncludeProjection(["display_name"])

    email = UnicodeAttribute(hash_key=True)


class ByCreated(LocalSecondaryIndex):
    class Meta:
        index_name = "by-created"
        projection = KeysOnlyProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created = NumberAttribute(range_key=True)


class ByKind(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-kind"
        projection = AllProjection()

    kind = UnicodeAttribute(hash_key=True)
    created = NumberAttribute(range_key=True)


class Throwaway(Model):
    class Meta:
        table_name = EnvTableName("THROWAWAY_TABLE")
        region = "us-east-1"

    sort = UnicodeAttribute(range_key=True, attr_name="SK")
    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    kind = UnicodeAttribute()
    created = NumberAttribute()
    display_name = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(attr_name="ttl", null=True)
    by_email = ByEmail()
    by_created = ByCreated()
    by_kind = ByKind()


class Plain(Model):
    class Meta:
        table_name = EnvTableName("PLAIN_TABLE")
        region = "us-east-1"

    key = UnicodeAttribute(hash_key=True)


def test_table_has_the_models_keys_indexes_and_ttl() -> None:
    table = table_for(Throwaway)
    assert (table.var, table.resource) == ("THROWAWAY_TABLE", "ThrowawayTable")
    properties = table_resource(table)["Properties"]
    assert properties["KeySchema"] == [{"AttributeName": "user_id", "KeyType": "HASH"},
                                       {"AttributeName": "SK", "KeyType": "RANGE"}]
    assert properties["AttributeDefinitions"] == [
        {"AttributeName": "SK", "AttributeType": "S"}, {"AttributeName": "created", "AttributeType": "N"},
        {"AttributeName": "email", "AttributeType": "S"}, {"AttributeName": "kind", "AttributeType": "S"},
        {"AttributeName": "user_id", "AttributeType": "S"}]
    assert sorted(properties["GlobalSecondaryIndexes"], key=lambda i: i["IndexName"]) == [
        {"IndexName": "by-email", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["display_name"]}},
        {"IndexName": "by-kind", "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"},
                                               {"AttributeName": "created", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "ALL"}},
    ]
    assert properties["LocalSecondaryIndexes"] == [
        {"IndexName": "by-created", "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"},
                                                  {"AttributeName": "created", "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "KEYS_ONLY"}}]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}


def test_table_is_on_demand_encrypted_recoverable_and_protected() -> None:
    resource = table_resource(table_for(Plain))
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Delete", "Retain")
    properties = resource["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["DeletionProtectionEnabled"] == {"Fn::If": ["DeletionProtected", True, False]}
    assert "TimeToLiveSpecification" not in properties
    assert "GlobalSecondaryIndexes" not in properties and "LocalSecondaryIndexes" not in properties
    assert "ProvisionedThroughput" not in properties


def _shape(description: dict[str, Any]) -> dict[str, Any]:
    def index(i: dict[str, Any]) -> tuple[Any, ...]:
        projection = i["Projection"]
        return (i["IndexName"], tuple((k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]),
                projection["ProjectionType"], tuple(sorted(projection.get("NonKeyAttributes", []))))

    return {
        "keys": [(k["AttributeName"], k["KeyType"]) for k in description["KeySchema"]],
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in description["AttributeDefinitions"]),
        "gsi": sorted(index(i) for i in description.get("GlobalSecondaryIndexes", [])),
        "lsi": sorted(index(i) for i in description.get("LocalSecondaryIndexes", [])),
    }


def test_table_matches_what_pynamodb_creates(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"throwaway-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("THROWAWAY_TABLE", name)
    for variable in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(variable, raising=False)  # the in-process mock, not the local stack's moto server
    with shared_moto():
        Throwaway.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        client = Throwaway._get_connection().connection.client
        created = client.describe_table(TableName=name)["Table"]
        ttl = client.describe_time_to_live(TableName=name)
        Throwaway.delete_table()
    properties = table_resource(table_for(Throwaway))["Properties"]
    assert _shape(properties) == _shape(created)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == properties["TimeToLiveSpecification"]["AttributeName"]


def test_every_model_of_the_code_has_its_table(package: Package) -> None:
    for model in table_models():
        table = table_for(model)
        assert package.resources[table.resource] == table_resource(table)
    tables = {name for name, r in package.resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    assert tables == {table_for(model).resource for model in table_models()}


# ---------------------------------------------------------------- discovery


@pytest.fixture
def models_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = "throwaway_models"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "profiles.py").write_text(textwrap.dedent("""
        from pynamodb.attributes import DiscriminatorAttribute, UnicodeAttribute
        from pynamodb.models import Model

        from chalicelib.models.base import EnvTableName


        class Base(Model):  # no table: a shared base
            name = UnicodeAttribute(null=True)


        class Profile(Base):
            class Meta:
                table_name = EnvTableName("PROFILES_TABLE")

            user_id = UnicodeAttribute(hash_key=True)
            kind = DiscriminatorAttribute()


        class AdminProfile(Profile, discriminator="admin"):  # same table
            pass
    """))
    (package / "nested").mkdir()
    (package / "nested" / "__init__.py").write_text("")
    (package / "nested" / "challenges.py").write_text(textwrap.dedent("""
        from pynamodb.attributes import TTLAttribute, UnicodeAttribute
        from pynamodb.models import Model

        from chalicelib.models.base import EnvTableName


        class Challenge(Model):
            class Meta:
                table_name = EnvTableName("CHALLENGES_TABLE")

            session = UnicodeAttribute(hash_key=True)
            expires = TTLAttribute()
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def test_discovery_finds_one_model_per_table_in_every_module(models_package: str) -> None:
    found = table_models(models_package)
    assert [(m.__module__, m.__name__) for m in found] == [
        (f"{models_package}.nested.challenges", "Challenge"), (f"{models_package}.profiles", "Profile")]
    assert [table_var(m) for m in found] == ["CHALLENGES_TABLE", "PROFILES_TABLE"]
    assert table_resource(table_for(found[0]))["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "expires"


def test_discovery_of_a_missing_package_finds_no_table() -> None:
    assert table_models("no_such_models_package") == []


def test_a_table_name_not_from_the_environment_is_refused() -> None:
    class Fixed(Model):
        class Meta:
            table_name = "fixed-name"

        key = UnicodeAttribute(hash_key=True)

    with pytest.raises(DiscoveryError, match="EnvTableName"):
        table_var(Fixed)


def test_env_table_name_reads_the_environment_when_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAIN_TABLE", raising=False)
    with pytest.raises(RuntimeError, match="Missing configuration for: PLAIN_TABLE"):
        Plain._get_connection()
    monkeypatch.setenv("PLAIN_TABLE", "plain-dev")
    assert Plain.Meta.table_name == "plain-dev"
