"""The risk engine: scores one sign-in attempt from named signals, and decides lockout. Pure: no I/O, no clock
(the caller passes ``now``), so each signal can be tested alone and scoring costs microseconds.

Signals (points add up; every signal present is reported by name, so a decision can be explained):

======================  ======  ==========================================================================
signal                  points  when
======================  ======  ==========================================================================
new_device                  20  the device is not identified, or this user never signed in from it
new_ip                      10  this user never signed in from this IP (or the IP is missing)
new_network                 15  ... nor from this /24 (IPv4) or /48 (IPv6) network (or the IP is missing)
missing_context             10  no IP or no User-Agent: nothing to compare, never a reason to trust
user_failures           15/30  3 / 10 failures for this user in the failure window, from anywhere
ip_failures             20/40  5 / 20 failures from this network in the last 15 minutes
many_usernames          30/60  5 / 10 distinct usernames failed from this network in the last 15 minutes
breached_password           40  the password was found in a breach
dormant_account             10  the last sign-in was more than 90 days ago
new_country                 25  GeoIP configured, and this user never signed in from this country
impossible_travel           50  GeoIP configured, and reaching here from the last sign-in needs > 1000 km/h
distrusted_device           50  the device was marked Invalid by feedback
distrusted_network          50  the network was marked Invalid by feedback
======================  ======  ==========================================================================

A user with no sign-in history scores ``first_sign_in`` (0 points) instead of the novelty signals. Feedback
Valid trusts a device and network: they are known, whatever else. Nothing subtracts points, so forged or
missing context can only raise a score. Score < 30 is LOW, < 60 MEDIUM, else HIGH.

Lockout (:func:`lock_state`) is keyed by the user *and* the caller: failures are counted per (user, bucket),
the bucket being the device when the user knows it, else the network. After :data:`LOCK_THRESHOLD` failures in
one bucket, the bucket is locked for 1 s, doubling with each further failure up to 15 minutes (Cognito's own
lockout schedule). A network that failed :data:`SOURCE_LOCK_FAILURES` times in 15 minutes, or a user failing
from :data:`SPRAY_LOCK_FAILURES` unknown places, is locked for every unknown device, but never for a device the
user already knows: an attacker cannot lock the owner out of their usual device and network.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from chalicelib.risk.context import NO_NETWORK, AttemptContext

LOW: Final = "LOW"
MEDIUM: Final = "MEDIUM"
HIGH: Final = "HIGH"
MEDIUM_AT: Final = 30
HIGH_AT: Final = 60

WEIGHTS: Final[Mapping[str, int]] = {
    "first_sign_in": 0,
    "new_device": 20,
    "new_ip": 10,
    "new_network": 15,
    "missing_context": 10,
    "user_failures": 15,
    "user_failures_burst": 30,
    "ip_failures": 20,
    "ip_failures_burst": 40,
    "many_usernames": 30,
    "credential_stuffing": 60,
    "breached_password": 40,
    "dormant_account": 10,
    "new_country": 25,
    "impossible_travel": 50,
    "distrusted_device": 50,
    "distrusted_network": 50,
}
USER_FAILURES: Final = (3, 10)
IP_FAILURES: Final = (5, 20)
IP_USERNAMES: Final = (5, 10)
DORMANT_AFTER: Final = 90 * 86400
MAX_SPEED_KMH: Final = 1000.0

FAILURE_WINDOW: Final = 900
LOCK_THRESHOLD: Final = 5
LOCK_BASE_SECONDS: Final = 1
LOCK_MAX_SECONDS: Final = 900
SOURCE_LOCK_FAILURES: Final = 20
SPRAY_LOCK_FAILURES: Final = 20
MAX_BUCKETS: Final = 32

TRUSTED: Final = "trusted"
DISTRUSTED: Final = "distrusted"
SEEN: Final = "seen"


@dataclass(frozen=True)
class Seen:
    first: float
    last: float
    trust: str = SEEN


@dataclass(frozen=True)
class Failures:
    count: int
    last: float
    locked_until: float = 0.0


@dataclass(frozen=True)
class Place:
    country: str
    latitude: float | None
    longitude: float | None
    at: float


@dataclass(frozen=True)
class UserHistory:
    """What the user's history item says (see :mod:`chalicelib.models.risk_history`)."""

    devices: Mapping[str, Seen] = field(default_factory=dict)
    networks: Mapping[str, Seen] = field(default_factory=dict)
    ips: Mapping[str, Seen] = field(default_factory=dict)
    countries: frozenset[str] = frozenset()
    failures: Mapping[str, Failures] = field(default_factory=dict)
    last_sign_in: float | None = None
    last_place: Place | None = None

    @property
    def is_new(self) -> bool:
        return self.last_sign_in is None and not self.devices and not self.networks


@dataclass(frozen=True)
class SourceHistory:
    """What the network's item says about the failure window: failures and distinct usernames that failed."""

    failures: int = 0
    usernames: int = 0


@dataclass(frozen=True)
class Signal:
    name: str
    points: int


@dataclass(frozen=True)
class Assessment:
    score: int
    level: str
    signals: tuple[Signal, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.signals)


@dataclass(frozen=True)
class Lock:
    locked: bool
    reason: str = ""
    until: float = 0.0


def level_of(score: int) -> str:
    return HIGH if score >= HIGH_AT else MEDIUM if score >= MEDIUM_AT else LOW


def _fresh(failures: Failures, now: float) -> bool:
    """Whether a bucket's failures still count: within the window, or while (and a window after) locked."""
    return now - failures.last <= FAILURE_WINDOW or now <= failures.locked_until + FAILURE_WINDOW


