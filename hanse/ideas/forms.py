"""Forms of the idea and experiment pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.communities.selectors import communities_of
from hanse.ideas.models import REASON_CHARS, TEXT_CHARS, TITLE_CHARS, Experiment, Idea
from hanse.people.models import User


def _people_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=2000, help_text=help_text)


def clean_people(text: str) -> list[User]:
    """User names separated by commas (an @ in front is fine) → active people; an unknown
    name is a form error naming it."""
    names = [n.strip().lstrip("@") for n in (text or "").split(",") if n.strip()]
    found = list(User.objects.filter(username__in=names, is_active=True).order_by("pk"))
    missing = sorted(set(names) - {u.username for u in found})
    if missing:
        raise forms.ValidationError(_("Unknown: %(names)s") % {"names": ", ".join(missing)})
    return found


COAUTHORS_HELP = _(
    "Colleagues who write the idea with you: user names, separated by commas. They are asked "
    "first; once they accept, they can edit it and are named on it."
)


class PlaceForm(forms.Form):
    """A form with "where": company-wide or one of the person's communities (slug)."""

    community = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("Company-wide"))]
        choices += [(c.slug, c.name) for c in communities_of(user=user)]
        field = cast("forms.ChoiceField", self.fields["community"])
        field.choices = choices


class IdeaForm(PlaceForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_CHARS)
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What would change, for whom, and why? Markdown works."),
    )
    category = forms.CharField(label=_("Category"), required=False, max_length=80)
    coauthors = _people_field(_("Co-authors (optional)"), COAUTHORS_HELP)

    def clean_coauthors(self) -> list[User]:
        return clean_people(self.cleaned_data.get("coauthors", ""))

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if categories:
            self.fields["category"] = forms.ChoiceField(
                label=_("Category"),
                required=False,
                choices=[("", "—")] + [(c, c) for c in categories],
            )
        else:
            del self.fields["category"]


class IdeaEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_CHARS)
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What would change, for whom, and why? Markdown works."),
    )


class CoauthorsForm(forms.Form):
    coauthors = _people_field(_("Co-authors"), COAUTHORS_HELP)

    def clean_coauthors(self) -> list[User]:
        return clean_people(self.cleaned_data.get("coauthors", ""))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Idea.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone who supported or commented on the idea reads this."),
        error_messages={"required": _("Every status change needs a written reason.")},
    )
    hypothesis = forms.CharField(
        label=_("Hypothesis (for an experiment)"),
        required=False,
        max_length=REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If we …, then …, measured by …"),
    )
    success_looks_like = forms.CharField(
        label=_("What success looks like"), required=False, max_length=REASON_CHARS
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            field = cast("forms.ChoiceField", self.fields["to_status"])
            field.choices = [
                (value, label) for value, label in Idea.Status.choices if value in allowed
            ]


class CampaignForm(PlaceForm):
    question = forms.CharField(label=_("Question"), max_length=TITLE_CHARS)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    categories = forms.CharField(
        label=_("Categories"),
        required=False,
        max_length=500,
        help_text=_("Optional, separated by commas."),
    )
    support_budget = forms.IntegerField(
        label=_("Supports per person"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_(
            "Optional: how many ideas of this campaign each person may support. Empty: as "
            "many as they like."
        ),
    )


class ExperimentForm(PlaceForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_CHARS)
    hypothesis = forms.CharField(
        label=_("Hypothesis"),
        max_length=REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("If we …, then …, measured by …"),
    )
    plan = forms.CharField(
        label=_("Plan"),
        required=False,
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    success_looks_like = forms.CharField(
        label=_("What success looks like"), required=False, max_length=REASON_CHARS
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ExperimentEditForm(forms.Form):
    plan = forms.CharField(
        label=_("Plan"),
        required=False,
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Moves only before the experiment has started."),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    team = _people_field(_("Team"), _("User names, separated by commas."))

    def __init__(self, *args: Any, started: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if started:
            self.fields["starts_on"].disabled = True
            self.fields["starts_on"].help_text = _(
                "The experiment has started; its start date stays."
            )

    def clean_team(self) -> list[User]:
        return clean_people(self.cleaned_data.get("team", ""))


class ShareForm(forms.Form):
    note = forms.CharField(
        label=_("A few words of your own (optional)"),
        required=False,
        max_length=REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=_("Update"), max_length=TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=Experiment.Result.choices, widget=forms.RadioSelect
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What did we learn, also from what did not work? A refuted hypothesis is a result."
        ),
        error_messages={"required": _("Closing an experiment needs the lessons learned.")},
    )
    next_step = forms.ChoiceField(
        label=_("Next step"),
        required=False,
        choices=[("", "—"), *Experiment.NextStep.choices],
    )
