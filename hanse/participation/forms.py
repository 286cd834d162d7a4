"""Forms of the poll pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.participation.models import MAX_OPTIONS, Poll
from hanse.people.models import OrgUnit, User
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


class ChatPollForm(PollForm):
    """A poll in a chat message: the same questions, without "where" (the channel)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["where"]


# --- town halls ---------------------------------------------------------------------------

_DATETIME = {
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
}


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class TownHallForm(forms.Form):
    """A town hall's settings; people are given by username, several separated by commas."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("Starts"), **_DATETIME)  # type: ignore[arg-type]
    ends_at = forms.DateTimeField(label=_("Ends"), **_DATETIME)  # type: ignore[arg-type]
    hosts = forms.CharField(
        label=_("Hosts"), help_text=_("Usernames, separated by commas."), max_length=2000
    )
    moderators = forms.CharField(
        label=_("Further moderators (optional)"),
        required=False,
        help_text=_("Usernames, separated by commas. Hosts moderate anyway."),
        max_length=2000,
    )
    company_wide = forms.BooleanField(label=_("The whole company is invited"), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Or only these units (and the units below them)"),
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    approval_required = forms.BooleanField(
        label=_("Questions need approval before they show"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The person picker (participation/townhall_people.js) turns these into comboboxes;
        # without JavaScript they stay plain fields of usernames.
        for name in ("hosts", "moderators"):
            self.fields[name].widget.attrs.update(
                {
                    "data-people-picker": reverse("participation:townhall_people"),
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "aria-describedby": f"id_{name}-help",
                }
            )

    def people(self, field: str) -> list[User]:
        names = [n.strip().lstrip("@") for n in str(self.cleaned_data.get(field) or "").split(",")]
        names = [n for n in names if n]
        found = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
        missing = [n for n in names if n not in found]
        if missing:
            self.add_error(field, _("Unknown people: %(names)s") % {"names": ", ".join(missing)})
        return [found[n] for n in names if n in found]

    def times(self) -> tuple[datetime | None, datetime | None]:
        return _aware(self.cleaned_data.get("starts_at")), _aware(self.cleaned_data.get("ends_at"))


class TownHallNewForm(TownHallForm):
    with_event = forms.BooleanField(
        label=_("Also put it in the calendar (a company-wide event)"), required=False
    )
