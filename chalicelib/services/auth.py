"""The auth API's use cases over Cognito, and the rule that none of them tells a caller whether a user exists.

Cognito's PreventUserExistenceErrors=ENABLED hides existence in most public operations
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html), but a
client may be LEGACY (the API default), and even ENABLED still answers UsernameExistsException on SignUp.
So this service hides it itself, whatever the client setting:

- sign-up of a taken username answers as a new sign-up does: ``userConfirmed: false`` and a code delivery
  masked from the submitted attributes, the way Cognito masks it;
- sign-in, challenge and refresh turn UserNotFoundException into "Incorrect username or password."
  (done for every operation by :func:`chalicelib.services.errors.from_client_error`);
- resend and forgot-password always answer the same generic delivery, swallowing the errors that depend on
  the user (unknown, disabled, already confirmed, nowhere to send);
- confirm and confirm-forgot-password answer CodeMismatchException for an unknown (or, on reset, disabled)
  user, as a wrong code would.

Account takeover protection (:mod:`chalicelib.risk`): each sign-in is scored before Cognito is asked, from the
caller's IP, User-Agent and device cookie. When the enforced action is MFA_REQUIRED or MFA_IF_CONFIGURED and the
service has a :class:`PasswordThenSecondFactor` client, the sign-in runs as CUSTOM_AUTH with the password first
(SRP_A then PASSWORD_VERIFIER, computed on the user's behalf by :mod:`chalicelib.risk.srp_client`) and the signed
verdict in ClientMetadata; DefineAuthChallenge then asks for a second factor from the custom-auth plug-ins, this service
answers the method selection with the first method offered, and the caller gets the open challenge (a code was
sent) to complete with :meth:`AuthService.respond`.

Passwords (:class:`chalicelib.breach.guard.PasswordGuard`): a new password (sign-up, change, reset) is checked
against the breach store and the selected password rules before Cognito sees it, for a known and an unknown
user alike; a sign-in is checked only once Cognito has accepted the password, and a breached one under a
blocking policy is refused with PasswordResetRequiredException, its tokens revoked, until a password reset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib.breach.guard import PasswordGuard, reset_required_error
from chalicelib.breach.policy import PASSWORD_CHANGE, SIGN_IN, SIGN_UP
from chalicelib.breach.reset import RESET_REQUIRED_MESSAGE
from chalicelib.observability import logger
from chalicelib.risk.api import ApiRisk
from chalicelib.risk.service import Attempt
from chalicelib.services.cognito import CognitoIdp, UserContext
from chalicelib.services.errors import (
    INCORRECT_CREDENTIALS,
    ApiError,
    CognitoError,
    InternalError,
    from_client_error,
)

CODE_MISMATCH_MESSAGE: Final = "Invalid verification code provided, please try again."
# Errors of ResendConfirmationCode / ForgotPassword that depend on the user, not on the request.
_USER_DEPENDENT: Final = frozenset({"UserNotFoundException", "NotAuthorizedException", "InvalidParameterException"})
_MEDIUM: Final = {"email": "EMAIL", "phone_number": "SMS"}
SELECT_ROUND: Final = "PROVIDE_AUTH_PARAMETERS"
SELECT_ANSWER: Final = "__select__"


@dataclass(frozen=True)
class CodeDelivery:
    """Where a code went (Cognito's CodeDeliveryDetails); all None when the API does not say."""

    destination: str | None = None
    delivery_medium: str | None = None
    attribute_name: str | None = None

    @classmethod
    def from_cognito(cls, details: Mapping[str, Any] | None) -> CodeDelivery | None:
        if not details:
            return None
        return cls(destination=details.get("Destination"), delivery_medium=details.get("DeliveryMedium"),
                   attribute_name=details.get("AttributeName"))


GENERIC_DELIVERY: Final = CodeDelivery()


@dataclass(frozen=True)
class SignUpResult:
    user_confirmed: bool
    code_delivery: CodeDelivery | None


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    expires_in: int
    refresh_token: str | None = None


@dataclass(frozen=True)
class Challenge:
    name: str
    session: str
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    username: str
    sub: str
    attributes: dict[str, str]
    groups: list[str]


def mask(attribute: str, value: str) -> str:
    """Cognito's masked Destination: ``j***@e***`` for an email, ``+*******0123`` for a phone number."""
    if attribute == "email" and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain[:1]}***"
    return "+" + "*" * max(len(value) - 5, 0) + value[-4:]


