"""IAM enforcement in the local stack's moto server, so temporary credentials open exactly what their role
allows.

moto checks signatures and identity policies once ``moto.settings.INITIAL_NO_AUTH_ACTION_COUNT`` requests
have been served (moto/core/authorization.py). That setting is read into a module attribute when moto is
imported, and read back from it on every request, so :func:`install` assigns the attribute (setting the
environment variable alone would be too late whenever moto was imported first, as pytest's collection
does). What moto lacks, this module adds around its check, and only for the requests that reach the local
stack's moto port: other moto servers and ``mock_aws`` in the same process keep their behaviour.

- AssumeRoleWithWebIdentity is unsigned, as in AWS (botocore sends it without credentials); moto would
  fail it on the missing signature and, with enforcement off, would not check anything. Here the web
  identity token must be an OpenID token of the local Cognito Identity (signature, issuer, expiry) and the
  role's trust policy must allow it: principal ``Federated: cognito-identity.amazonaws.com``, action
  ``sts:AssumeRoleWithWebIdentity``, and its conditions on ``cognito-identity.amazonaws.com:aud``,
  ``:amr`` and ``:sub`` (StringEquals, StringLike, their negations, ForAnyValue:/ForAllValues:).
- A session policy passed to AssumeRole* (Cognito's scope-down policy for unauthenticated identities) is
  intersected with the role's policies; moto keeps it but never evaluates it.
- DynamoDB requests are checked against the table's ARN (moto checks every DynamoDB call against "*",
  which a least-privilege policy naming its table never allows).
- A request without an Authorization header is refused (moto would fail with a KeyError, a 500).
- The administrator key the stack exported is restored if something reset moto's IAM state meanwhile
  (``mock_aws`` resets every backend of the process).

Not evaluated (moto does not, and neither does this module): conditions in identity policies, so
``aws:PrincipalTag/...`` (attribute-based access) is not enforced; session tags are carried in the token only.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import jwt

from emulator.identity.state import OPENID_ISSUER, IdentityStore

WEB_IDENTITY_ACTION = "AssumeRoleWithWebIdentity"
FEDERATED_PRINCIPAL = "cognito-identity.amazonaws.com"
CONDITION_PREFIX = "cognito-identity.amazonaws.com:"


@dataclass
class Enforcement:
    store: IdentityStore
    account_id: str
    clock: Callable[[], float]
    restore_admin: Callable[[str], None] | None = None


_lock = threading.Lock()
_dynamodb_lock = threading.RLock()
_enforced: dict[str, Enforcement] = {}
_installed: dict[str, Any] = {}


def install(port: int, enforcement: Enforcement) -> None:
    """Enforce IAM on requests to moto's ``port`` (idempotent; patches moto once per process)."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.dynamodb.responses import DynamoHandler

    with _lock:
        _enforced[str(port)] = enforcement
        if "original" in _installed:
            return
        _installed["original"] = ActionAuthenticatorMixin._authenticate_and_authorize_action
        _installed["others_count"] = settings.INITIAL_NO_AUTH_ACTION_COUNT
        _installed["dynamodb_call_action"] = DynamoHandler.call_action
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        ActionAuthenticatorMixin._authenticate_and_authorize_action = _authorize  # type: ignore[method-assign]
        DynamoHandler.call_action = _dynamodb_call_action  # type: ignore[method-assign]


def uninstall(port: int) -> None:
    with _lock:
        _enforced.pop(str(port), None)


def _dynamodb_call_action(self: Any) -> Any:
    if _enforced.get(_port(self)) is None:
        return _installed["dynamodb_call_action"](self)
    with _dynamodb_lock:
        return _installed["dynamodb_call_action"](self)


def _port(response: Any) -> str:
    host = str(response.headers.get("Host") or response.headers.get("host") or "")
    return host.rsplit(":", 1)[-1] if ":" in host else ""


def _authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
    enforcement = _enforced.get(_port(self))
    if enforcement is None:
        from moto.core.authorization import ActionAuthenticatorMixin

        # Any other moto in this process: as before install (by default, no authentication at all).
        if ActionAuthenticatorMixin.request_count < _installed["others_count"]:
            ActionAuthenticatorMixin.request_count += 1
            return
        _installed["original"](self, iam_request_cls, resource)
        return
    _enforce(self, enforcement, iam_request_cls, resource)


