"""What every table model shares: its table name comes from the stage's environment, read lazily.

pynamodb reads ``Meta.table_name`` only when it opens a connection (``Model._get_connection``), so a
non-data descriptor lets a model class be defined before the environment is known: chalice's test client
sets a stage's variables only around an invocation. Usage::

    class UserProfile(Model):
        class Meta:
            table_name = EnvTableName("PROFILES_TABLE")

``infra/build_template.py`` reads :attr:`EnvTableName.var` and sets that variable to the table it creates.
Not for ``Meta.host`` or ``Meta.region``: pynamodb's metaclass reads those when the class is created.
"""

from __future__ import annotations

from typing import Any

from chalicelib.settings import require


class EnvTableName:
    """A model's ``Meta.table_name``, read from the environment variable ``var`` on each access."""

    def __init__(self, var: str) -> None:
        self.var = var

    def __get__(self, obj: object, owner: type | None = None) -> str:
        return require(self.var)


def update_item(model: Any, hash_key: str, actions: list[Any], condition: Any = None,
                range_key: str | None = None) -> None:
    """UpdateItem asking nothing back. pynamodb's ``Model.update`` always asks for ALL_NEW, which the stores
    never read and which costs time on every conditional write of a sign-in (measured on moto: 15 ms a call
    against 9.5 ms). Raises pynamodb's UpdateError as ``Model.update`` does."""
    from pynamodb.constants import NONE

    model._get_connection().update_item(hash_key, range_key=range_key, actions=actions, condition=condition,
                                        return_values=NONE)


def put_if_unchanged(item: Any, changes: dict[str, Any], watched: tuple[str, ...]) -> bool:
    """Write ``item`` back with ``changes`` as one conditional PutItem, only if none of the ``watched``
    attributes changed since ``item`` was read (absent ones must still be absent); False if one did.

    ``watched`` must name every attribute another writer may change, and one the item always has (so that
    an item deleted in between is not written back). Callers keep their UpdateItem as the fallback when this
    answers False: this is the fast path of a read-then-write, not a rule of its own. Why a PutItem: on moto
    (the local stack, the tests) UpdateItem costs 6 to 12 ms a call against 3 to 5 for a conditional PutItem;
    on DynamoDB both cost the item's write units."""
    from pynamodb.exceptions import PutError

    model = type(item)
    condition = None
    for name in watched:
        value = getattr(item, name)
        clause = getattr(model, name).does_not_exist() if value is None else getattr(model, name) == value
        condition = clause if condition is None else condition & clause
    try:
        model(**{**item.attribute_values, **changes}).save(condition=condition)
    except PutError as err:
        if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


RecordKey = tuple[Any, str, "str | None"]
"""An item to read: its model class, hash key and range key (None for a table without one)."""


def _key(model: Any, hash_key: str, range_key: str | None) -> dict[str, Any]:
    key = {}
    for attribute, value in ((model._hash_key_attribute(), hash_key), (model._range_key_attribute(), range_key)):
        if attribute is not None:
            key[attribute.attr_name] = {attribute.attr_type: attribute.serialize(value)}
    return key


def get_many(wanted: list[RecordKey]) -> list[Any]:
    """The items ``wanted`` (None for each one missing), from any tables, with strongly consistent reads, in one
    BatchGetItem: one round trip where GetItems would make one each. Keys DynamoDB leaves unprocessed are read
    one by one. Raises pynamodb's GetError as ``Model.get`` does."""
    from botocore.exceptions import BotoCoreError, ClientError
    from pynamodb.exceptions import GetError

    requests: dict[str, dict[str, Any]] = {}
    for model, hash_key, range_key in wanted:
        table = requests.setdefault(model.Meta.table_name, {"Keys": [], "ConsistentRead": True})
        key = _key(model, hash_key, range_key)
        if key not in table["Keys"]:
            table["Keys"].append(key)
    connection = wanted[0][0]._get_connection().connection
    try:
        answer = connection.dispatch("BatchGetItem", {"RequestItems": requests})
    except (BotoCoreError, ClientError) as err:
        raise GetError(f"Failed to batch get items: {err}", err) from None
    responses = answer.get("Responses") or {}
    found = []
    for model, hash_key, range_key in wanted:
        key = _key(model, hash_key, range_key)
        item = next((i for i in responses.get(model.Meta.table_name, []) if all(i.get(k) == v for k, v in
                                                                               key.items())), None)
        if item is not None:
            found.append(model.from_raw_data(item))
        elif key in ((answer.get("UnprocessedKeys") or {}).get(model.Meta.table_name) or {}).get("Keys", []):
            try:
                found.append(model.get(hash_key, range_key, consistent_read=True))
            except model.DoesNotExist:
                found.append(None)
        else:
            found.append(None)
    return found
