"""Risk checks around one attempt: read the histories, score, decide, record, notify. The engine
(:mod:`chalicelib.risk.engine`) decides; this module does the I/O (:mod:`chalicelib.risk.store`) around it.

A sign-in through the auth API::

    attempt = service.begin(username, ctx)      # None when OFF; refuses (RiskRefusalError) a blocked or locked
    ...Cognito...                               # attempt after recording it
    service.finish(attempt, "Pass" or "Fail")   # learns the device and network, counts a failure, records

Decisions (Cognito's EventRisk): ``Block`` when refused, ``AccountTakeover`` when the level is MEDIUM or HIGH,
``NoRisk`` otherwise. In AUDIT mode everything is scored and recorded with the action the configuration *would*
take, and nothing is refused, challenged or sent.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib.observability import logger
from chalicelib.risk import config as risk_config
from chalicelib.risk import engine, geo, links, notify
from chalicelib.risk.context import AttemptContext, normalise_username
from chalicelib.risk.store import EventRecord, RiskStore, Snapshot, new_event_id, user_history

BLOCKED_MESSAGE: Final = "Unable to login because of security reasons."
LOCKED_MESSAGE: Final = "Password attempts exceeded"
LEVEL_NAMES: Final = {engine.LOW: "Low", engine.MEDIUM: "Medium", engine.HIGH: "High"}
EVENT_TYPES: Final = ("SignIn", "SignUp", "ForgotPassword", "PasswordChange", "ResendCode")
VERDICT_KEY: Final = "cogworks:risk"
VERDICT_SECONDS: Final = 300
CONTEXT_KEY: Final = "cogworks:risk-context"
CONTEXT_SECONDS: Final = 300
HOLD_SECONDS: Final = 900


class RiskRefusalError(Exception):
    """The attempt is refused (Cognito: NotAuthorizedException with this message)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass
class Attempt:
    pool_id: str
    client_id: str | None
    username_key: str
    ctx: AttemptContext
    now: float
    config: risk_config.RiskConfig
    snapshot: Snapshot
    assessment: engine.Assessment = field(default_factory=lambda: engine.Assessment(0, engine.LOW, ()))
    lock: engine.Lock = field(default_factory=lambda: engine.Lock(False))
    configured_action: str = risk_config.NO_ACTION
    breached: bool = False
    refused: str = ""
    event_id: str = field(default="")
    response: str = field(default="")

    @property
    def action(self) -> str:
        """The action to apply: the configured one when ENFORCED, NO_ACTION in AUDIT."""
        return self.configured_action if self.config.enforced else risk_config.NO_ACTION

    @property
    def decision(self) -> str:
        if self.refused:
            return "Block"
        return "NoRisk" if self.assessment.level == engine.LOW else "AccountTakeover"


