"""Forms of moderation: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.moderation.models import REASON_CHARS, Report
from hanse.moderation.services import MAX_SUSPENSION_DAYS


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=Report.Category.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only moderators read this. Required for “Something else”."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author receives this reason."),
    )


class SuspendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days"), min_value=1, max_value=MAX_SUSPENSION_DAYS, initial=7
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
