"""Forms of the circle and multiplier pages: they parse input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.circles.models import SignUp
from hanse.circles.models.circles import SLOTS, slot_label
from hanse.people.models import Location, User

TEXTAREA = {"rows": 3}


def _people(raw: str) -> list[User]:
    names = [n.strip().lstrip("@") for n in (raw or "").replace(";", ",").split(",") if n.strip()]
    if not names:
        return []
    found = {u.username.lower(): u for u in User.objects.filter(username__in=names, is_active=True)}
    found.update({u.email.lower(): u for u in User.objects.filter(email__in=names, is_active=True)})
    missing = [n for n in names if n.lower() not in found]
    if missing:
        raise forms.ValidationError(
            _("We do not know these colleagues: %(names)s. Use their login name or e-mail."),
            params={"names": ", ".join(missing)},
        )
    return [found[n.lower()] for n in names]


class SignUpForm(forms.Form):
    slots = forms.TypedMultipleChoiceField(
        label=_("When could you meet every week?"),
        choices=[(s, slot_label(s)) for s in SLOTS],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each time is a one-hour meeting. The more you choose, the easier the match."),
        error_messages={"required": _("Choose at least one weekly time that suits you.")},
    )
    mode = forms.ChoiceField(
        label=_("Where would you like to meet?"),
        choices=SignUp.Mode.choices,
        widget=forms.RadioSelect,
        initial=SignUp.Mode.ONLINE,
    )
    location = forms.ModelChoiceField(
        label=_("Location for meetings on site"),
        queryset=Location.objects.all(),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=SignUp.Language.choices, initial=SignUp.Language.GERMAN
    )
    goal = forms.CharField(
        label=_("Your goal (optional, private to you)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Nobody sees it, not even the coordinators. You can change it later."),
    )
    with_people = forms.CharField(
        label=_("Colleagues you would like to be with (optional)"),
        required=False,
        help_text=_("Login names or e-mail addresses, separated by commas. Never shown to anyone."),
    )
    without_people = forms.CharField(
        label=_("Colleagues you would rather not be with (optional)"),
        required=False,
        help_text=_("Never shown to anyone, not even to the coordinators."),
    )

    def clean_with_people(self) -> list[User]:
        return _people(self.cleaned_data.get("with_people", ""))

    def clean_without_people(self) -> list[User]:
        return _people(self.cleaned_data.get("without_people", ""))

    @staticmethod
    def initial_for(signup: SignUp | None, user: User) -> dict[str, Any]:
        if signup is None:
            return {"location": user.location_id, "mode": SignUp.Mode.ONLINE}
        wishes = list(signup.wishes.select_related("other"))
        return {
            "slots": signup.slots,
            "mode": signup.mode,
            "location": signup.location_id,
            "language": signup.language,
            "goal": signup.goal,
            "with_people": ", ".join(w.other.username for w in wishes if w.kind == "with"),
            "without_people": ", ".join(w.other.username for w in wishes if w.kind == "without"),
        }


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    signup_closes = forms.DateField(
        label=_("Sign-up closes"), widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_on = forms.DateField(
        label=_("First week starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=52, initial=12)
    min_size = forms.IntegerField(label=_("Smallest circle"), min_value=2, max_value=12, initial=4)
    max_size = forms.IntegerField(label=_("Largest circle"), min_value=2, max_value=12, initial=5)


class GoalForm(forms.Form):
    goal = forms.CharField(
        label=_("My goal"), required=False, max_length=1000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    shared = forms.BooleanField(label=_("Share my goal with my circle"), required=False)
    show_on_profile = forms.BooleanField(
        label=_("My profile may say that I take part in a WOL circle"), required=False
    )


class RelationshipForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    notes = forms.CharField(
        label=_("Contributions and notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    shared = forms.BooleanField(label=_("Share with my circle"), required=False)


class CheckInForm(forms.Form):
    week = forms.IntegerField(min_value=1, max_value=52, widget=forms.HiddenInput)
    attended = forms.BooleanField(label=_("I took part in this week's meeting"), required=False)
    did = forms.CharField(
        label=_("What I did"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    will_try = forms.CharField(
        label=_("What I will try next"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class VolunteerForm(forms.Form):
    topics = forms.CharField(
        label=_("Topics I can help with"),
        max_length=250,
        help_text=_("Separated by commas, e.g. Teams, Working Out Loud, online meetings."),
    )
    note = forms.CharField(
        label=_("A short note for the coordinators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


# --- friends forming a circle, the meeting link (wt/leftovers) ------------------------------


class FriendCircleForm(forms.Form):
    name = forms.CharField(label=_("Name of the circle"), max_length=80)
    colleagues = forms.CharField(
        label=_("Colleagues (3 or 4)"),
        help_text=_("Login names or e-mail addresses, separated by commas."),
    )
    starts_on = forms.DateField(
        label=_("First week starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    slot = forms.TypedChoiceField(
        label=_("Weekly meeting"),
        choices=[(s, slot_label(s)) for s in SLOTS],
        coerce=int,
    )
    location = forms.ModelChoiceField(
        label=_("Where"),
        queryset=Location.objects.all(),
        required=False,
        empty_label=_("Online"),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=SignUp.Language.choices, initial=SignUp.Language.GERMAN
    )

    def clean_colleagues(self) -> list[User]:
        return _people(self.cleaned_data.get("colleagues", ""))


class MeetingLinkForm(forms.Form):
    meeting_url = forms.CharField(
        label=_("Online meeting link"),
        required=False,
        max_length=500,
        help_text=_("An address starting with https://, e.g. of your video meeting room."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


class RetrospectiveForm(forms.Form):
    gave_me = forms.CharField(
        label=_("What did your circle give you?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    next_steps = forms.CharField(
        label=_("What will you carry on?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    shared = forms.BooleanField(label=_("Share my retrospective with my circle"), required=False)


class StoryForm(forms.Form):
    body = forms.CharField(
        label=_("Your story for the stream"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Published company-wide under your name. Only this text leaves the circle: "
            "write nothing that others told you in confidence."
        ),
    )


# --- the Connectoren programme: onboarding steps, stories (wt/connectoren) -----------------


class OnboardingItemForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=150)
    description = forms.CharField(
        label=_("What to do (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    link = forms.CharField(
        label=_("Link (optional)"),
        required=False,
        max_length=500,
        help_text=_("https://… or a page of Hanse starting with /"),
    )
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0, max_value=999)


STORY_KINDS = [
    ("helped", _("I helped someone")),
    ("experiment", _("An experiment")),
]


class ConnectorStoryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is your story about?"), choices=STORY_KINDS, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Your story"),
        max_length=5000,
        help_text=_(
            "Who did you help, with what, and what did you learn? It is posted company-wide "
            "under your name, tagged #Connectoren."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class StoryTagForm(forms.Form):
    post = forms.TypedChoiceField(label=_("One of your company-wide posts"), coerce=int)
    kind = forms.ChoiceField(
        label=_("What is it about?"), choices=STORY_KINDS, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, posts: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]  # a tuple default, never mutated
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (p.pk, (p.body[:70] + "…") if len(p.body) > 70 else p.body) for p in posts
        ]
