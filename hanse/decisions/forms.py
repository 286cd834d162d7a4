"""Forms of the decision pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.communities.selectors import communities_of
from hanse.decisions.models import REASON_CHARS, TEXT_CHARS, TITLE_CHARS, Proposal, Response


class ProposalForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    title = forms.CharField(label=_("Title"), max_length=TITLE_CHARS)
    text = forms.CharField(
        label=_("Proposal"),
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What exactly do you propose? Markdown works."),
    )
    background = forms.CharField(
        label=_("Background"),
        required=False,
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why now, what was tried, what you know."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline for responses"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    deciders = forms.CharField(
        label=_("Who decides"),
        required=False,
        max_length=2000,
        help_text=_(
            "Leave empty: all members of the community. Or user names, separated by commas."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["community"])
        field.choices = [(c.slug, c.name) for c in communities_of(user=user)]


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Your response"), choices=Response.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Responses are named and everyone can read them: this is a decision, not a poll, "
            "so there are no anonymous objections. An objection needs a reason: why would the "
            "proposal harm the group's goals?"
        ),
    )


class AmendForm(forms.Form):
    text = forms.CharField(
        label=_("Amended proposal"), max_length=TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )
    note = forms.CharField(label=_("What changed"), max_length=REASON_CHARS)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Proposal.Outcome.choices)
    statement = forms.CharField(
        label=_("Outcome statement"),
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_on = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Good enough for now, safe enough to try: when do we look at it again?"),
    )
