"""One module per AuthFlow; InitiateAuth picks the flow from this registry (no if/elif over flows)."""

from __future__ import annotations

from emulator.flows import custom_auth, refresh_token_auth, user_password_auth, user_srp_auth
from emulator.flows.base import Flow

FLOWS: dict[str, type[Flow]] = {
    "USER_PASSWORD_AUTH": user_password_auth.UserPasswordAuth,
    "ADMIN_USER_PASSWORD_AUTH": user_password_auth.AdminUserPasswordAuth,
    "ADMIN_NO_SRP_AUTH": user_password_auth.AdminNoSrpAuth,
    "USER_SRP_AUTH": user_srp_auth.UserSrpAuth,
    "REFRESH_TOKEN_AUTH": refresh_token_auth.RefreshTokenAuth,
    "REFRESH_TOKEN": refresh_token_auth.RefreshToken,
    "CUSTOM_AUTH": custom_auth.CustomAuth,
}