def recent_failures(user: UserHistory, now: float, *, unknown_only: bool = False) -> int:
    return sum(f.count for b, f in user.failures.items()
               if _fresh(f, now) and not (unknown_only and b.startswith("d:")))


def knows_device(user: UserHistory, ctx: AttemptContext) -> bool:
    seen = user.devices.get(ctx.device) if ctx.identified else None
    return seen is not None and seen.trust != DISTRUSTED


def knows_network(user: UserHistory, ctx: AttemptContext) -> bool:
    seen = user.networks.get(ctx.network_key) if ctx.network else None
    return seen is not None and seen.trust != DISTRUSTED


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _geo_signals(ctx: AttemptContext, user: UserHistory, now: float) -> list[str]:
    if not ctx.country or user.is_new:
        return []
    found = []
    if user.countries and ctx.country not in user.countries:
        found.append("new_country")
    last = user.last_place
    if (last is not None and None not in (last.latitude, last.longitude, ctx.latitude, ctx.longitude)
            and last.country != ctx.country):
        km = distance_km(last.latitude, last.longitude, ctx.latitude, ctx.longitude)  # type: ignore[arg-type]
        hours = max(now - last.at, 60.0) / 3600
        if km / hours > MAX_SPEED_KMH:
            found.append("impossible_travel")
    return found


def assess(ctx: AttemptContext, user: UserHistory, source: SourceHistory, now: float, *,
           breached: bool = False) -> Assessment:
    """Score one attempt."""
    names: list[str] = []
    if user.is_new:
        names.append("first_sign_in")
    else:
        if not knows_device(user, ctx):
            names.append("new_device")
        if not ctx.ip or ctx.ip_key not in user.ips:
            names.append("new_ip")
        if not knows_network(user, ctx):
            names.append("new_network")
    if not ctx.ip or not ctx.user_agent:
        names.append("missing_context")
    seen_device = user.devices.get(ctx.device) if ctx.identified else None
    if seen_device is not None and seen_device.trust == DISTRUSTED:
        names.append("distrusted_device")
    seen_network = user.networks.get(ctx.network_key) if ctx.network else None
    if seen_network is not None and seen_network.trust == DISTRUSTED:
        names.append("distrusted_network")
    user_fails = recent_failures(user, now)
    if user_fails >= USER_FAILURES[1]:
        names.append("user_failures_burst")
    elif user_fails >= USER_FAILURES[0]:
        names.append("user_failures")
    if source.failures >= IP_FAILURES[1]:
        names.append("ip_failures_burst")
    elif source.failures >= IP_FAILURES[0]:
        names.append("ip_failures")
    if source.usernames >= IP_USERNAMES[1]:
        names.append("credential_stuffing")
    elif source.usernames >= IP_USERNAMES[0]:
        names.append("many_usernames")
    if breached:
        names.append("breached_password")
    if user.last_sign_in is not None and now - user.last_sign_in > DORMANT_AFTER:
        names.append("dormant_account")
    names.extend(_geo_signals(ctx, user, now))
    signals = tuple(Signal(name, WEIGHTS[name]) for name in names)
    score = sum(s.points for s in signals)
    return Assessment(score=score, level=level_of(score), signals=signals)


# ---------------------------------------------------------------- lockout


def bucket(ctx: AttemptContext, user: UserHistory) -> str:
    """Where this attempt's failures count: the device when the user knows it, else the network."""
    if knows_device(user, ctx):
        return "d:" + ctx.device
    return "n:" + (ctx.network_key if ctx.network else NO_NETWORK)


def cleared_buckets(device: str, network: str) -> tuple[str, str]:
    """The failure buckets a completed sign-in from this device and network clears."""
    return "d:" + device, "n:" + network


def learnable(name: str) -> bool:
    """Whether a device, network or IP key names a place a sign-in can teach (not an anonymous one)."""
    return bool(name) and name not in ("anonymous", NO_NETWORK)


def lock_duration(count: int) -> float:
    if count < LOCK_THRESHOLD:
        return 0.0
    return float(min(LOCK_BASE_SECONDS * 2 ** min(count - LOCK_THRESHOLD, 20), LOCK_MAX_SECONDS))


def lock_state(ctx: AttemptContext, user: UserHistory, source: SourceHistory, now: float) -> Lock:
    """Whether this (user, caller) may try a password now."""
    own = user.failures.get(bucket(ctx, user))
    if own is not None and own.locked_until > now:
        return Lock(True, "user_bucket", own.locked_until)
    if knows_device(user, ctx):
        return Lock(False)
    if source.failures >= SOURCE_LOCK_FAILURES:
        return Lock(True, "source", now + FAILURE_WINDOW)
    if recent_failures(user, now, unknown_only=True) >= SPRAY_LOCK_FAILURES:
        return Lock(True, "user_unknown_places", now + FAILURE_WINDOW)
    return Lock(False)


def after_failure(previous: Failures | None, now: float) -> Failures:
    """A bucket's failures after one more."""
    count = (previous.count if previous is not None and _fresh(previous, now) else 0) + 1
    duration = lock_duration(count)
    return Failures(count=count, last=now, locked_until=now + duration if duration else 0.0)


def prune_failures(failures: Mapping[str, Failures], now: float) -> dict[str, Failures]:
    """The buckets still worth keeping, at most :data:`MAX_BUCKETS` (the most recent)."""
    fresh = {b: f for b, f in failures.items() if _fresh(f, now)}
    newest = sorted(fresh.items(), key=lambda item: item[1].last, reverse=True)[:MAX_BUCKETS]
    return dict(newest)
