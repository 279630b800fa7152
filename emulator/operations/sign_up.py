"""SignUp: PreSignUp_SignUp, then the user (UNCONFIRMED unless auto-confirmed), then the code through
CustomMessage_SignUp, and PostConfirmation_ConfirmSignUp at once when PreSignUp auto-confirms."""

from __future__ import annotations

from typing import Any

from emulator import compromised, ids, users
from emulator.context import Context
from emulator.errors import InvalidParameterException, UsernameExistsException
from emulator.operations import _attributes
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_UNCONFIRMED, User


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    username = request["Username"]
    users.check_secret_hash(client, username, request.get("SecretHash"))
    password = request.get("Password")
    if not password:
        raise InvalidParameterException("Password is required for this user pool.")
    users.check_password_policy(pool, password)
    compromised.check(ctx, pool, client.client_id, password, compromised.SIGN_UP)
    attributes = users.attributes_from_list(request.get("UserAttributes"))
    internal = _attributes.resolve_username(pool, username, attributes)
    _attributes.check_schema(pool, attributes)
    if pool.find_user(username) is not None or internal in pool.users:
        raise UsernameExistsException("User already exists")
    _attributes.check_unique(pool, attributes)
    now = ctx.now()
    user = User(username=internal, sub=ids.sub(), attributes=attributes, status=USER_STATUS_UNCONFIRMED,
                created=now, modified=now)
    verdict = ctx.triggers.run(pool, "PreSignUp", "PreSignUp_SignUp", internal, {
        "userAttributes": {**attributes},
        "validationData": _attributes.validation_data(request.get("ValidationData")),
        "clientMetadata": request.get("ClientMetadata") or {},
    }, client_id=client.client_id) or {}
    apply_pre_sign_up(user, verdict)
    users.set_password(pool, user, password, now)
    with ctx.store.lock:
        if internal in pool.users:
            raise UsernameExistsException("User already exists")
        pool.users[internal] = user
    result: dict[str, Any] = {"UserConfirmed": user.status == USER_STATUS_CONFIRMED, "UserSub": user.sub}
    if user.status == USER_STATUS_CONFIRMED:
        ctx.triggers.run(pool, "PostConfirmation", "PostConfirmation_ConfirmSignUp", internal, {
            "userAttributes": user.trigger_attributes(), "clientMetadata": request.get("ClientMetadata") or {},
        }, client_id=client.client_id)
        return result
    details = send_confirmation_code(ctx, user, pool, client_id=client.client_id, source="SignUp",
                                     client_metadata=request.get("ClientMetadata"))
    if details:
        result["CodeDeliveryDetails"] = details
    return result


def apply_pre_sign_up(user: User, verdict: dict[str, Any]) -> None:
    if verdict.get("autoVerifyEmail") is True:
        if not user.attributes.get("email"):
            raise InvalidParameterException("Email is required to autoVerify email.")
        user.attributes["email_verified"] = "true"
    if verdict.get("autoVerifyPhone") is True:
        if not user.attributes.get("phone_number"):
            raise InvalidParameterException("Phone number is required to autoVerify phone number.")
        user.attributes["phone_number_verified"] = "true"
    if verdict.get("autoConfirmUser") is True:
        user.status = USER_STATUS_CONFIRMED


def send_confirmation_code(ctx: Context, user: Any, pool: Any, *, client_id: str | None, source: str,
                           client_metadata: dict[str, Any] | None) -> dict[str, str] | None:
    code = users.new_code()
    target = users.delivery_target(pool, user)
    with ctx.store.lock:
        user.confirmation_code = users.make_code(code, users.SIGN_UP_CODE_TTL, ctx.now(),
                                                 attribute=target[0] if target else "")
    return users.deliver(ctx, pool, user, source=source, code=code, client_id=client_id,
                         client_metadata=client_metadata)
