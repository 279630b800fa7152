"""The framework behind CreateAuthChallenge and VerifyAuthChallengeResponse: the selection round, the
dispatch to plug-ins, and the safety rules no plug-in is trusted with (see base.py's docstring).

Create: :func:`chalicelib.auth.flow.next_round` says which round; a selection round lists the methods the
user may use (policy ∩ plug-ins the user can use: an unknown user sees what a user with a verified email and
phone and no authenticator sees, the most common profile); a method round is
the plug-in's ``create`` plus the framework's parameters (``challenge``, and ``key`` in private).

Verify: ``answerCorrect`` is False unless proven otherwise. A selection is right when the chosen method was
offered (or, with a step-up token, is a second factor and the token is the user's). A method answer is
guarded (type, size, printable), then the user's state is read once: while locked every answer is wrong;
otherwise the plug-in judges, an unknown user is wrong whatever it says, a wrong answer adds to the user's
failure counter (which may lock the user) and a right one clears it.

Logs carry the method, the round and the outcome: never an answer, a code, a link, a token, a hash or a
salt, and never a destination.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from chalicelib.auth import flow, policy
from chalicelib.auth.challenges import custom_method_names, get
from chalicelib.auth.challenges.base import (
    MAX_ANSWER_CHARS,
    CreateRequest,
    NoSender,
    Sender,
    Services,
    User,
    VerifyRequest,
)
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.auth.challenges.settings import ChallengeSettings

SELECT: Final = flow.SELECT
INTERNAL_ERROR: Final = "Internal Server Error"


def default_services(sender: Callable[[ChallengeSettings], Sender] | None = None) -> Services:
    """The real store (DynamoDB), settings (environment) and clock; ``sender`` builds the message sender (only
    CreateAuthChallenge passes one: this module does not import chalicelib.messaging, so the other triggers'
    code, and IAM roles, do not include SES and SNS)."""
    import time

    from chalicelib.auth.challenges.settings import ChallengeSettings
    from chalicelib.auth.challenges.store import DynamoStore

    settings = ChallengeSettings.from_env()
    return Services(store=DynamoStore(settings), sender=sender(settings) if sender else NoSender(),
                    settings=settings, clock=time.time)


def user_of(event: Mapping[str, Any]) -> User:
    request = event.get("request") or {}
    attributes = request.get("userAttributes") or {}
    return User(pool_id=str(event.get("userPoolId") or ""),
                client_id=str((event.get("callerContext") or {}).get("clientId") or ""),
                username=str(event.get("userName") or ""),
                attributes={str(k): str(v) for k, v in attributes.items()} if isinstance(attributes, dict) else {},
                not_found=request.get("userNotFound") is True)


def client_metadata(request: Mapping[str, Any]) -> dict[str, str]:
    raw = request.get("clientMetadata")
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str)}


def methods_for(user: User, factor: int, first: str | None) -> tuple[str, ...]:
    """The custom methods a selection round offers ``user`` for factor 1 or 2 (after ``first``).

    Factor 1 is asked before anything is proven, so its list must not tell who exists or what they enrolled:
    it is the policy's list whoever asks (an unknown user: the pool's), and a method the user cannot use gets
    a decoy round that can never succeed, as an unknown user does (:func:`seen_as`). Factor 2 comes after a
    proven first factor: it lists only the methods this user can use."""
    rules = policy.for_user(user.attributes) if not user.not_found else policy.Policy.pool_default()
    custom = custom_method_names()
    if factor == 1:
        return tuple(m for m in rules.first if m in custom)
    names = tuple(m for m in rules.second if rules.allows_second(first, m))
    return tuple(m for m in names if m in custom and not user.not_found and get(m).available(user.attributes))


def seen_as(user: User, method: str) -> User:
    """``user`` as a method round treats them: a user who cannot use ``method`` (no verified email for a code,
    no passkey, ...) is treated as unknown, so the round is a decoy indistinguishable from an unknown user's."""
    if user.not_found or get(method).available(user.attributes):
        return user
    return dataclasses.replace(user, attributes={}, not_found=True)