def simulated_delivery(attributes: Mapping[str, str]) -> CodeDelivery | None:
    """The delivery a new sign-up with these attributes would report: email first, then phone."""
    for attribute, medium in _MEDIUM.items():
        value = attributes.get(attribute)
        if value:
            return CodeDelivery(destination=mask(attribute, value), delivery_medium=medium,
                                attribute_name=attribute)
    return None


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a token this process just received from Cognito or already verified at the edge."""
    import jwt  # PyJWT loads cryptography: first sign-in, not every cold start

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}


def _email_of(outcome: Tokens | Challenge) -> str | None:
    email = unverified_claims(outcome.id_token).get("email") if isinstance(outcome, Tokens) else None
    return email if isinstance(email, str) else None


def _is_reset_refusal(err: CognitoError) -> bool:
    """The PreAuthentication trigger's refusal of a user marked for a password reset."""
    return err.source_code == "UserLambdaValidationException" and RESET_REQUIRED_MESSAGE in err.message


def _is_risk_refusal(err: CognitoError) -> bool:
    """A trigger's account-takeover refusal (DefineAuthChallenge: no second factor for MFA_REQUIRED, or BLOCK)."""
    from chalicelib.risk.service import BLOCKED_MESSAGE

    return err.source_code == "UserLambdaValidationException" and BLOCKED_MESSAGE in err.message


# An authenticator the user enrolled is a stronger second factor than a code sent to their email or phone.
_PREFERRED_SECOND_FACTORS: Final = ("TOTP", "PASSKEY")


def _second_factor_choice(offered: Sequence[str], prefer: str | None) -> str:
    if prefer and prefer.upper() in offered:
        return prefer.upper()
    return next((m for m in _PREFERRED_SECOND_FACTORS if m in offered), offered[0])


def _needs_second_factor(tokens: Tokens) -> bool:
    """Whether this user's policy asks a second factor after the password (an enrolled authenticator, or
    ``custom:auth_policy``), read from the ID token Cognito just issued (its claims carry the attributes)."""
    from chalicelib.auth import flow, policy

    claims = unverified_claims(tokens.id_token)
    attributes = {name: str(value) for name, value in claims.items() if name.startswith("custom:")}
    return policy.for_user(attributes).requires_second(flow.PASSWORD)