class RiskService:
    def __init__(self, pool_id: str, client_id: str | None = None, *, store: RiskStore | None = None,
                 clock: Callable[[], float] = time.time, configuration: risk_config.RiskConfig | None = None) -> None:
        self.pool_id = pool_id
        self.client_id = client_id
        self.store = store or RiskStore()
        self.clock = clock
        self._configuration = configuration

    def configuration(self) -> risk_config.RiskConfig:
        if self._configuration is None:
            self._configuration = risk_config.load(self.pool_id, self.client_id)
        return self._configuration

    # ------------------------------------------------------------ sign-in

    def begin(self, username: str, ctx: AttemptContext) -> Attempt | None:
        """Read and score; refuse (after recording) what the enforced configuration blocks or the lockout locks."""
        cfg = self.configuration()
        if not cfg.active or cfg.is_skipped(ctx.ip):
            return None
        now = self.clock()
        ctx = geo.locate(ctx)
        username_key = normalise_username(username)
        snapshot = self.store.read(self.pool_id, username_key, ctx, now)
        attempt = Attempt(pool_id=self.pool_id, client_id=self.client_id, username_key=username_key, ctx=ctx,
                          now=now, config=cfg, snapshot=snapshot)
        self._score(attempt)
        if cfg.enforced:
            if cfg.is_blocked(ctx.ip):
                attempt.refused = "blocked_ip_range"
            elif attempt.lock.locked:
                attempt.refused = "lockout:" + attempt.lock.reason
            elif attempt.configured_action == risk_config.BLOCK:
                attempt.refused = "risk"
        if attempt.refused:
            self.finish(attempt, "Fail")
            message = LOCKED_MESSAGE if attempt.refused.startswith("lockout") else BLOCKED_MESSAGE
            raise RiskRefusalError(message, attempt.refused)
        return attempt

    def _score(self, attempt: Attempt) -> None:
        snap = attempt.snapshot
        attempt.assessment = engine.assess(attempt.ctx, snap.user, snap.source, attempt.now,
                                           breached=attempt.breached)
        attempt.lock = engine.lock_state(attempt.ctx, snap.user, snap.source, attempt.now)
        attempt.configured_action = attempt.config.action_for(attempt.assessment.level).event_action

    def password_breached(self, attempt: Attempt) -> None:
        """The password proved breached: score again (the action may now be stricter)."""
        attempt.breached = True
        self._score(attempt)

    def finish(self, attempt: Attempt, response: str, *, email: str | None = None) -> EventRecord:
        """Record the outcome (one write): learn the device and network on Pass, count a failure on Fail."""
        user = attempt.snapshot.user if response == "InProgress" else self._updated(attempt, response == "Pass")
        event = EventRecord(
            event_id=new_event_id(attempt.now), event_type="SignIn", created=attempt.now, response=response,
            decision=attempt.decision, level=LEVEL_NAMES[attempt.assessment.level], compromised=attempt.breached,
            signals=[{"name": s.name, "points": s.points} for s in attempt.assessment.signals],
            ip=attempt.ctx.ip, device_name=attempt.ctx.device_name, device=attempt.ctx.device,
            network=attempt.ctx.network_key, action=attempt.configured_action,
            challenges=[{"ChallengeName": "Password", "ChallengeResponse": "Success" if response == "Pass"
                         else "Failure"}] if not attempt.refused else [])
        attempt.event_id, attempt.response = event.event_id, response
        self.store.write(self.pool_id, attempt.username_key, attempt.ctx, attempt.now, user=user,
                         failed=response == "Fail", snapshot=attempt.snapshot, event=event, email=email)
        logger.info("risk", extra={"decision": event.decision, "level": event.level, "response": response,
                                   "signals": list(attempt.assessment.names), "refused": attempt.refused})
        self._maybe_notify(attempt, event, email or attempt.snapshot.user_item.get("em"))
        return event

    def _updated(self, attempt: Attempt, passed: bool) -> engine.UserHistory:
        user, ctx, now = attempt.snapshot.user, attempt.ctx, attempt.now
        failures = dict(user.failures)
        bucket = engine.bucket(ctx, user)
        if not passed:
            failures[bucket] = engine.after_failure(failures.get(bucket), now)
            return dataclasses.replace(user, failures=engine.prune_failures(failures, now))
        failures.pop(bucket, None)
        learned = learn(dataclasses.replace(user, failures=failures), Learned(
            device=ctx.device if ctx.identified else "", network=ctx.network_key if ctx.network else "",
            ip=ctx.ip_key if ctx.network else ""), now)
        countries = user.countries | {ctx.country} if ctx.country else user.countries
        place = engine.Place(ctx.country, ctx.latitude, ctx.longitude, now) if ctx.country else user.last_place
        return dataclasses.replace(learned, countries=countries, last_place=place)

    def _maybe_notify(self, attempt: Attempt, event: EventRecord, email: object) -> None:
        cfg = attempt.config
        level_action = cfg.action_for(attempt.assessment.level)
        if not cfg.enforced or not level_action.notify or attempt.assessment.level == engine.LOW:
            return
        if not isinstance(email, str) or "@" not in email:
            return
        notify.send(cfg.notify, level_action.event_action, to=email, pool_id=self.pool_id,
                    username_key=attempt.username_key, event_id=event.event_id, ip=attempt.ctx.ip,
                    device_name=attempt.ctx.device_name, now=attempt.now)

    def learn_signed(self, learned: Learned) -> None:
        """PostAuthentication: the user of ``learned`` completed a sign-in from its device and network.

        A step-up the API held (``learned.event`` and ``learned.before``, :func:`sign_hold`): one
        TransactWriteItems and no read, learning the place as the API found it at the password and resolving the
        InProgress event to Pass, on condition that nothing wrote the user's history since but this sign-in
        (:meth:`RiskStore.learn_held`). Otherwise, or when that condition fails: one GetItem and one write, the
        event (``learned.event``, else the one the history item names) resolved in the same transaction.
        Learning the same place again only moves its ``last`` time, so a retried trigger changes nothing else."""
        now = self.clock()
        if learned.event and learned.before is not None and \
                self.store.learn_held(self.pool_id, learned.username_key, learned, now):
            return
        item = self.store.get_user(self.pool_id, learned.username_key)
        user = learn(user_history(item), learned, now)
        pending = learned.event or item.get("pe")
        self.store.put_user(self.pool_id, learned.username_key, user, now,
                            pending_event=pending if isinstance(pending, str) and pending else None)

    # ------------------------------------------------------------ other events

    def record(self, event_type: str, username: str, ctx: AttemptContext, response: str) -> None:
        """An event that is not a sign-in (SignUp, ForgotPassword, PasswordChange): one PutItem, no scoring."""
        cfg = self.configuration()
        if not cfg.active or event_type not in EVENT_TYPES:
            return
        now = self.clock()
        event = EventRecord(event_id=new_event_id(now), event_type=event_type, created=now, response=response,
                            decision="NoRisk", level="Low", compromised=False, signals=[], ip=ctx.ip,
                            device_name=ctx.device_name, device=ctx.device, network=ctx.network_key)
        self.store.put_event(self.pool_id, normalise_username(username), event, now)

    # ------------------------------------------------------------ history and feedback

    def events(self, username: str, limit: int, after: str | None = None) -> tuple[list[EventRecord], str | None]:
        return self.store.list_events(self.pool_id, normalise_username(username), limit, after)

    def feedback(self, username_key: str, event_id: str, value: str, provider: str) -> None:
        """Valid trusts the event's device and network; Invalid distrusts them (later scores rise)."""
        event = self.store.get_event(self.pool_id, username_key, event_id)
        now = self.clock()
        self.store.set_feedback(self.pool_id, username_key, event_id,
                                {"FeedbackValue": value, "Provider": provider, "FeedbackDate": int(now)})
        trust = engine.TRUSTED if value == "Valid" else engine.DISTRUSTED
        try:
            self.store.set_trust(self.pool_id, username_key, event.device, event.network, trust, now)
        except LookupError:
            logger.info("feedback on a user without history")