# ---------------------------------------------------------------- CreateAuthChallenge


def create(event: dict[str, Any], services: Services) -> None:
    request, response = event["request"], event["response"]
    user = user_of(event)
    session = request.get("session") or []
    metadata = client_metadata(request)
    step = flow.next_round(session, metadata)
    if step.kind == "select":
        done = flow.progress(session).factors
        offered = ",".join(methods_for(user, step.factor, done[0] if done else None))
        parameters = {"challenge": SELECT, "methods": offered, "factor": str(step.factor)}
        response["publicChallengeParameters"] = dict(parameters)
        response["privateChallengeParameters"] = dict(parameters)
        response["challengeMetadata"] = flow.select_metadata(secrets.token_urlsafe(12))
        logger.info("challenge created", extra={"round": "select", "factor": step.factor})
        return
    plugin = get(step.method)
    user = seen_as(user, plugin.NAME)
    key = flow.sign_in_key(user.pool_id, user.username, session, step.anchor)
    created = plugin.create(CreateRequest(user=user, key=key, first_round=step.first_round, step_up=step.step_up,
                                          client_metadata=metadata, services=services))
    response["publicChallengeParameters"] = {**created.public, "challenge": plugin.NAME}
    response["privateChallengeParameters"] = {**created.private, "challenge": plugin.NAME, "key": key}
    response["challengeMetadata"] = flow.method_metadata(plugin.NAME, step.step_up)
    logger.info("challenge created", extra={"round": "method", "method": plugin.NAME,
                                            "first_round": step.first_round})


# ---------------------------------------------------------------- VerifyAuthChallengeResponse


def guard(answer: object) -> str | None:
    """The answer if it is a plausible one: a str of printable characters, not too long."""
    if not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS or not answer.isprintable():
        return None
    try:
        answer.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return answer


def verify_selection(event: Mapping[str, Any], private: Mapping[str, str], metadata: Mapping[str, str]) -> bool:
    from chalicelib.auth.challenges.step_up import token_proves

    user = user_of(event)
    method = flow.requested_method(metadata)
    if method is None:
        return False
    if flow.wants_step_up(metadata):
        rules = policy.for_user(user.attributes)
        return (private.get("factor") == "1" and method in custom_method_names()
                and rules.allows_second(None, method) and get(method).available(user.attributes)
                and token_proves(metadata[flow.STEP_UP_TOKEN], user, str(event.get("region") or "")))
    return method in (private.get("methods") or "").split(",")


def verify(event: dict[str, Any], services: Services) -> bool:
    request = event["request"]
    private = request.get("privateChallengeParameters") or {}
    private = {str(k): str(v) for k, v in private.items()} if isinstance(private, dict) else {}
    metadata = client_metadata(request)
    kind = private.get("challenge")
    if kind == SELECT:
        correct = verify_selection(event, private, metadata)
        logger.info("answer checked", extra={"round": "select", "correct": correct})
        return correct
    plugin = get(kind)
    user = seen_as(user_of(event), plugin.NAME)
    store, now = services.store, services.clock()
    user_key = store.user_key(user.pool_id, user.username)
    answer = guard(request.get("challengeAnswer"))
    state, record = store.get_with(user_key, plugin.record_key(user, answer, private) if answer is not None else None)
    if state is not None and state.locked(now):
        logger.info("answer refused: user locked", extra={"method": plugin.NAME})
        return False
    correct = answer is not None and plugin.verify(VerifyRequest(
        user=user, key=private.get("key", ""), private=private, answer=answer, client_metadata=metadata,
        services=services, state=state, record=record))
    correct = correct and not user.not_found
    failures = state.failures if state else 0
    if not correct:
        store.record_failure(user_key, failures_before=failures, now=now)
    elif failures and not plugin.CLEARS_FAILURES:
        store.clear_failures(user_key, now=now)
    logger.info("answer checked", extra={"round": "method", "method": plugin.NAME, "correct": correct})
    return correct
