"""The users' authenticators: TOTP secrets (authenticator apps) and WebAuthn passkeys, one table each.

Both tables key a user by ``owner`` = ``<pool id>/<sub>``: ``sub`` never changes and is never reused, so a
deleted user's authenticators can never serve a new user who takes the same username.

:class:`TotpSecret`: one item per user. The secret (RFC 6238, 20 random bytes) is stored only encrypted
(AES-256-GCM, the owner as associated data, so a ciphertext moved to another user's item does not open):
``secret`` is the active one, ``pending`` the one an enrollment created and a first right code activates.
``last_step`` is the last accepted time step: a code is accepted only for a later step, by a conditional
write (RFC 6238 §5.2: no second use of a code).

:class:`PasskeyCredential`: one item per credential (several per user), with what a relying party must keep
(W3C WebAuthn L3 §6.1.3, §7.2): the COSE public key, the signature counter, transports, the user handle the
credential was created with, its BE/BS flags, a name the user picked, and when it was created and last used.
``used`` maps a digest of each challenge it answered (until that challenge expires) to its expiry: the
assertion's conditional write adds to it, so an assertion is accepted once. The index ``by_credential`` finds
a credential by id alone: usernameless sign-in (the assertion names the credential before the user is
known) and the refusal of a credential id already registered.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class TotpSecret(Model):
    """A user's authenticator-app secret (encrypted), its pending replacement, and the last accepted step."""

    class Meta:
        table_name = EnvTableName("TOTP_TABLE")
        # Read and written inside VerifyAuthChallengeResponse (5 s in all): fail fast.
        connect_timeout_seconds = 1
        read_timeout_seconds = 2
        max_retry_attempts = 2

    owner = UnicodeAttribute(hash_key=True)
    secret = UnicodeAttribute(null=True)
    pending = UnicodeAttribute(null=True)
    pending_at = NumberAttribute(null=True)
    last_step = NumberAttribute(null=True)
    name = UnicodeAttribute(null=True)
    created_at = NumberAttribute(null=True)
    last_used_at = NumberAttribute(null=True)


class ByCredential(GlobalSecondaryIndex["PasskeyCredential"]):
    class Meta:
        index_name = "by_credential"
        projection = IncludeProjection(["username", "user_handle"])

    credential_id = UnicodeAttribute(hash_key=True)


class PasskeyCredential(Model):
    """One WebAuthn credential of one user."""

    class Meta:
        table_name = EnvTableName("PASSKEY_TABLE")
        connect_timeout_seconds = 1
        read_timeout_seconds = 2
        max_retry_attempts = 2

    owner = UnicodeAttribute(hash_key=True)
    # base64url of the raw credential id, as WebAuthn's JSON carries it.
    credential_id = UnicodeAttribute(range_key=True)
    username = UnicodeAttribute()
    user_handle = UnicodeAttribute()
    public_key = BinaryAttribute(legacy_encoding=False)
    sign_count = NumberAttribute(default=0)
    transports = UnicodeSetAttribute(null=True)
    backup_eligible = BooleanAttribute(default=False)
    backed_up = BooleanAttribute(default=False)
    aaguid = UnicodeAttribute(null=True)
    attestation = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    last_used_at = NumberAttribute(null=True)
    used = MapAttribute[str, float](default=dict)

    by_credential = ByCredential()
