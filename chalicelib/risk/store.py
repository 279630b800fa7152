"""The risk engine's storage: the user and source-network histories (:mod:`chalicelib.models.risk_history`)
and the auth events (:mod:`chalicelib.models.auth_event`), in DynamoDB.

A sign-in costs exactly two requests, whatever happens: :meth:`RiskStore.read` is one BatchGetItem of the
user's item and the source network's item; :meth:`RiskStore.write` is one TransactWriteItems that updates the
user's item, counts a failure in the network's item (atomic ADD, so a concurrent stuffing run loses no count)
and puts the event. Other events (sign-up, password change, forgot-password) cost one PutItem.
:attr:`RiskStore.requests` counts the requests made, for tests and the benchmark.

Failures raise :class:`RiskStoreError`; callers fail closed.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.models.auth_event import AuthEvent
from chalicelib.models.risk_history import RiskHistory
from chalicelib.observability import logger
from chalicelib.risk.context import AttemptContext
from chalicelib.risk.engine import (
    SEEN,
    Failures,
    Place,
    Seen,
    SourceHistory,
    UserHistory,
    cleared_buckets,
    learnable,
)

if TYPE_CHECKING:
    from chalicelib.risk.service import Learned

SOURCE_BUCKET_SECONDS: Final = 300
SOURCE_BUCKETS: Final = 3
MAX_USERNAMES_PER_BUCKET: Final = 64
MAX_KNOWN: Final = 50
SOURCE_TTL: Final = 86400
UNPROVEN_TTL: Final = 7 * 86400
DEFAULT_DAYS: Final = 730
MAX_PAGE: Final = 60

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
_lock = threading.Lock()
_clients: dict[tuple[str, str | None], Any] = {}


class RiskStoreError(RuntimeError):
    """DynamoDB did not answer; the caller refuses (fail closed)."""


class EventNotFoundError(LookupError):
    """No such event for this user."""


def _client(trigger: bool = False) -> Any:
    """The DynamoDB client; ``trigger``: one with a budget that fits a Cognito trigger's 5 s (1 s + 1 s, one try)."""
    from chalicelib import aws

    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL") or None
    cache_key = (aws.region(), endpoint) if not trigger else (aws.region(), f"trigger:{endpoint}")
    found = _clients.get(cache_key)
    if found is None:
        with _lock:
            found = _clients.get(cache_key)
            if found is None:
                import boto3
                from botocore.config import Config

                # botocore's ``max_attempts`` counts retries after the first try; ``total_max_attempts`` all.
                # In stage local the table is moto, whose transactions copy whole tables: slower than DynamoDB.
                local = os.environ.get("COGWORKS_STAGE") == "local"
                read = (3 if local else 1) if trigger else (8 if local else 2)
                found = boto3.session.Session().client(
                    "dynamodb", region_name=aws.region(), endpoint_url=endpoint,
                    config=Config(connect_timeout=1, read_timeout=read,
                                  retries={"mode": "standard", "total_max_attempts": 1 if trigger else 2},
                                  user_agent_extra="cogworks-risk"))
                _clients[cache_key] = found
    return found


