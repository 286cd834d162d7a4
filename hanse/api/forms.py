"""The password change form, with the choice to revoke one's API tokens in the same step, and
the password reset form, which revokes them always."""

from __future__ import annotations

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.api import services


class ChangePasswordForm(AllauthChangePasswordForm):
    revoke_api_tokens = forms.BooleanField(
        label=_("Also revoke my API tokens"),
        required=False,
        initial=True,
        help_text=_(
            "Your other browser sessions are signed out in any case. API tokens do not depend "
            "on your password: revoke them too, and programs that use them stop working until "
            "you create new ones."
        ),
    )

    def save(self) -> None:
        assert self.user is not None  # noqa: S101 (allauth passes the signed-in person)
        services.password_change(
            user=self.user,
            password=self.cleaned_data["password1"],
            revoke_api_tokens=bool(self.cleaned_data.get("revoke_api_tokens")),
        )


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    """The new password from a reset link; the person's API tokens are revoked with it."""

    def save(self) -> None:
        assert self.user is not None  # noqa: S101 (allauth passes the person of the link)
        services.password_reset(user=self.user, password=self.cleaned_data["password1"])
