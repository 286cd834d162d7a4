"""Forms only parse input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hanse.people.models import LANGUAGE_CHOICES, UI_LANGUAGE_CHOICES, Location, OrgUnit


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented by depth so the select reads like the org chart."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * obj.depth + obj.name


def split_names(raw: str) -> list[str]:
    """ "Python, Risk management,  C++" -> ["Python", "Risk management", "C++"]."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    unit = UnitChoiceField(
        label=_("Org unit"),
        queryset=OrgUnit.objects.order_by("path"),
        to_field_name="slug",
        required=False,
        empty_label=_("All units"),
    )
    location = forms.ModelChoiceField(
        label=_("Branch or location"),
        queryset=Location.objects.order_by("name"),
        required=False,
        empty_label=_("All locations"),
    )
    skill = forms.CharField(label=_("Skill or topic"), required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name, job title, skill, unit …")}
        )
        self.fields["skill"].widget.attrs.update({"placeholder": _("e.g. Python")})


class ProfileForm(forms.Form):
    """The profile page's one form: what a person says about themself, their photo and how
    they appear. Job title, org unit and location are not here: HR records them (the page
    shows them read-only), so a posted value is never read."""

    # A plain FileField: the service sniffs the content itself and gives one clear message.
    photo = forms.FileField(
        label=_("New photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    first_name = forms.CharField(label=_("First name"), required=False)
    last_name = forms.CharField(label=_("Last name"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    mobile = forms.CharField(label=_("Mobile"), required=False)
    about = forms.CharField(
        label=_("About me"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few sentences about you and your work, at most 4000 characters."),
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_(
            "Separate them with commas, e.g. “Lending, Python, Sign language”. At most 30."
        ),
    )
    ask_me_about = forms.CharField(
        label=_("Ask me about"),
        required=False,
        help_text=_(
            "Topics colleagues may come to you with, separated by commas, "
            "e.g. “Working Out Loud, Mortgages”. At most 30."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ui_language = forms.ChoiceField(
        label=_("Language of the interface"),
        choices=[("", _("Same as my browser")), *UI_LANGUAGE_CHOICES],
        required=False,
    )
    show_presence = forms.BooleanField(
        label=_("Show colleagues when I am online"),
        required=False,
        help_text=_(
            "A dot next to your name in chat and on your profile shows whether you have Hanse "
            "open. Switch it off if you prefer not to show it."
        ),
    )
    expert_from_activity = forms.BooleanField(
        label=_("Suggest me as an expert from what I write"),
        required=False,
        help_text=_(
            "“Wer weiß was?” can suggest you for a topic because of your posts and comments "
            "about it. Your skills and “ask me about” topics count either way."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = getattr(settings, "AVATAR_MAX_BYTES", 5 * 1024 * 1024) / (1024 * 1024)
        self.fields["photo"].help_text = _(
            "JPEG, PNG, WebP or GIF, at most %(size)s MB. The picture is cropped to a square "
            "for small previews."
        ) % {"size": f"{limit:g}"}
        limits = {"first_name": 150, "last_name": 150, "about": 4000}
        for name, limit in limits.items():
            self.fields[name].widget.attrs["maxlength"] = str(limit)
        for name in ("phone", "mobile"):
            self.fields[name].widget.input_type = "tel"
            self.fields[name].widget.attrs.update({"maxlength": "40", "autocomplete": "tel"})
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    @classmethod
    def initial_for(cls, person: Any) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone,
            "mobile": person.mobile,
            "about": person.about,
            "skills": ", ".join(s.name for s in person.skills.all()),
            "ask_me_about": ", ".join(s.name for s in person.ask_me_about.all()),
            "languages": list(person.languages or []),
            "ui_language": person.ui_language,
            "show_presence": person.show_presence,
            "expert_from_activity": person.expert_from_activity,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "phone": data["phone"],
            "mobile": data["mobile"],
            "about": data["about"],
            "skills": split_names(data["skills"]),
            "ask_me_about": split_names(data["ask_me_about"]),
            "languages": list(data["languages"]),
            "ui_language": data["ui_language"],
            "show_presence": bool(data["show_presence"]),
            "expert_from_activity": bool(data["expert_from_activity"]),
            "photo": data["photo"] or None,
            "remove_photo": bool(data["remove_photo"]),
        }


class PresenceForm(forms.Form):
    show_presence = forms.BooleanField(
        label=_("Show colleagues when I am online"),
        required=False,
        help_text=_(
            "A dot next to your name in chat and on your profile shows whether you have Hanse "
            "open. Switch it off if you prefer not to show it."
        ),
    )
