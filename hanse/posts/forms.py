"""Forms of the stream pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.posts.models.posts import MAX_BODY_CHARS

COMPANY = "company"
PROFILE = "profile"
COMMUNITY_PREFIX = "community:"


def where_value(community: Community | None, scope: str = COMPANY) -> str:
    """The composer's value for a place to post: "company", "profile" or "community:<slug>"."""
    if community is not None:
        return f"{COMMUNITY_PREFIX}{community.slug}"
    return scope


class PostForm(forms.Form):
    """Write a post: the text and where it goes (files are read from request.FILES)."""

    body = forms.CharField(
        label=_("Write a post"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    where = forms.ChoiceField(
        label=_("Post to"), choices=(), widget=forms.Select(attrs={"id": "composer-where"})
    )

    def __init__(self, *args: Any, communities: Iterable[Community] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {c.slug: c for c in communities}
        choices: list[tuple[Any, Any]] = [
            (COMPANY, _("Everyone in the company")),
            (PROFILE, _("My profile")),
        ]
        if self.communities:
            choices.append(
                (
                    _("My communities"),
                    [(where_value(c), c.name) for c in self.communities.values()],
                )
            )
        self.fields["where"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField

    def target(self) -> tuple[str, Community | None]:
        """The scope and community chosen (after is_valid())."""
        where = self.cleaned_data["where"]
        if where.startswith(COMMUNITY_PREFIX):
            return "community", self.communities[where.removeprefix(COMMUNITY_PREFIX)]
        return where, None


class BodyForm(forms.Form):
    """Edit a post, or write or edit a comment."""

    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please write something first.")},
    )


class CommentForm(BodyForm):
    body = forms.CharField(
        label=_("Write a comment"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ShareForm(forms.Form):
    """Share a post into one of my communities (or company-wide), with an optional note."""

    where = forms.ChoiceField(label=_("Share to"), choices=())
    body = forms.CharField(
        label=_("Add a note (optional)"),
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, communities: Iterable[Community] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {c.slug: c for c in communities}
        choices: list[tuple[Any, Any]] = [(COMPANY, _("Everyone in the company"))]
        choices += [(where_value(c), c.name) for c in self.communities.values()]
        self.fields["where"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField

    def target(self) -> tuple[str, Community | None]:
        where = self.cleaned_data["where"]
        if where.startswith(COMMUNITY_PREFIX):
            return "community", self.communities[where.removeprefix(COMMUNITY_PREFIX)]
        return where, None
