"""The local stack's TransactWriteItems (emulator/moto_transactions.py) through boto3 on moto in this process:
all or nothing, conditions judged before any write, an action refused part-way undoes the ones before it,
refusals worded as DynamoDB's, and no table copied."""

from __future__ import annotations

import concurrent.futures
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.table import Table

from emulator import tables
from tests.helpers import shared_moto


@pytest.fixture()
def db(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    tables.make_moto_writes_atomic()
    for variable in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(variable, raising=False)  # the in-process mock, not the local stack's moto server
    with shared_moto():
        yield boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture()
def table(db) -> str:
    name = f"transactions-{secrets.token_hex(4)}"
    db.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return name


def put(table: str, pk: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}, **{k: {"N": str(v)} for k, v in extra.items()}}}}


def item(db: Any, table: str, pk: str) -> dict[str, Any] | None:
    return db.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True).get("Item")


def reasons(error: ClientError) -> list[str]:
    return [r["Code"] for r in error.response["CancellationReasons"]]


def test_every_action_applies_together(db, table):
    db.put_item(TableName=table, Item={"pk": {"S": "gone"}})
    db.transact_write_items(TransactItems=[
        put(table, "new", n=1),
        {"Update": {"TableName": table, "Key": {"pk": {"S": "counter"}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": table, "Key": {"pk": {"S": "gone"}}, "ConditionExpression": "attribute_exists(pk)"}},
    ])
    assert item(db, table, "new") == {"pk": {"S": "new"}, "n": {"N": "1"}}
    assert item(db, table, "counter") == {"pk": {"S": "counter"}, "n": {"N": "1"}}
    assert item(db, table, "gone") is None


def test_a_failed_condition_cancels_every_action_and_names_the_one_that_failed(db, table):
    db.put_item(TableName=table, Item={"pk": {"S": "taken"}, "n": {"N": "7"}})
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[
            put(table, "new"),
            {"Put": {**put(table, "taken", n=8)["Put"], "ConditionExpression": "attribute_not_exists(pk)",
                     "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        ])
    error = refused.value.response["Error"]
    assert error["Code"] == "TransactionCanceledException"
    assert error["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific reasons "
                                "[None, ConditionalCheckFailed]")
    assert reasons(refused.value) == ["None", "ConditionalCheckFailed"]
    assert refused.value.response["CancellationReasons"][1]["Item"] == {"pk": {"S": "taken"}, "n": {"N": "7"}}
    assert item(db, table, "new") is None
    assert item(db, table, "taken") == {"pk": {"S": "taken"}, "n": {"N": "7"}}


def test_a_condition_check_alone_can_cancel_the_writes(db, table):
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "absent"}},
                                "ConditionExpression": "attribute_exists(pk)"}},
            put(table, "new"),
        ])
    assert reasons(refused.value) == ["ConditionalCheckFailed", "None"]
    assert item(db, table, "new") is None


def test_an_action_refused_part_way_undoes_the_actions_before_it(db, table):
    db.put_item(TableName=table, Item={"pk": {"S": "kept"}, "n": {"N": "1"}})
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[
            put(table, "kept", n=2),
            put(table, "new"),
            {"Update": {"TableName": table, "Key": {"pk": {"S": "other"}}, "UpdateExpression": "SET n = :missing"}},
        ])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert item(db, table, "kept") == {"pk": {"S": "kept"}, "n": {"N": "1"}}
    assert item(db, table, "new") is None
    assert item(db, table, "other") is None


def test_two_actions_on_one_item_are_refused_before_anything_is_written(db, table):
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[put(table, "new", n=1), put(table, "other"), put(table, "new", n=2)])
    assert refused.value.response["Error"] == {
        "Code": "ValidationException", "Message": "Transaction request cannot include multiple operations on one item"}
    assert item(db, table, "new") is None and item(db, table, "other") is None


def test_a_put_without_its_key_is_refused(db, table):
    with pytest.raises(ClientError) as refused:
        db.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": {"n": {"N": "1"}}}}])
    assert refused.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "One or more parameter values were invalid: Missing the key pk in the item"}


def test_no_table_is_copied(db, table, monkeypatch):
    """moto's own version deep-copies each table it touches, so its cost grows with the table."""
    def refuse(*_args: Any) -> None:
        raise AssertionError("a table was copied")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    db.put_item(TableName=table, Item={"pk": {"S": "taken"}})
    db.transact_write_items(TransactItems=[put(table, "new")])
    with pytest.raises(ClientError):
        db.transact_write_items(TransactItems=[{"Put": {**put(table, "taken")["Put"],
                                                        "ConditionExpression": "attribute_not_exists(pk)"}}])
    assert item(db, table, "new") == {"pk": {"S": "new"}}


def test_concurrent_transactions_creating_one_item_give_one_success(db, table):
    barrier = threading.Barrier(20)

    def attempt(index: int) -> bool:
        barrier.wait()
        try:
            db.transact_write_items(TransactItems=[
                {"Put": {**put(table, "once", by=index)["Put"], "ConditionExpression": "attribute_not_exists(pk)"}},
                put(table, f"log-{index}"),
            ])
        except ClientError as exc:
            assert reasons(exc) == ["ConditionalCheckFailed", "None"]
            return False
        return True

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    assert results.count(True) == 1
    winner = results.index(True)
    assert item(db, table, "once")["by"] == {"N": str(winner)}
    assert [i for i in range(20) if item(db, table, f"log-{i}")] == [winner]
