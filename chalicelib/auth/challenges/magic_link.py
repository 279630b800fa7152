"""MAGIC_LINK: a signed, expiring (15 minutes), single-use sign-in link sent by email to a verified ``email``.

The link is ``<landing URL>#<token>``: the token travels in the fragment, which browsers never send to a
server, so neither the landing page's GET (all a link scanner does) nor a proxy log sees it. The landing
page (chalicelib/api/passwordless_routes.py) shows a button; only its POST submits the token, and only
VerifyAuthChallengeResponse consumes it. The token (:func:`chalicelib.auth.challenges.crypto.sign_link`)
binds the pool, the user, the issuing sign-in (its key) and the expiry under HMAC-SHA256; the table keeps
its salted hash as the user's one live secret, so a newer link or code kills it and a used one stays used.

Two ways to answer, both with the token as ANSWER:

- in the sign-in that asked for the link (same Cognito session): the token's sign-in key must be this one;
- in a new sign-in (the link opened on another device, or after the Cognito session expired), as the AWS
  sample's clients do: choose ``signInMethod`` MAGIC_LINK with ClientMetadata ``alreadyHaveMagicLink: "yes"``
  (no new link is sent), then answer the token; it must still be the user's live link.

ClientMetadata ``redirectUri`` (sample-compatible) points the link elsewhere if its origin is listed in
MAGIC_LINK_ALLOWED_ORIGINS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import Challenge, Created, CreateRequest, UserFacingError, VerifyRequest
from chalicelib.auth.challenges.delivered import check, issue

SUBJECT: Final = "Your sign-in link"
ALREADY_HAVE: Final = "alreadyHaveMagicLink"
REDIRECT: Final = "redirectUri"


def link_base(request: CreateRequest) -> str:
    settings = request.services.settings
    wanted = request.client_metadata.get(REDIRECT)
    if not wanted:
        return settings.magic_link_url
    parts = urlsplit(wanted) if len(wanted) <= 1024 else None
    origin = f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme in ("https", "http") else ""
    if not origin or origin not in settings.allowed_link_origins:
        raise UserFacingError("This redirectUri is not allowed.")
    return wanted.split("#", 1)[0]


class MagicLinkChallenge(Challenge):
    NAME = "MAGIC_LINK"
    CLEARS_FAILURES = True

    def available(self, attributes: Mapping[str, str]) -> bool:
        return bool(attributes.get("email")) and attributes.get("email_verified") == "true"

    def create(self, request: CreateRequest) -> Created:
        user, services = request.user, request.services
        settings = services.settings
        destination = None if user.not_found or not self.available(user.attributes) else user.attributes["email"]
        shown = (crypto.mask_email(destination) if destination else
                 crypto.fake_destination(settings.signing_key, user.pool_id, user.username, "EMAIL"))
        existing = request.client_metadata.get(ALREADY_HAVE) == "yes"
        if request.first_round and not existing:
            base = link_base(request)
            token = crypto.sign_link(settings.signing_key, crypto.LinkClaims(
                pool_id=user.pool_id, username=user.username, key=request.key,
                expires_at=int(services.clock() + settings.link_ttl)))
            minutes = settings.link_ttl // 60

            def deliver() -> None:
                services.sender.email(destination or "", SUBJECT,
                                           f"Sign in with this link: {base}#{token}\n\nIt works once, for "
                                           f"{minutes} minutes. If you did not try to sign in, ignore this email.")

            issue(request, method=self.NAME, secret=token, ttl=settings.link_ttl,
                  deliver=deliver if destination else None)
        return Created(public={"destination": shown, "deliveryMedium": "EMAIL"},
                       private={"mode": "existing" if existing else "link"})

    def verify(self, request: VerifyRequest) -> bool:
        user, services = request.user, request.services
        token = request.answer.strip()
        claims = crypto.read_link(services.settings.signing_key, token)
        if claims is None or claims.pool_id != user.pool_id or not crypto.same(claims.username, user.username):
            return False
        if claims.expires_at <= services.clock():
            return False
        if request.private.get("mode") != "existing" and not crypto.same(claims.key, request.key):
            return False
        return check(request, method=self.NAME, secret=token, key=claims.key)
