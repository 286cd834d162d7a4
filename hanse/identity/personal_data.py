"""What identity stores about a person: their signed-in sessions and second factors (the type
and dates, never a secret), and their directory and SCIM links."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.identity.models import DirectoryAccount, ScimUser, SecondFactor, SignedInSession

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        SignedInSession.objects.filter(user=user).order_by("created_at"),
        "created_at",
        "last_seen_at",
        "ip",
        "user_agent",
        kind="session",
    )
    # The type and dates only: ``data`` holds the TOTP secret and recovery codes.
    records += rows(
        SecondFactor.objects.filter(user=user).order_by("created_at"),
        "type",
        "created_at",
        "last_used_at",
        kind="second_factor",
    )
    records += rows(
        DirectoryAccount.objects.filter(user=user), "dn", "synced_at", kind="directory_account"
    )
    records += rows(
        ScimUser.objects.filter(user=user), "external_id", "updated_at", kind="scim_account"
    )
    # Single sign-on: the provider's identifier and what it sent (no tokens are stored).
    records += rows(
        SocialAccount.objects.filter(user=user).order_by("date_joined"),
        "provider",
        "uid",
        "date_joined",
        "last_login",
        "extra_data",
        kind="sso_account",
    )
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Every stored session of the person (database and cache) ends, also one no sign-in
    record lists; sign-in records, second factors and directory links go with the account."""
    from django.contrib.sessions.models import Session

    # The session store imports the sessions app; only an erasure needs it.
    from hanse.identity.session_store import SessionStore

    ended = 0
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        decoded = SessionStore().decode(data)
        if str(decoded.get("_auth_user_id", "")) == str(user.pk):
            SessionStore(session_key=key).delete()
            ended += 1
    return {"sessions": ended}


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="sign_in",
            label=_("Sign-in"),
            description=_(
                "Your signed-in sessions (device, address, times), your second factors (type "
                "and dates; secrets are never exported), your directory account and your "
                "single sign-on identities."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Every stored session ends, in the database and in the cache; sign-in "
                    "records, second factors and directory links go with the account."
                ),
            ),
            order=140,
        )
    )
