"""TransactWriteItems for the local stack's moto DynamoDB, at a cost that grows with the transaction, not the
tables.

moto 5 backs each transaction up by deep-copying every table it touches, so a transaction's cost grows with
everything ever written to those tables: the risk tables of a long-running `make run` with threat protection
on made a stepped-up sign-in take seconds. This version keeps DynamoDB's contract
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html): every
condition is judged against the state before the transaction, and either every action applies or none does.
It checks all conditions first, then applies the actions, remembering each item's previous value so that an
action moto refuses part-way (an invalid update expression, an item too large) undoes the ones before it.
Requests it refuses before checking anything: more than 100 actions, an action with more or less than one
operation, two actions on one item.
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend

OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})
MAX_ACTIONS = 100
# A cancellation reason as moto's TransactionCanceledException takes it: (code, message, item) or all None.
Reason = tuple[str | None, str | None, dict[str, Any] | None]
NO_REASON: Reason = (None, None, None)


def _key(backend: DynamoDBBackend, operation: str, action: dict[str, Any]) -> dict[str, Any]:
    if operation != "Put":
        return dict(action["Key"])
    table = backend.get_table(action["TableName"])
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    missing = [name for name in names if name not in action["Item"]]
    if missing:
        raise MockValidationException(f"One or more parameter values were invalid: Missing the key {missing[0]} in "
                                      "the item")
    return {name: action["Item"][name] for name in names}


def _actions(backend: DynamoDBBackend, items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any],
                                                                               dict[str, Any]]]:
    """(operation, action, key) for each item, or the ValidationException that refuses the request."""
    if len(items) > MAX_ACTIONS:
        raise TooManyTransactionsException()
    actions, targets = [], set()
    for item in items:
        if len(item) != 1 or next(iter(item)) not in OPERATIONS:
            raise TransactWriteSingleOpException()
        operation, action = next(iter(item.items()))
        key = _key(backend, operation, action)
        target = (action["TableName"], repr(sorted(key.items())))
        if target in targets:
            raise MultipleTransactionsException()
        targets.add(target)
        actions.append((operation, action, key))
    return actions


def _check(backend: DynamoDBBackend, action: dict[str, Any], key: dict[str, Any]) -> Reason:
    expression = action.get("ConditionExpression")
    if expression is None:
        return NO_REASON
    current = backend.get_item(action["TableName"], key)
    condition = get_filter_expression(expression, action.get("ExpressionAttributeNames"),
                                      action.get("ExpressionAttributeValues"))
    if condition.expr(current):
        return NO_REASON
    old = None
    if action.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current is not None:
        old = current.to_json()["Attributes"]
    return ("ConditionalCheckFailed", ConditionalCheckFailed().message, old)


def _apply(backend: DynamoDBBackend, operation: str, action: dict[str, Any], key: dict[str, Any]) -> None:
    table = action["TableName"]
    if operation == "Put":
        backend.put_item(table, action["Item"])
    elif operation == "Delete":
        backend.delete_item(table, key)
    elif operation == "Update":
        backend.update_item(table, key, update_expression=action["UpdateExpression"],
                            expression_attribute_names=action.get("ExpressionAttributeNames") or {},
                            expression_attribute_values=action.get("ExpressionAttributeValues") or {})


def _restore(backend: DynamoDBBackend, table: str, key: dict[str, Any], previous: dict[str, Any] | None) -> None:
    if previous is None:
        backend.delete_item(table, key)
    else:
        backend.put_item(table, previous)


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    actions = _actions(self, transact_items)
    reasons = [_check(self, action, key) for _operation, action, key in actions]
    if any(reason != NO_REASON for reason in reasons):
        raise TransactionCanceledException(reasons)
    undo: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    for index, (operation, action, key) in enumerate(actions):
        if operation == "ConditionCheck":
            continue
        current = self.get_item(action["TableName"], key)
        undo.append((action["TableName"], key, None if current is None else current.to_json()["Attributes"]))
        try:
            _apply(self, operation, action, key)
        except Exception as exc:
            for table, item_key, previous in reversed(undo):
                _restore(self, table, item_key, previous)
            if isinstance(exc, MockValidationException):
                raise
            failed: list[Reason] = [NO_REASON] * len(actions)
            failed[index] = (type(exc).__name__, str(exc), None)
            raise TransactionCanceledException(failed) from exc


transact_write_items._cogworks_transactions = True  # type: ignore[attr-defined]


def install() -> None:
    """Replace moto's TransactWriteItems in this process (idempotent; the mark survives functools.wraps, so a
    wrapper installed over this one, such as the local stack's write lock, is recognised too)."""
    if not getattr(DynamoDBBackend.transact_write_items, "_cogworks_transactions", False):
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
