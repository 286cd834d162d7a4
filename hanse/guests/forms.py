"""Forms parse input only; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class GuestInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=120,
        help_text=_("Shown next to the guest's name everywhere, e.g. “Sparkasse Nordheide”."),
    )
    access_until = forms.DateField(
        label=_("Guest access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input"}),
        help_text=_("Leave empty for the default. After this day the guest cannot sign in."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Chat channels"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, channel_choices: list[tuple[int, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's loose signature
        channels = self.fields["channels"]
        assert isinstance(channels, forms.MultipleChoiceField)  # noqa: S101  (declared above)
        channels.choices = channel_choices


class GuestAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
