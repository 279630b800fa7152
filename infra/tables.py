"""One ``AWS::DynamoDB::Table`` per pynamodb model, with the keys, indexes and TTL the model declares.

The key schema, attribute definitions and indexes are the ones pynamodb itself would send to CreateTable
(``Model._get_schema``, pynamodb 6.1), so the table and the model cannot disagree. Every table is on-demand
(``PAY_PER_REQUEST``), encrypted at rest with the AWS managed KMS key ``aws/dynamodb`` (``SSEEnabled``; its
key policy lets DynamoDB use it for any principal of the account allowed to call DynamoDB, so the functions
need no kms: permission), has point-in-time recovery and deletion protection (the stack's
``DeletionProtection`` parameter), and a ``TimeToLiveSpecification`` on the model's ``TTLAttribute`` if it
has one
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html).

The table's name is left to CloudFormation; functions get it through the model's environment variable
(``Meta.table_name = EnvTableName("PROFILES_TABLE")`` -> ``PROFILES_TABLE: {"Ref": "ProfilesTable"}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalice.utils import to_cfn_resource_name
from pynamodb.models import Model

from infra.discover import table_var

DELETION_PROTECTED = "DeletionProtected"  # the template's condition: parameter DeletionProtection is ACTIVE


@dataclass(frozen=True)
class Table:
    model: type[Model]
    var: str
    resource: str

    @property
    def arn(self) -> dict[str, Any]:
        return {"Fn::GetAtt": [self.resource, "Arn"]}


def table_for(model: type[Model]) -> Table:
    var = table_var(model)
    return Table(model, var, to_cfn_resource_name(var.lower()))


def _index(index: dict[str, Any]) -> dict[str, Any]:
    return {"IndexName": index["index_name"], "KeySchema": _key_schema(index["key_schema"]),
            "Projection": index["projection"]}


def _key_schema(keys: list[dict[str, str]]) -> list[dict[str, str]]:
    # DynamoDB requires HASH before RANGE; pynamodb lists them in attribute order.
    return sorted(keys, key=lambda key: key["KeyType"] != "HASH")


def table_resource(table: Table) -> dict[str, Any]:
    """The CloudFormation resource for one model's table."""
    schema = table.model._get_schema()
    definitions: dict[str, str] = {}
    for definition in [*schema["attribute_definitions"],
                       *(d for index in schema["global_secondary_indexes"] for d in index["attribute_definitions"]),
                       *(d for index in schema["local_secondary_indexes"] for d in index["attribute_definitions"])]:
        definitions[definition["AttributeName"]] = definition["AttributeType"]
    properties: dict[str, Any] = {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _key_schema(schema["key_schema"]),
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}
                                 for name, kind in sorted(definitions.items())],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "DeletionProtectionEnabled": {"Fn::If": [DELETION_PROTECTED, True, False]},
        "Tags": [{"Key": "cogworks:model", "Value": f"{table.model.__module__}.{table.model.__qualname__}"}],
    }
    if schema["global_secondary_indexes"]:
        properties["GlobalSecondaryIndexes"] = [_index(i) for i in schema["global_secondary_indexes"]]
    if schema["local_secondary_indexes"]:
        properties["LocalSecondaryIndexes"] = [_index(i) for i in schema["local_secondary_indexes"]]
    ttl = table.model._ttl_attribute()
    if ttl is not None:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl.attr_name, "Enabled": True}
    # A key-schema change replaces the table: keep the old one (and its items) rather than delete it.
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
            "Properties": properties}
