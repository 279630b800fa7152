"""The breach check: how often a password appears in known breaches.

The password is hashed with SHA-1 here and never leaves the process: the store is read by its 5-hex prefix,
in exactly one GetItem (:func:`chalicelib.breach.store.get_range`), and the suffix is looked up in the packed
range. When the store does not know the hash and the online check is on (:mod:`chalicelib.breach.online`),
the Pwned Passwords range API is asked for the same prefix.

Any failure to answer (DynamoDB down or slow past the model's 1 s timeouts, the online service unreachable
with fail-closed) raises :class:`BreachCheckUnavailableError`: callers refuse (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.breach import codec, online, store


class BreachCheckUnavailableError(RuntimeError):
    """The check could not be completed; the password must not be accepted on its strength."""


@dataclass(frozen=True)
class BreachResult:
    count: int
    source: str = ""  # "store", "online", or "" when not found

    @property
    def found(self) -> bool:
        return self.count > 0


def check(password: str, settings: online.OnlineSettings | None = None) -> BreachResult:
    """How many times ``password`` was seen in breaches (0: not known)."""
    prefix, suffix = codec.split(codec.sha1_hex(password))
    try:
        packed = store.get_range(prefix)
    except store.BreachStoreError as exc:
        raise BreachCheckUnavailableError(str(exc)) from exc
    count = packed.count(suffix) if packed is not None else 0
    if count:
        return BreachResult(count, "store")
    settings = settings or online.OnlineSettings.from_env()
    if settings.enabled:
        try:
            count = online.range_count(prefix, suffix, settings)
        except online.OnlineCheckUnavailableError as exc:
            raise BreachCheckUnavailableError(f"online check: {exc}") from exc
        if count:
            return BreachResult(count, "online")
    return BreachResult(0)
