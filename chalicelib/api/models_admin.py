"""Request, parameter and response models of the admin routes of sign-up validation (/admin/signup-rules,
/admin/invite-codes: :mod:`chalicelib.api.admin_routes`). The responses are what
:mod:`chalicelib.signup.store` writes (``to_json``); these classes document them."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from chalicelib.api.models import QUERY_TEXT, Params, RequestBody, ResponseBody, refusal, whole_number
from chalicelib.signup import invites, store
from chalicelib.signup.rules import RuleSet, UserText

MAX_BODY_BYTES: Final = 256 * 1024
MAX_QUERY_CHARS: Final = 256
DEFAULT_INVITE_DAYS: Final = 7


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_QUERY_CHARS:
        raise refusal(f"must be at most {MAX_QUERY_CHARS} characters")
    return value


def _limit(value: Any) -> int:
    return whole_number(1, store.MAX_LIST)(_short(value))


def _after(value: Any) -> str:
    if not invites.is_code_hash(_short(value)):
        raise refusal("is not a token this API gave")
    return str(value)


def _invite_id(value: Any) -> str:
    if not invites.is_public_id(value):
        raise refusal(f"must be {invites.ID_CHARS} lower-case hexadecimal characters")
    return str(value)


# ---------------------------------------------------------------- requests


class PutRulesRequest(RequestBody):
    rules: RuleSet
    expected_version: int | None = Field(default=None, ge=0)


class CreateInviteRequest(RequestBody):
    expires_in_days: int = Field(default=DEFAULT_INVITE_DAYS, ge=1, le=365)
    email_domain: str | None = Field(default=None, min_length=1, max_length=253)
    note: UserText | None = None


class NoQuery(Params):
    """The admin routes that take no query parameter refuse any."""

    model_config = ConfigDict(extra="forbid")


class InviteListQuery(Params):
    """One page of invite codes; ``nextToken`` is the previous page's."""

    model_config = ConfigDict(extra="forbid")
    limit: Annotated[int, Field(ge=1, le=store.MAX_LIST), BeforeValidator(_limit)] = store.MAX_LIST
    next_token: Annotated[str | None, BeforeValidator(_after), QUERY_TEXT] = None


class InvitePath(Params):
    invite_id: Annotated[str, Field(pattern=f"^[0-9a-f]{{{invites.ID_CHARS}}}$"), BeforeValidator(_invite_id)]


# ---------------------------------------------------------------- responses


class SignupRulesResponse(ResponseBody):
    """The pool's sign-up rules; version 0 and no ``updatedAt`` when none are stored (the defaults)."""

    user_pool_id: str
    version: int
    updated_at: str | None
    updated_by: str | None
    rules: RuleSet


class InviteBody(ResponseBody):
    """An invite code's record; the code itself is never shown again after its creation."""

    id: str
    status: Literal["active", "used", "expired"]
    created_at: str | None
    expires_at: str | None
    email_domain: str | None
    note: str | None
    created_by: str | None
    used_at: str | None
    used_by: str | None


class NewInviteResponse(InviteBody):
    """A code just created: the only answer that shows it."""

    code: str


class InviteListResponse(ResponseBody):
    invite_codes: list[InviteBody]
    next_token: str | None


class InviteDeletedResponse(ResponseBody):
    deleted: Literal[True] = True
    id: str
