"""Optional GeoIP: the country and coordinates of an IP from a MaxMind database (``geoip2``), when the
``GEOIP_DATABASE`` variable names a readable .mmdb file and ``geoip2`` is installed; otherwise nothing, and the
new_country and impossible_travel signals are simply not computed."""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import Any

from chalicelib.observability import logger
from chalicelib.risk.context import AttemptContext


@functools.cache
def _reader(path: str) -> Any:
    try:
        import geoip2.database  # type: ignore[import-not-found]
    except ImportError:
        logger.info("GEOIP_DATABASE set but geoip2 is not installed; geo signals off")
        return None
    try:
        return geoip2.database.Reader(path)
    except Exception as exc:  # an unreadable database disables the geo signals, nothing else
        logger.error("GeoIP database unreadable; geo signals off", extra={"reason": type(exc).__name__})
        return None


def locate(ctx: AttemptContext) -> AttemptContext:
    path = os.environ.get("GEOIP_DATABASE")
    if not path or not ctx.ip:
        return ctx
    reader = _reader(path)
    if reader is None:
        return ctx
    try:
        city = reader.city(ctx.ip)
    except Exception:  # not in the database (private ranges): no place
        return ctx
    country = city.country.iso_code
    if not country:
        return ctx
    return dataclasses.replace(ctx, country=str(country), latitude=city.location.latitude,
                               longitude=city.location.longitude)
