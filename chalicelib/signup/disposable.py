"""Disposable (throwaway) email domains, from the ``disposable-email-domains`` package
(https://github.com/disposable-email-domains/disposable-email-domains), about 10,000 domains.

A subdomain of a listed domain counts as listed (``x.mailinator.com``), so a throwaway service cannot be
reached through a wildcard subdomain. The set is read once per process, on first use.
"""

from __future__ import annotations

import functools


@functools.cache
def _blocklist() -> frozenset[str]:
    from disposable_email_domains import blocklist

    return frozenset(blocklist)


def parents(domain: str) -> list[str]:
    """``a.b.example.com`` -> [``a.b.example.com``, ``b.example.com``, ``example.com``] (never a bare TLD)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def is_disposable(domain: str) -> bool:
    """Whether ``domain`` (normalised: lower case, ASCII/punycode) or a parent of it is a throwaway domain."""
    listed = _blocklist()
    return any(candidate in listed for candidate in parents(domain))
