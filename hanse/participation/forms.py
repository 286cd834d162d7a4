"""Forms of the poll pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.participation.models import MAX_OPTIONS, Poll
from hanse.posts.forms import PostForm


class PollForm(PostForm):
    """A new poll: the question (the post's text), where it goes, its answers and settings."""

    body = forms.CharField(
        label=_("Question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ask a question first.")},
    )
    options = forms.CharField(
        label=_("Answers"),
        # The numbers are MIN_OPTIONS and MAX_OPTIONS (a lazy text cannot be formatted here).
        help_text=_("One answer per line, 2 to 20."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give at least two different answers.")},
    )
    kind = forms.ChoiceField(label=_("Choice"), choices=Poll.Kind.choices, initial=Poll.Kind.SINGLE)
    max_choices = forms.IntegerField(
        label=_("At most this many answers (multiple choice)"),
        required=False,
        min_value=1,
        max_value=MAX_OPTIONS + 1,
    )
    allow_other = forms.BooleanField(label=_("Allow an own answer (“Other”)"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous: nobody can find out who chose what"),
        required=False,
        help_text=_(
            "Cannot be changed later. Votes cannot be changed either, and there is no own answer."
        ),
    )
    results = forms.ChoiceField(
        label=_("Show the results"), choices=Poll.Results.choices, initial=Poll.Results.ALWAYS
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (optional)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["where"].widget.attrs["id"] = "poll-where"
        self.fields["where"].label = _("Ask in")

    def option_lines(self) -> list[str]:
        return str(self.cleaned_data.get("options") or "").splitlines()

    def closing(self) -> datetime | None:
        value = self.cleaned_data.get("closes_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