# ---------------------------------------------------------------- the API's verdict, for the triggers


def _verdict_secret() -> bytes | None:
    return links._secret()


def sign_verdict(pool_id: str, username: str, action: str, now: float) -> str | None:
    """A short-lived token the API can pass as ClientMetadata[VERDICT_KEY] so triggers need not read again."""
    return _signed(b"verdict:", {"p": pool_id, "u": normalise_username(username), "a": action,
                                 "x": int(now) + VERDICT_SECONDS})


def read_verdict(pool_id: str, username: str, metadata: Mapping[str, Any] | None, now: float) -> str | None:
    """The action of a valid verdict token in ``metadata``, else None (absent, forged, expired, other user)."""
    data = _opened(b"verdict:", (metadata or {}).get(VERDICT_KEY))
    if (data is None or data.get("p") != pool_id or data.get("u") != normalise_username(username)
            or not isinstance(data.get("x"), int) or data["x"] < now or data.get("a") not in risk_config.ACTIONS):
        return None
    return str(data["a"])


# ---------------------------------------------------------------- learning a device and network


Before = tuple[tuple[int, str] | None, tuple[int, str] | None, tuple[int, str] | None]


@dataclass(frozen=True)
class Learned:
    """Where a completed sign-in came from, as the history's keys (hashes: never a device id or an IP).

    ``event``: the InProgress event of the step-up this sign-in completes, when the API held one. ``before``:
    the (first seen, trust) of the device, network and IP as the API read them at the password (None for
    each one not known then), when they are the places this sign-in completes from."""

    device: str
    network: str
    ip: str
    username_key: str = ""
    event: str = ""
    before: Before | None = None

    def keys(self) -> tuple[str, str, str]:
        return self.device, self.network, self.ip


def learn(user: engine.UserHistory, learned: Learned, now: float) -> engine.UserHistory:
    """``user`` after a sign-in from ``learned``: its device, network and IP known (trust and first sight kept),
    the failures counted against that device and network cleared, ``now`` the last sign-in."""
    devices, networks, ips = dict(user.devices), dict(user.networks), dict(user.ips)

    def seen(known: dict[str, engine.Seen], name: str) -> None:
        if not engine.learnable(name):
            return
        before = known.get(name)
        known[name] = engine.Seen(first=before.first if before else now, last=now,
                                  trust=before.trust if before else engine.SEEN)

    seen(devices, learned.device)
    seen(networks, learned.network)
    seen(ips, learned.ip)
    failures = {b: f for b, f in user.failures.items()
                if b not in engine.cleared_buckets(learned.device, learned.network)}
    return dataclasses.replace(user, devices=devices, networks=networks, ips=ips,
                               failures=engine.prune_failures(failures, now), last_sign_in=now)


def _mac(kind: bytes, secret: bytes, body: str) -> str:
    return hmac.new(secret, kind + body.encode(), hashlib.sha256).hexdigest()