def _enforce(self: Any, enforcement: Enforcement, iam_request_cls: type, resource: str) -> None:
    from moto.core.authorization import ActionAuthenticatorMixin

    headers = self.headers
    if headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
        return
    action = self._get_action()
    if getattr(self, "service_name", "") == "sts" and action == WEB_IDENTITY_ACTION:
        _check_web_identity(self, enforcement)
        return
    authorization = headers.get("Authorization")
    if not authorization:
        raise _denied("MissingAuthenticationToken", "Request is missing Authentication Token")
    if enforcement.restore_admin is not None:
        enforcement.restore_admin(_access_key_id(authorization))
    parsed_url = urlparse(self.uri)
    path = self.raw_path + ("?" + parsed_url.query if parsed_url.query else "")
    iam_request = iam_request_cls(account_id=self.current_account, method=self.method, path=path, data=self.data,
                                  body=self.raw_body, headers=headers, action=action)
    target = resource
    try:
        iam_request.check_signature()
        for target in _resources(self, resource):
            iam_request.check_action_permitted(target)
            _check_session_policy(iam_request, target)
    except Exception as exc:
        if headers.get("X-Amz-Target"):  # a JSON-protocol service answers in JSON
            raise _as_json(exc, target) from None
        raise


# moto's query-protocol errors and what a JSON-protocol service (DynamoDB) answers instead.
_JSON_ERRORS = {"AccessDenied": "AccessDeniedException", "InvalidClientTokenId": "UnrecognizedClientException",
                "SignatureDoesNotMatch": "InvalidSignatureException"}


