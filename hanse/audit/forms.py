from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.audit.selectors import Filters


class FilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_("A whole action (auth.login) or its group (auth)."),
    )
    actor = forms.IntegerField(label=_("Actor id"), required=False, min_value=1)
    target = forms.CharField(
        label=_("Target"),
        required=False,
        max_length=130,
        help_text=_("A kind (people.user), or a kind and id (people.user:42)."),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end lies before the start."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        target = (data.get("target") or "").strip()
        kind, _sep, ident = target.partition(":")
        return Filters(
            action=(data.get("action") or "").strip(),
            actor_id=data.get("actor"),
            target_type=kind.strip()[:64],
            target_id=ident.strip()[:64],
            since=data.get("since"),
            until=data.get("until"),
        )