def _context_keys(ctx: AttemptContext) -> tuple[str, str, str]:
    return (ctx.device if ctx.identified else "", ctx.network_key if ctx.network else "",
            ctx.ip_key if ctx.network else "")


def _signed(kind: bytes, payload: dict[str, Any]) -> str | None:
    secret = _verdict_secret()
    if secret is None:
        return None
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    return body + "." + _mac(kind, secret, body)


def _opened(kind: bytes, token: object) -> dict[str, Any] | None:
    secret = _verdict_secret()
    if secret is None or not isinstance(token, str) or len(token) > 1024 or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    if not hmac.compare_digest(_mac(kind, secret, body).encode(), mac.encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# ---------------------------------------------------------------- a step-up held by the API


@dataclass(frozen=True)
class Held:
    """A step-up the API recorded InProgress at the password, for the sign-in's later rounds."""

    event: str
    keys: tuple[str, str, str]
    before: Before


def sign_hold(pool_id: str, attempt: Attempt, now: float) -> str | None:
    """A short-lived token naming ``attempt``'s InProgress event and what the history knew of its place, which the
    API carries with the challenge's session so that the sign-in's PostAuthentication need not read."""
    keys = _context_keys(attempt.ctx)
    user = attempt.snapshot.user
    before = [[int(s.first), s.trust] if (s := known.get(name)) else None
              for known, name in zip((user.devices, user.networks, user.ips), keys, strict=True)]
    return _signed(b"hold:", {"p": pool_id, "u": attempt.username_key, "e": attempt.event_id, "k": list(keys),
                              "b": before, "x": int(now) + HOLD_SECONDS})


def _before(raw: object) -> Before | None:
    if not isinstance(raw, list) or len(raw) != 3:
        return None
    found: list[tuple[int, str] | None] = []
    for entry in raw:
        if entry is None:
            found.append(None)
        elif (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and isinstance(entry[1], str)
              and entry[1] in (engine.SEEN, engine.TRUSTED, engine.DISTRUSTED)):
            found.append((entry[0], entry[1]))
        else:
            return None
    return found[0], found[1], found[2]


def read_hold(pool_id: str, username: str, token: str, now: float) -> Held | None:
    """What a valid hold token for this pool and user says, else None (forged, expired, another user)."""
    data = _opened(b"hold:", token)
    if data is None or data.get("p") != pool_id or data.get("u") != normalise_username(username):
        return None
    keys, before = data.get("k"), _before(data.get("b"))
    if not isinstance(data.get("x"), int) or data["x"] < now or not isinstance(data.get("e"), str) or \
            not data["e"] or before is None or not isinstance(keys, list) or len(keys) != 3 or \
            not all(isinstance(k, str) for k in keys):
        return None
    return Held(event=data["e"], keys=(keys[0], keys[1], keys[2]), before=before)


# ---------------------------------------------------------------- the context of a completing answer


def sign_context(pool_id: str, username: str, ctx: AttemptContext, now: float, held: Held | None = None) -> str | None:
    """A short-lived token the API passes as ClientMetadata[CONTEXT_KEY] on the RespondToAuthChallenge that may
    complete a sign-in, so that PostAuthentication learns the device and network (their keys, not the id or IP);
    with the step-up ``held`` at the password, its event, and what the history knew of this place then (only
    when the answer comes from the place the password came from)."""
    keys = _context_keys(ctx)
    payload: dict[str, Any] = {"p": pool_id, "u": normalise_username(username), "d": keys[0], "n": keys[1],
                               "i": keys[2], "x": int(now) + CONTEXT_SECONDS}
    if held is not None:
        payload["e"] = held.event
        if held.keys == keys:
            payload["b"] = [list(b) if b else None for b in held.before]
    return _signed(b"context:", payload)


def read_context(pool_id: str, metadata: Mapping[str, Any] | None, now: float) -> Learned | None:
    """What a valid context token in ``metadata`` says, else None (absent, forged, expired, another pool)."""
    data = _opened(b"context:", (metadata or {}).get(CONTEXT_KEY))
    if data is None or data.get("p") != pool_id or not isinstance(data.get("x"), int) or \
            data["x"] < now or not all(isinstance(data.get(k), str) for k in ("u", "d", "n", "i")) or not data["u"]:
        return None
    event = data.get("e") if isinstance(data.get("e"), str) else ""
    return Learned(device=data["d"], network=data["n"], ip=data["i"], username_key=data["u"], event=event,
                   before=_before(data.get("b")) if event else None)