def _as_json(exc: Exception, resource: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    code = getattr(exc, "error_type", None)
    if code not in _JSON_ERRORS:
        return exc
    message = str(getattr(exc, "message", ""))
    if code == "AccessDenied" and resource != "*":
        message += f" on resource: {resource}"
    return JsonRESTError(_JSON_ERRORS[code], message)


def _access_key_id(authorization: str) -> str:
    credential = authorization.partition("Credential=")[2]
    return credential.split("/", 1)[0]


def _resources(self: Any, resource: str) -> list[str]:
    if getattr(self, "service_name", "") != "dynamodb" or resource != "*":
        return [resource]
    try:
        body = json.loads(self.raw_body or b"{}")
    except ValueError:
        return [resource]
    names = [body["TableName"]] if isinstance(body.get("TableName"), str) else []
    names += [n for n in (body.get("RequestItems") or {}) if isinstance(n, str)]
    for item in body.get("TransactItems") or []:
        for operation in (item or {}).values():
            if isinstance(operation, dict) and isinstance(operation.get("TableName"), str):
                names.append(operation["TableName"])
    if not names:
        return [resource]
    return [f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{name}" for name in dict.fromkeys(names)]


def _check_session_policy(iam_request: Any, resource: str) -> None:
    from moto.iam.access_control import AssumedRoleAccessKey, IAMPolicy, PermissionResult
    from moto.sts.models import sts_backends

    access_key = iam_request._access_key
    if not isinstance(access_key, AssumedRoleAccessKey) or iam_request._action == "sts:GetCallerIdentity":
        return
    assumed = sts_backends[access_key.account_id][access_key.partition].get_assumed_role_from_access_key(
        access_key._access_key_id)
    if assumed is None or not assumed.policy:
        return
    if IAMPolicy(assumed.policy).is_action_permitted(iam_request._action, resource) != PermissionResult.PERMITTED:
        iam_request._raise_access_denied()


# ---------------------------------------------------------------- AssumeRoleWithWebIdentity


def _denied(code: str, message: str, status: int = 403) -> Exception:
    """An error moto's server answers as AWS would (XML for STS and IAM, the status given)."""
    from moto.core.exceptions import AccessDeniedError

    error = AccessDeniedError("", "")
    super(AccessDeniedError, error).__init__(code, message)
    error.code = status
    return error


def _param(self: Any, name: str) -> str | None:
    values = self.querystring.get(name) or [None]
    return values[0]


def _check_web_identity(self: Any, enforcement: Enforcement) -> None:
    claims = _verify_openid_token(enforcement.store, _param(self, "WebIdentityToken"), enforcement.clock())
    role_arn = _param(self, "RoleArn") or ""
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[enforcement.account_id]["aws"].get_role_by_arn(role_arn)
        trust = json.loads(role.assume_role_policy_document)
    except Exception:
        raise _denied("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity") from None
    if not trust_allows(trust, claims):
        raise _denied("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


def _verify_openid_token(store: IdentityStore, token: str | None, now: float) -> dict[str, Any]:
    invalid = "InvalidIdentityToken"
    if not token:
        raise _denied(invalid, "The web identity token is missing.", 400)
    key = store.openid_key
    try:
        header = jwt.get_unverified_header(token)
        if key is None or header.get("kid") != key.kid:
            raise _denied(invalid, "Couldn't retrieve verification key from your identity provider", 400)
        # Expiry against the emulator's clock (tests may move it), below.
        claims = jwt.decode(token, jwt.PyJWK(key.public_jwk).key, algorithms=["RS256"], issuer=OPENID_ISSUER,
                            options={"verify_aud": False, "verify_exp": False, "verify_iat": False,
                                     "verify_nbf": False, "require": ["exp", "iss", "aud", "sub"]})
    except jwt.PyJWTError:
        raise _denied(invalid, "The web identity token that was passed could not be validated by AWS.", 400) \
            from None
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
        raise _denied("ExpiredTokenException", "Token expired", 400)
    return claims


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _principal_ok(principal: Any) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return FEDERATED_PRINCIPAL in _as_list(principal.get("Federated")) or "*" in _as_list(principal.get("AWS"))


def _action_ok(statement: dict[str, Any]) -> bool:
    action = f"sts:{WEB_IDENTITY_ACTION}".lower()
    if "NotAction" in statement:
        return not any(fnmatch.fnmatchcase(action, str(a).lower()) for a in _as_list(statement["NotAction"]))
    return any(fnmatch.fnmatchcase(action, str(a).lower()) for a in _as_list(statement.get("Action")))


def _compare(operator: str, actual: str, expected: str) -> bool:
    if operator.startswith("StringEquals"):
        return actual == expected
    if operator.startswith("StringLike"):
        return fnmatch.fnmatchcase(actual, expected)
    raise ValueError(operator)


def _condition_holds(operator: str, key: str, expected: Any, context: dict[str, list[str]]) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    negated = base in ("StringNotEquals", "StringNotLike")
    positive = base.replace("Not", "")
    if positive not in ("StringEquals", "StringLike"):
        return False  # an operator this check does not know never grants (fail closed)
    actual = context.get(key.lower())
    if actual is None:
        return if_exists or (negated and qualifier != "ForAllValues")
    expected_values = [str(e) for e in _as_list(expected)]
    if qualifier == "ForAllValues":
        hits = [any(_compare(positive, a, e) for e in expected_values) for a in actual]
        return all(not h for h in hits) if negated else all(hits)
    hit = any(_compare(positive, a, e) for a in actual for e in expected_values)
    return not hit if negated else hit


def trust_allows(policy: dict[str, Any], claims: dict[str, Any]) -> bool:
    """Whether a role's trust policy lets this OpenID token assume the role with web identity."""
    context = {f"{CONDITION_PREFIX}aud": [str(claims.get("aud"))],
               f"{CONDITION_PREFIX}sub": [str(claims.get("sub"))],
               f"{CONDITION_PREFIX}amr": [str(a) for a in _as_list(claims.get("amr") or [])]}
    allowed = False
    for statement in _statements(policy):
        if not _action_ok(statement) or not _principal_ok(statement.get("Principal")):
            continue
        conditions = statement.get("Condition") or {}
        holds = all(_condition_holds(op, key, expected, context)
                    for op, pairs in conditions.items() if isinstance(pairs, dict)
                    for key, expected in pairs.items())
        if not holds:
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _statements(policy: dict[str, Any]) -> Iterable[dict[str, Any]]:
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    return [s for s in _as_list(statements) if isinstance(s, dict)]