class PasswordThenSecondFactor:
    """CUSTOM_AUTH with the password as first factor, proved by client-side SRP on the user's behalf
    (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html: SRP_A, then
    PASSWORD_VERIFIER), and the answers of later rounds with ClientMetadata."""

    def __init__(self, idp: CognitoIdp, client: Any) -> None:
        self._idp = idp
        self._client = client

    def _call(self, operation: str, context: UserContext, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        data = context.as_user_context_data()
        if data:
            params["UserContextData"] = data
        try:
            response = getattr(self._client, operation)(ClientId=self._idp.config.client_id, **params)
        except ClientError as err:
            raise from_client_error(err) from None
        except BotoCoreError:
            logger.exception("cognito call failed", extra={"operation": operation})
            raise InternalError() from None
        response.pop("ResponseMetadata", None)
        return dict(response)

    def _with_secret(self, username: str, values: dict[str, str]) -> dict[str, str]:
        secret_hash = self._idp.secret_hash(username)
        if secret_hash:
            values["SECRET_HASH"] = secret_hash
        return values

    def respond(self, username: str, challenge: str, session: str, responses: Mapping[str, str],
                metadata: Mapping[str, str], context: UserContext) -> dict[str, Any]:
        answers = {**responses, "USERNAME": username}
        answers.pop("SECRET_HASH", None)
        params: dict[str, Any] = {"ChallengeName": challenge, "Session": session,
                                  "ChallengeResponses": self._with_secret(username, answers)}
        if metadata:
            params["ClientMetadata"] = dict(metadata)
        return self._call("respond_to_auth_challenge", context, **params)

    def sign_in(self, username: str, password: str, verdict: Callable[[str], Mapping[str, str]],
                context: UserContext, prefer: str | None = None) -> dict[str, Any]:
        """Cognito's answer after the password (and the selection round, answered with ``prefer`` when it is
        offered, else with an enrolled authenticator, else with the first method offered).
        ``verdict(name)``: the ClientMetadata for the user as the triggers name them (the typed name at
        InitiateAuth, Cognito's username once the password challenge says it, as with an alias)."""
        from chalicelib.risk.srp_client import SrpClient, SrpError

        srp = SrpClient(self._idp.config.user_pool_id, password)
        parameters = self._with_secret(username, {"USERNAME": username, "SRP_A": srp.srp_a,
                                                  "CHALLENGE_NAME": "SRP_A"})
        started = self._call("initiate_auth", context, AuthFlow="CUSTOM_AUTH", AuthParameters=parameters,
                             ClientMetadata=dict(verdict(username)))
        if started.get("ChallengeName") != "PASSWORD_VERIFIER" or not started.get("Session"):
            logger.error("custom auth did not ask for the password", extra={"challenge": started.get("ChallengeName")})
            raise InternalError()
        challenge = {str(k): str(v) for k, v in (started.get("ChallengeParameters") or {}).items()}
        canonical = challenge.get("USERNAME") or username
        metadata = verdict(canonical)
        try:
            proof = srp.claim(challenge)
        except (KeyError, ValueError, SrpError):
            logger.error("cognito's password challenge is not usable")
            raise InternalError() from None
        result = self.respond(canonical, "PASSWORD_VERIFIER", str(started["Session"]), proof, metadata, context)
        offered = result.get("ChallengeParameters") or {}
        if result.get("ChallengeName") == "CUSTOM_CHALLENGE" and offered.get("challenge") == SELECT_ROUND:
            methods = [m for m in str(offered.get("methods") or "").split(",") if m]
            if not methods:
                raise CognitoError("NotAuthorizedException", INCORRECT_CREDENTIALS)
            result = self.respond(str(offered.get("USERNAME") or canonical), "CUSTOM_CHALLENGE",
                                  str(result.get("Session") or ""), {"ANSWER": SELECT_ANSWER},
                                  {**metadata, "signInMethod": _second_factor_choice(methods, prefer)}, context)
        return result


class AuthService:
    def __init__(self, idp: CognitoIdp, guard: PasswordGuard | None = None, risk: ApiRisk | None = None,
                 second_factor: PasswordThenSecondFactor | None = None) -> None:
        self._idp = idp
        self._guard = guard or PasswordGuard(idp.config.user_pool_id)
        self._risk = risk or ApiRisk(idp.config.user_pool_id, idp.config.client_id)
        self._second_factor = second_factor

    # ------------------------------------------------------------ sign-up

    def sign_up(self, username: str, password: str, attributes: Mapping[str, str],
                context: UserContext) -> SignUpResult:
        self._guard.check_new_password(password, SIGN_UP, username=username, email=attributes.get("email"))
        try:
            result = self._idp.sign_up(username, password, attributes, context)
        except CognitoError as err:
            if err.source_code != "UsernameExistsException":
                raise
            logger.info("sign-up of a taken username answered as a new one")
            return SignUpResult(user_confirmed=False, code_delivery=simulated_delivery(attributes))
        self._risk.record("SignUp", username, context)
        return SignUpResult(user_confirmed=bool(result.get("UserConfirmed")),
                            code_delivery=CodeDelivery.from_cognito(result.get("CodeDeliveryDetails")))

    def confirm_sign_up(self, username: str, code: str, context: UserContext) -> None:
        try:
            self._idp.confirm_sign_up(username, code, context)
        except CognitoError as err:
            if err.source_code == "UserNotFoundException":
                raise CognitoError("CodeMismatchException", CODE_MISMATCH_MESSAGE) from None
            raise

    def resend_code(self, username: str, context: UserContext) -> CodeDelivery:
        self._quietly("resend", lambda: self._idp.resend_confirmation_code(username, context))
        return GENERIC_DELIVERY

    # ------------------------------------------------------------ sign-in

    def sign_in(self, username: str, password: str, context: UserContext,
                device_id: str | None = None, second_factor: str | None = None) -> Tokens | Challenge:
        attempt = self._risk.begin(username, context, device_id)
        try:
            outcome = self._outcome(
                self._password_then_second_factor(attempt, username, password, context, second_factor)
                or self._idp.initiate_password_auth(username, password, context))
            if isinstance(outcome, Tokens) and _needs_second_factor(outcome):
                outcome = self._enrolled_second_factor(attempt, username, password, context, outcome, second_factor)
        except CognitoError as err:
            if _is_risk_refusal(err):
                self._risk.refused(attempt, "risk_no_second_factor")
                from chalicelib.risk.service import BLOCKED_MESSAGE

                raise CognitoError("NotAuthorizedException", BLOCKED_MESSAGE, source_code=err.source_code) from None
            self._risk.failed(attempt, err)
            if not _is_reset_refusal(err):
                raise
            # A marked user: say why only to a caller who holds a breached password (Cognito refused before
            # checking the password, so this is as far as the API can tell without telling everyone).
            if self._guard.breached(password, SIGN_IN):
                raise reset_required_error() from None
            raise CognitoError("NotAuthorizedException", INCORRECT_CREDENTIALS, source_code=err.source_code) from None
        breached = self._guard.breached(password, SIGN_IN)
        self._risk.passed(attempt, tokens=isinstance(outcome, Tokens), breached=breached,
                          email=_email_of(outcome), revoke=lambda: self._revoke(outcome))
        if breached:
            self._block(username, outcome)
        if isinstance(outcome, Challenge):
            return dataclasses.replace(outcome, session=self._risk.hold(attempt, outcome.session))
        return outcome

    def _enrolled_second_factor(self, attempt: Attempt | None, username: str, password: str, context: UserContext,
                                issued: Tokens, prefer: str | None) -> Tokens | Challenge:
        """The password was right, but this user's policy asks a second factor after it (Cognito's
        USER_PASSWORD_AUTH knows nothing of the bundle's policy): discard what Cognito issued, never handing it
        out, and run the sign-in again as password-first CUSTOM_AUTH, where DefineAuthChallenge asks for it."""
        self._discard(issued)
        if self._second_factor is None:  # no custom-auth client to run it: fail closed
            raise CognitoError("NotAuthorizedException", INCORRECT_CREDENTIALS)
        risk = self._risk

        def metadata(name: str) -> Mapping[str, str]:
            return (risk.verdict(attempt, name) if attempt is not None else None) or {}

        return self._outcome(self._second_factor.sign_in(username, password, metadata, context, prefer))

    def _discard(self, tokens: Tokens) -> None:
        """Revoke the refresh token of a sign-in whose tokens are not handed out (only that session: a global
        sign-out would end the user's other sessions too); the ID and access tokens were never given out."""
        if not tokens.refresh_token:
            return
        try:
            self._idp.revoke_refresh_token(tokens.refresh_token)
        except ApiError:
            logger.error("could not revoke the refresh token of a sign-in that needs a second factor")

    def _password_then_second_factor(self, attempt: Attempt | None, username: str, password: str,
                                     context: UserContext, prefer: str | None = None) -> dict[str, Any] | None:
        """Cognito's answer to a password-first CUSTOM_AUTH sign-in carrying the signed verdict, when the enforced
        action asks for a second factor; None when it does not, or no custom-auth client or signing key."""
        second, risk = self._second_factor, self._risk
        if attempt is None or second is None or not risk.wants_second_factor(attempt):
            return None
        if risk.verdict(attempt, username) is None:
            return None
        return second.sign_in(username, password, lambda name: risk.verdict(attempt, name) or {}, context, prefer)

    def tracks_devices(self) -> bool:
        """Whether sign-ins of this pool and client are scored (AUDIT or ENFORCED): then the API keeps a device
        cookie; otherwise it sets none."""
        return self._risk.active()

    def _revoke(self, outcome: Tokens | Challenge) -> None:
        if isinstance(outcome, Tokens):
            self._idp.global_sign_out(outcome.access_token)

    def _block(self, username: str, outcome: Tokens | Challenge) -> None:
        """Refuse a sign-in that proved a breached password: revoke what Cognito issued, mark the user."""
        if isinstance(outcome, Tokens):
            internal = str(unverified_claims(outcome.id_token).get("cognito:username") or username)
            try:
                self._idp.global_sign_out(outcome.access_token)
            except ApiError:
                logger.error("could not revoke the tokens of a blocked sign-in")
        else:
            internal = outcome.parameters.get("USER_ID_FOR_SRP") or username
        self._guard.mark_reset_required(internal)
        logger.info("sign-in blocked: breached password")
        raise reset_required_error()

    def respond(self, username: str, challenge: str, session: str, responses: Mapping[str, str],
                context: UserContext, device_id: str | None = None) -> Tokens | Challenge:
        """Answer a challenge; when risk checks are on, the answer carries the caller's signed context so that
        PostAuthentication learns the device and network of a sign-in this completes (and, for a step-up the
        API held, resolves its event without reading: :meth:`ApiRisk.hold`)."""
        released = self._risk.release(username, session)
        session = released.session
        metadata = (self._risk.context_metadata(username, context, device_id, released.held)
                    if self._second_factor else {})
        if metadata and self._second_factor is not None:
            outcome = self._outcome(self._second_factor.respond(username, challenge, session, responses, metadata,
                                                                context))
        else:
            outcome = self._outcome(self._idp.respond_to_auth_challenge(username, challenge, session, responses,
                                                                        context))
        if isinstance(outcome, Challenge):  # another round of the same sign-in keeps its hold
            return dataclasses.replace(outcome, session=released.again(outcome.session))
        return outcome

    def refresh(self, refresh_token: str, username: str | None, context: UserContext) -> Tokens:
        outcome = self._outcome(self._idp.refresh(refresh_token, username, context))
        if not isinstance(outcome, Tokens):
            logger.error("refresh answered a challenge")
            raise InternalError()
        return outcome

    # ------------------------------------------------------------ signed-in user

    def sign_out(self, access_token: str) -> None:
        self._idp.global_sign_out(access_token)

    def profile(self, access_token: str, claims: Mapping[str, Any]) -> Profile:
        """GetUser (which also refuses a revoked token) plus the groups of the verified access token:
        GetUser does not list groups, and AdminListGroupsForUser would need IAM rights on the pool."""
        user = self._idp.get_user(access_token)
        attributes = {str(a["Name"]): str(a.get("Value", "")) for a in user.get("UserAttributes") or []}
        groups = claims.get("cognito:groups")
        return Profile(username=str(user.get("Username", "")), sub=attributes.get("sub") or str(claims.get("sub", "")),
                       attributes=attributes,
                       groups=[g for g in groups if isinstance(g, str)] if isinstance(groups, list) else [])

    def change_password(self, access_token: str, previous: str, proposed: str) -> None:
        username = unverified_claims(access_token).get("username")
        self._guard.check_new_password(proposed, PASSWORD_CHANGE, username=str(username) if username else None)
        self._idp.change_password(access_token, previous, proposed)
        self._risk.record("PasswordChange", str(username) if username else None, UserContext())
        if username:
            self._guard.clear_reset_required(str(username))

    # ------------------------------------------------------------ password reset

    def forgot_password(self, username: str, context: UserContext) -> CodeDelivery:
        self._quietly("forgot-password", lambda: self._idp.forgot_password(username, context))
        self._risk.record("ForgotPassword", username, context)
        return GENERIC_DELIVERY

    def confirm_forgot_password(self, username: str, code: str, password: str, context: UserContext) -> None:
        self._guard.check_new_password(password, PASSWORD_CHANGE, username=username)
        try:
            self._idp.confirm_forgot_password(username, code, password, context)
        except CognitoError as err:
            if err.source_code in ("UserNotFoundException", "NotAuthorizedException"):
                raise CognitoError("CodeMismatchException", CODE_MISMATCH_MESSAGE) from None
            raise
        self._guard.clear_reset_required(username)

    # ------------------------------------------------------------ plumbing

    @staticmethod
    def _quietly(what: str, call: Any) -> None:
        try:
            call()
        except CognitoError as err:
            if err.source_code not in _USER_DEPENDENT:
                raise
            logger.info(f"{what}: user-dependent error hidden", extra={"code": err.source_code})

    @staticmethod
    def _outcome(result: Mapping[str, Any]) -> Tokens | Challenge:
        tokens = result.get("AuthenticationResult")
        if tokens:
            return Tokens(id_token=tokens["IdToken"], access_token=tokens["AccessToken"],
                          expires_in=int(tokens.get("ExpiresIn") or 0), refresh_token=tokens.get("RefreshToken"))
        name, session = result.get("ChallengeName"), result.get("Session")
        if not name or not session:
            logger.error("cognito answered neither tokens nor a challenge")
            raise InternalError()
        parameters = {str(k): str(v) for k, v in (result.get("ChallengeParameters") or {}).items()}
        return Challenge(name=name, session=session, parameters=parameters)
