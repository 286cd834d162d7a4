"""Forms parse input only; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community, Membership

KIND_HELP = {
    Community.Kind.OPEN: _("Every employee can find it, read its posts and join with one click."),
    Community.Kind.PRIVATE: _(
        "Everyone can find it and see its description. Posts and members are visible to "
        "members only. People ask to join or are invited."
    ),
    Community.Kind.SECRET: _(
        "Only members know it exists. It does not appear in the directory or in search. "
        "People join by invitation only."
    ),
}


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, min_length=3, strip=True)
    tagline = forms.CharField(
        label=_("Tagline"),
        max_length=160,
        required=False,
        help_text=_("One sentence that says what the community is about."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who is it for, what happens here, how can people contribute?"),
    )
    kind = forms.ChoiceField(
        label=_("Who can see and join it?"),
        choices=Community.Kind.choices,
        initial=Community.Kind.OPEN,
        widget=forms.RadioSelect,
    )

    def kind_options(self) -> list[dict[str, object]]:
        """The radio buttons with their explanations, for the template."""
        current = self["kind"].value() or Community.Kind.OPEN
        return [
            {
                "value": value,
                "label": label,
                "help": KIND_HELP[Community.Kind(value)],
                "checked": value == current,
            }
            for value, label in Community.Kind.choices
        ]


class CommunityCreateForm(CommunityForm):
    slug = forms.SlugField(
        label=_("Address (optional)"),
        max_length=80,
        required=False,
        help_text=_(
            "The start of the last part of the community's web address; a short random "
            "ending is added. Leave it empty to derive it from the name."
        ),
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the moderators (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InviteForm(forms.Form):
    person = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        help_text=_("Start typing a name to see suggestions."),
    )


class AppointOwnerForm(forms.Form):
    person = forms.CharField(
        label=_("New owner"),
        max_length=254,
        help_text=_(
            "Type at least two letters of a name and choose the person, or enter a username "
            "or e-mail address."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