def _days(env: str) -> int:
    raw = os.environ.get(env, "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 3650 else DEFAULT_DAYS


def user_pk(pool_id: str, username_key: str) -> str:
    return f"U#{pool_id}#{username_key}"


def source_pk(pool_id: str, ctx: AttemptContext) -> str:
    return f"S#{pool_id}#{ctx.network_key}"


def event_user_key(pool_id: str, username_key: str) -> str:
    return f"{pool_id}#{username_key}"


def new_event_id(now: float) -> str:
    return f"{int(now * 1000):013d}{secrets.token_hex(8)}"


def _plain(value: Any) -> Any:
    """DynamoDB's Decimals as ints and floats."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "as_integer_ratio") and not isinstance(value, (int, float)):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def _decode(item: Mapping[str, Any] | None) -> dict[str, Any]:
    if not item:
        return {}
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


def _encode(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)


def _seen_map(raw: Any) -> dict[str, Seen]:
    found = {}
    for name, entry in (raw or {}).items() if isinstance(raw, dict) else []:
        if isinstance(entry, dict):
            found[name] = Seen(first=float(entry.get("f", 0)), last=float(entry.get("l", 0)),
                               trust=str(entry.get("t", "seen")))
    return found


def _seen_json(seen: Mapping[str, Seen]) -> dict[str, Any]:
    newest = sorted(seen.items(), key=lambda item: item[1].last, reverse=True)[:MAX_KNOWN]
    return {k: {"f": int(s.first), "l": int(s.last), "t": s.trust} for k, s in newest}


def user_history(item: Mapping[str, Any]) -> UserHistory:
    failures = {}
    for name, entry in (item.get("fl") or {}).items():
        if isinstance(entry, dict):
            failures[name] = Failures(count=int(entry.get("n", 0)), last=float(entry.get("l", 0)),
                                      locked_until=float(entry.get("u", 0)))
    place_raw = item.get("lp")
    place = None
    if isinstance(place_raw, dict) and place_raw.get("c"):
        place = Place(country=str(place_raw["c"]), latitude=place_raw.get("la"), longitude=place_raw.get("lo"),
                      at=float(place_raw.get("t", 0)))
    last = item.get("ls")
    return UserHistory(devices=_seen_map(item.get("dv")), networks=_seen_map(item.get("nw")),
                       ips=_seen_map(item.get("ip")), countries=frozenset(item.get("ct") or ()),
                       failures=failures, last_sign_in=float(last) if last is not None else None,
                       last_place=place)


def source_window(now: float) -> list[int]:
    current = int(now // SOURCE_BUCKET_SECONDS)
    return [current - i for i in range(SOURCE_BUCKETS)]


def source_history(item: Mapping[str, Any], now: float) -> SourceHistory:
    failures, usernames = 0, set()
    for bucket in source_window(now):
        failures += int(item.get(f"f{bucket}", 0) or 0)
        usernames.update(item.get(f"u{bucket}") or ())
    return SourceHistory(failures=failures, usernames=len(usernames))


@dataclass
class Snapshot:
    """What :meth:`RiskStore.read` found, decoded, with the raw items kept for the write."""

    user_item: dict[str, Any]
    source_item: dict[str, Any]
    user: UserHistory
    source: SourceHistory


@dataclass
class EventRecord:
    """One auth event as stored (attribute names are short: every byte is paid on every write)."""

    event_id: str
    event_type: str
    created: float
    response: str
    decision: str
    level: str
    compromised: bool
    signals: list[dict[str, Any]]
    ip: str | None
    device_name: str
    device: str
    network: str
    action: str = "NO_ACTION"
    feedback: dict[str, Any] = field(default_factory=dict)
    challenges: list[dict[str, str]] = field(default_factory=list)

    def to_item(self, user_key: str, ttl: int) -> dict[str, Any]:
        item: dict[str, Any] = {
            "user_key": user_key, "event_id": self.event_id, "et": self.event_type, "cd": int(self.created * 1000),
            "er": self.response, "rd": self.decision, "rl": self.level, "cc": self.compromised,
            "sg": json.dumps(self.signals, separators=(",", ":")), "dn": self.device_name, "dk": self.device,
            "nk": self.network, "ac": self.action, "ttl": ttl}
        if self.ip:
            item["ia"] = self.ip
        if self.challenges:
            item["ch"] = self.challenges
        if self.feedback:
            item["fb"] = self.feedback
        return {k: _encode(v) for k, v in item.items()}

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> EventRecord:
        raw = _decode(item)
        try:
            signals = json.loads(raw.get("sg") or "[]")
        except ValueError:
            signals = []
        return cls(event_id=str(raw["event_id"]), event_type=str(raw.get("et", "SignIn")),
                   created=float(raw.get("cd", 0)) / 1000, response=str(raw.get("er", "Fail")),
                   decision=str(raw.get("rd", "NoRisk")), level=str(raw.get("rl", "Low")),
                   compromised=bool(raw.get("cc")), signals=signals, ip=raw.get("ia"),
                   device_name=str(raw.get("dn", "Unknown")), device=str(raw.get("dk", "")),
                   network=str(raw.get("nk", "")), action=str(raw.get("ac", "NO_ACTION")),
                   feedback=raw.get("fb") or {}, challenges=raw.get("ch") or [])


class RiskStore:
    """Reads and writes of the risk tables; :attr:`requests` counts DynamoDB requests."""

    def __init__(self, client: Any = None, *, trigger: bool = False) -> None:
        self._given = client
        self._trigger = trigger
        self.requests = 0

    @classmethod
    def for_trigger(cls) -> RiskStore:
        """A store whose requests fail fast enough for a Cognito trigger (see :func:`_client`)."""
        return cls(trigger=True)

    @property
    def client(self) -> Any:
        return self._given or _client(self._trigger)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        self.requests += 1
        try:
            return getattr(self.client, operation)(**params)
        except ClientError as err:
            code = (err.response.get("Error") or {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise EventNotFoundError() from None
            raise RiskStoreError(f"{operation}: {code} {str(err)[:300]}") from None
        except BotoCoreError as err:
            raise RiskStoreError(f"{operation}: {type(err).__name__}") from None

    # ------------------------------------------------------------ the sign-in: one read, one write

    def read(self, pool_id: str, username_key: str, ctx: AttemptContext, now: float) -> Snapshot:
        table = RiskHistory.Meta.table_name
        upk, spk = user_pk(pool_id, username_key), source_pk(pool_id, ctx)
        answer = self._call("batch_get_item", RequestItems={
            table: {"Keys": [{"pk": {"S": upk}}, {"pk": {"S": spk}}], "ConsistentRead": True}})
        items = {i["pk"]["S"]: _decode(i) for i in (answer.get("Responses") or {}).get(table, [])}
        if answer.get("UnprocessedKeys"):
            raise RiskStoreError("batch_get_item: unprocessed keys")
        user_item, source_item = items.get(upk, {}), items.get(spk, {})
        return Snapshot(user_item=user_item, source_item=source_item, user=user_history(user_item),
                        source=source_history(source_item, now))

    def write(self, pool_id: str, username_key: str, ctx: AttemptContext, now: float, *, user: UserHistory,
              failed: bool, snapshot: Snapshot, event: EventRecord, email: str | None = None) -> None:
        table, events = RiskHistory.Meta.table_name, AuthEvent.Meta.table_name
        proven = user.last_sign_in is not None
        user_ttl = int(now) + (_days("RISK_HISTORY_DAYS") * 86400 if proven else UNPROVEN_TTL)
        values: dict[str, Any] = {
            ":dv": _seen_json(user.devices), ":nw": _seen_json(user.networks), ":ip": _seen_json(user.ips),
            ":ct": sorted(user.countries)[:MAX_KNOWN],
            ":fl": {b: {"n": f.count, "l": int(f.last), "u": int(f.locked_until)} for b, f in user.failures.items()},
            ":ttl": user_ttl}
        sets = ["dv = :dv", "nw = :nw", "ip = :ip", "ct = :ct", "fl = :fl", "#ttl = :ttl"]
        if user.last_sign_in is not None:
            sets.append("ls = :ls")
            values[":ls"] = int(user.last_sign_in)
        if user.last_place is not None:
            sets.append("lp = :lp")
            values[":lp"] = {"c": user.last_place.country, "la": user.last_place.latitude,
                             "lo": user.last_place.longitude, "t": int(user.last_place.at)}
        if email:
            sets.append("em = :em")
            values[":em"] = email[:254]
        # A sign-in waiting for its second factor: PostAuthentication, which reads this item anyway, resolves
        # the event to Pass when the sign-in completes; any later outcome written here supersedes it.
        if event.response == "InProgress":
            sets.append("pe = :pe")
            values[":pe"] = event.event_id
            update = "SET " + ", ".join(sets)
        else:
            update = "SET " + ", ".join(sets) + " REMOVE pe"
        items: list[dict[str, Any]] = [{"Update": {
            "TableName": table, "Key": {"pk": {"S": user_pk(pool_id, username_key)}},
            "UpdateExpression": update, "ExpressionAttributeNames": {"#ttl": "ttl"},
            "ExpressionAttributeValues": {k: _encode(v) for k, v in values.items()}}}]
        if failed:
            items.append({"Update": self._source_update(pool_id, username_key, ctx, now, snapshot)})
        event_ttl = int(now) + (_days("RISK_EVENT_DAYS") * 86400 if proven else UNPROVEN_TTL)
        items.append({"Put": {"TableName": events,
                              "Item": event.to_item(event_user_key(pool_id, username_key), event_ttl)}})
        self._call("transact_write_items", TransactItems=items)

    @staticmethod
    def _source_update(pool_id: str, username_key: str, ctx: AttemptContext, now: float,
                       snapshot: Snapshot) -> dict[str, Any]:
        from chalicelib.risk.context import key

        window = source_window(now)
        current = window[0]
        names: dict[str, str] = {"#f": f"f{current}", "#ttl": "ttl"}
        values: dict[str, Any] = {":one": {"N": "1"}, ":ttl": {"N": str(int(now) + SOURCE_TTL)}}
        adds = ["#f :one"]
        if len(snapshot.source_item.get(f"u{current}") or ()) < MAX_USERNAMES_PER_BUCKET:
            names["#u"] = f"u{current}"
            values[":u"] = {"SS": [key("username", pool_id, username_key)]}
            adds.append("#u :u")
        stale = [a for a in snapshot.source_item if a[:1] in ("f", "u") and a[1:].isdigit()
                 and int(a[1:]) not in window][:20]
        expression = "ADD " + ", ".join(adds) + " SET #ttl = :ttl"
        if stale:
            for i, name in enumerate(stale):
                names[f"#s{i}"] = name
            expression += " REMOVE " + ", ".join(f"#s{i}" for i in range(len(stale)))
        return {"TableName": RiskHistory.Meta.table_name, "Key": {"pk": {"S": source_pk(pool_id, ctx)}},
                "UpdateExpression": expression, "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values}

    # ------------------------------------------------------------ other events, history, feedback

    def put_event(self, pool_id: str, username_key: str, event: EventRecord, now: float) -> None:
        ttl = int(now) + _days("RISK_EVENT_DAYS") * 86400
        self._call("put_item", TableName=AuthEvent.Meta.table_name,
                   Item=event.to_item(event_user_key(pool_id, username_key), ttl))

    def list_events(self, pool_id: str, username_key: str, limit: int,
                    after: str | None = None) -> tuple[list[EventRecord], str | None]:
        params: dict[str, Any] = {
            "TableName": AuthEvent.Meta.table_name, "KeyConditionExpression": "user_key = :k",
            "ExpressionAttributeValues": {":k": {"S": event_user_key(pool_id, username_key)}},
            "ScanIndexForward": False, "Limit": max(1, min(limit, MAX_PAGE))}
        if after:
            params["ExclusiveStartKey"] = {"user_key": {"S": event_user_key(pool_id, username_key)},
                                           "event_id": {"S": after}}
        answer = self._call("query", **params)
        records = [EventRecord.from_item(i) for i in answer.get("Items") or []]
        last = (answer.get("LastEvaluatedKey") or {}).get("event_id", {}).get("S")
        return records, last

    def get_event(self, pool_id: str, username_key: str, event_id: str) -> EventRecord:
        answer = self._call("get_item", TableName=AuthEvent.Meta.table_name, ConsistentRead=True,
                            Key={"user_key": {"S": event_user_key(pool_id, username_key)},
                                 "event_id": {"S": event_id}})
        if not answer.get("Item"):
            raise EventNotFoundError()
        return EventRecord.from_item(answer["Item"])

    def set_feedback(self, pool_id: str, username_key: str, event_id: str, feedback: dict[str, Any]) -> None:
        self._call("update_item", TableName=AuthEvent.Meta.table_name,
                   Key={"user_key": {"S": event_user_key(pool_id, username_key)}, "event_id": {"S": event_id}},
                   UpdateExpression="SET fb = :fb", ConditionExpression="attribute_exists(event_id)",
                   ExpressionAttributeValues={":fb": _encode(feedback)})

    def get_user(self, pool_id: str, username_key: str) -> dict[str, Any]:
        answer = self._call("get_item", TableName=RiskHistory.Meta.table_name, ConsistentRead=True,
                            Key={"pk": {"S": user_pk(pool_id, username_key)}})
        return _decode(answer.get("Item"))

    def put_user(self, pool_id: str, username_key: str, user: UserHistory, now: float,
                 pending_event: str | None = None) -> None:
        """Write what a sign-in taught about the user (PostAuthentication): one UpdateItem; with
        ``pending_event`` (the InProgress event of this sign-in, :meth:`write`), one TransactWriteItems that
        also marks that event Pass with its second factor passed."""
        values: dict[str, Any] = {
            ":dv": _seen_json(user.devices), ":nw": _seen_json(user.networks), ":ip": _seen_json(user.ips),
            ":fl": {b: {"n": f.count, "l": int(f.last), "u": int(f.locked_until)} for b, f in user.failures.items()},
            ":ls": int(user.last_sign_in if user.last_sign_in is not None else now),
            ":ttl": int(now) + _days("RISK_HISTORY_DAYS") * 86400}
        update = {"TableName": RiskHistory.Meta.table_name, "Key": {"pk": {"S": user_pk(pool_id, username_key)}},
                  "UpdateExpression": "SET dv = :dv, nw = :nw, ip = :ip, fl = :fl, ls = :ls, #ttl = :ttl REMOVE pe",
                  "ExpressionAttributeNames": {"#ttl": "ttl"},
                  "ExpressionAttributeValues": {k: _encode(v) for k, v in values.items()}}
        if not pending_event:
            self._call("update_item", **update)
            return
        resolve = self._resolve(pool_id, username_key, pending_event)
        try:
            self._call("transact_write_items", TransactItems=[{"Update": update}, {"Update": resolve}])
        except RiskStoreError as exc:
            if "ConditionalCheckFailed" not in str(exc):
                raise
            self._call("update_item", **update)  # the event was resolved already (a retry): learn only

    def learn_held(self, pool_id: str, username_key: str, learned: Learned, now: float) -> bool:
        """PostAuthentication of a step-up the API held (:class:`chalicelib.risk.service.Learned` with ``event``
        and ``before``): learn the device, network and IP and resolve the event to Pass in one
        TransactWriteItems, without reading. Each place is written whole from what the API read at the
        password (first seen and trust kept, ``last`` now), so the write is conditional on the history not
        having changed since in a way that matters: its pending event is still this one (no other sign-in wrote
        it) and each place's trust is still what was read (no feedback changed it). False when a condition
        fails: the caller reads and writes instead."""
        names: dict[str, str] = {"#ttl": "ttl"}
        values: dict[str, Any] = {":ls": int(now), ":ttl": int(now) + _days("RISK_HISTORY_DAYS") * 86400,
                                  ":e": learned.event}
        sets, conditions = ["ls = :ls", "#ttl = :ttl"], ["pe = :e"]
        for index, (attr, name, before) in enumerate(zip(("dv", "nw", "ip"), learned.keys(), learned.before,
                                                         strict=True)):
            if not learnable(name):
                continue
            names[f"#k{index}"] = name
            first, trust = before if before else (int(now), SEEN)
            values[f":v{index}"] = {"f": int(first), "l": int(now), "t": trust}
            sets.append(f"{attr}.#k{index} = :v{index}")
            if before:
                values[f":t{index}"] = trust
                conditions.append(f"{attr}.#k{index}.t = :t{index}")
            else:
                conditions.append(f"attribute_not_exists({attr}.#k{index})")
        removes = ["pe"]
        for index, bucket in enumerate(cleared_buckets(learned.device, learned.network)):
            names[f"#f{index}"] = bucket
            removes.append(f"fl.#f{index}")
        update = {"TableName": RiskHistory.Meta.table_name, "Key": {"pk": {"S": user_pk(pool_id, username_key)}},
                  "UpdateExpression": "SET " + ", ".join(sets) + " REMOVE " + ", ".join(removes),
                  "ConditionExpression": " AND ".join(conditions), "ExpressionAttributeNames": names,
                  "ExpressionAttributeValues": {k: _encode(v) for k, v in values.items()}}
        try:
            self._call("transact_write_items", TransactItems=[
                {"Update": update}, {"Update": self._resolve(pool_id, username_key, learned.event)}])
        except RiskStoreError as exc:
            # Refused by a condition, or by a place path the item does not have (an item this write did not
            # expect): read instead. Anything else (a timeout) is not retried: the trigger has 5 s in all.
            if "ConditionalCheckFailed" in str(exc) or "ValidationError" in str(exc):
                logger.info("held step-up not learned in one write; reading")
                return False
            raise
        return True

    @staticmethod
    def _resolve(pool_id: str, username_key: str, event_id: str) -> dict[str, Any]:
        """The update marking an InProgress sign-in Pass with its second factor passed; conditional on the event
        still being InProgress, so a retried trigger or a superseding outcome is kept."""
        passed = [{"ChallengeName": "Password", "ChallengeResponse": "Success"},
                  {"ChallengeName": "Mfa", "ChallengeResponse": "Success"}]
        return {"TableName": AuthEvent.Meta.table_name,
                "Key": {"user_key": {"S": event_user_key(pool_id, username_key)}, "event_id": {"S": event_id}},
                "UpdateExpression": "SET er = :pass, ch = :ch",
                "ConditionExpression": "attribute_exists(event_id) AND er = :progress",
                "ExpressionAttributeValues": {":pass": {"S": "Pass"}, ":progress": {"S": "InProgress"},
                                              ":ch": _encode(passed)}}

    def set_trust(self, pool_id: str, username_key: str, device: str, network: str, trust: str,
                  now: float) -> None:
        """Mark one device and one network of a user trusted or distrusted (feedback)."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        sets = []
        for short, attr, name in (("d", "dv", device), ("n", "nw", network)):
            if not learnable(name):
                continue
            names[f"#{short}"] = name
            values[f":{short}"] = _encode({"f": int(now), "l": int(now), "t": trust})
            sets.append(f"{attr}.#{short} = :{short}")
        if not sets:
            return
        self._call("update_item", TableName=RiskHistory.Meta.table_name,
                   Key={"pk": {"S": user_pk(pool_id, username_key)}},
                   UpdateExpression="SET " + ", ".join(sets), ConditionExpression="attribute_exists(pk)",
                   ExpressionAttributeNames=names, ExpressionAttributeValues=values)
