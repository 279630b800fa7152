"""What the risk engine knows about the caller of one attempt, normalised so that hostile input can only make
an attempt look newer (riskier), never more familiar.

- the IP is the API gateway's ``sourceIp`` (never X-Forwarded-For, which the client writes); anything that is
  not an IP address is dropped, and a missing IP is scored as a new network;
- the network is the /24 of an IPv4 address and the /48 of an IPv6 one (an IPv4-mapped IPv6 address counts as
  IPv4);
- the User-Agent is cut to :data:`MAX_USER_AGENT` characters and control characters are removed;
- a device is *identified* only by a device-id cookie this bundle issued (:data:`DEVICE_ID_PATTERN`) or by a
  Cognito device key (``region_uuid``); a User-Agent alone is never a known device, because anyone can send
  the owner's User-Agent. Malformed identifiers are treated as absent.

Everything kept is hashed into short keys (:func:`key`) before it reaches storage, except the IP address and
a shortened User-Agent, which the event history shows as Cognito's EventContextData does.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

MAX_USER_AGENT: Final = 512
MAX_USERNAME: Final = 128
DEVICE_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{22,64}")
DEVICE_KEY_PATTERN: Final = re.compile(r"[a-z]{2}-[a-z]+-\d_[0-9a-f-]{36}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NO_NETWORK: Final = "-"


def key(*parts: str) -> str:
    """A short, stable, non-reversible key of ``parts`` (hex of SHA-256, 96 bits)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:24]


def normalise_username(username: str) -> str:
    """Cognito usernames are case-insensitive by default: one history per NFKC-lower-cased name."""
    return unicodedata.normalize("NFKC", username).strip().lower()[:MAX_USERNAME]


def parse_ip(raw: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(raw, str) or not raw or len(raw) > 45:
        return None
    try:
        ip = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def network_of(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def clean_user_agent(raw: object) -> str:
    if not isinstance(raw, str):
        return ""
    return _CONTROL.sub("", raw[: MAX_USER_AGENT * 2])[:MAX_USER_AGENT].strip()


@dataclass(frozen=True)
class AttemptContext:
    """The caller of one attempt. Build it with :meth:`build`; the constructor trusts its input."""

    ip: str | None
    network: str | None
    user_agent: str
    device_id: str | None
    device_key: str | None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def build(cls, *, ip: object = None, user_agent: object = None, device_id: object = None,
              device_key: object = None) -> AttemptContext:
        parsed = parse_ip(ip)
        ident = device_id if isinstance(device_id, str) and DEVICE_ID_PATTERN.fullmatch(device_id) else None
        dkey = device_key if isinstance(device_key, str) and DEVICE_KEY_PATTERN.fullmatch(device_key) else None
        return cls(ip=str(parsed) if parsed else None, network=network_of(parsed) if parsed else None,
                   user_agent=clean_user_agent(user_agent), device_id=ident, device_key=dkey)

    @property
    def identified(self) -> bool:
        """Whether the device carries an identifier only this bundle or Cognito issued."""
        return bool(self.device_id or self.device_key)

    @property
    def device(self) -> str:
        """The device's key: its identifier and User-Agent; a UA-only device gets a key no history can know."""
        if not self.identified:
            return "anonymous"
        return key("device", self.device_id or "", self.device_key or "", self.user_agent)

    @property
    def network_key(self) -> str:
        return key("network", self.network) if self.network else NO_NETWORK

    @property
    def ip_key(self) -> str:
        return key("ip", self.ip) if self.ip else NO_NETWORK

    @property
    def device_name(self) -> str:
        """What the event history shows as DeviceName: the User-Agent, shortened."""
        return self.user_agent[:200] or "Unknown"
