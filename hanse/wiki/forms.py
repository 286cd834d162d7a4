"""Forms of the wiki pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.core.text import MAX_SOURCE_CHARS
from hanse.wiki.models import WikiSettings


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    parent = forms.TypedChoiceField(
        label=_("Parent page"), required=False, coerce=int, empty_value=None
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_SOURCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 18, "class": "wiki-editor"}),
        help_text=_(
            "Markdown: # heading, **bold**, - list. Link pages with [[Page title]], "
            "people with @name."
        ),
    )
    note = forms.CharField(
        label=_("What did you change? (optional)"), required=False, max_length=300
    )
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, parents: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["parent"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101  # narrows for mypy
        field.choices = [("", _("— none (top level) —")), *parents]


class SettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Wiki switched on"), required=False)
    edit_policy = forms.ChoiceField(
        label=_("Who may edit pages"), choices=WikiSettings.EditPolicy.choices
    )
    review_days = forms.IntegerField(
        label=_("Remind owners to review a page after (days)"), min_value=7, max_value=3650
    )
