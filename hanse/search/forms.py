"""The results page's parameters: every filter lives in the URL, and a bad one is left out
with a word of explanation, never an error page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.search.selectors import MAX_PER_PAGE, SORTS, SearchQuery

MAX_TEXT = 500
# Far beyond what anyone pages to; keeps the offset a small number.
MAX_PAGE = 500
FILE_TYPE_CHOICES = (
    ("", _("All file types")),
    ("pdf", "PDF"),
    ("docx", _("Word (DOCX)")),
    ("xlsx", _("Excel (XLSX)")),
    ("pptx", _("PowerPoint (PPTX)")),
    ("odt", _("OpenDocument text")),
    ("ods", _("OpenDocument spreadsheet")),
    ("odp", _("OpenDocument presentation")),
    ("txt", _("Text")),
    ("csv", "CSV"),
    ("image", _("Image")),
)
SORT_CHOICES = (
    ("relevance", _("Best match")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
)


class SearchForm(forms.Form):
    """The query string of /search/ (and of the API: the same names)."""

    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    type = forms.CharField(label=_("Show"), required=False)
    community = forms.SlugField(label=_("Community"), required=False, max_length=100)
    author = forms.CharField(label=_("Author"), required=False, max_length=150)
    unit = forms.IntegerField(
        label=_("Unit or branch of the author"), required=False, min_value=1, max_value=2**31
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    file_type = forms.ChoiceField(label=_("File type"), choices=FILE_TYPE_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": str(MAX_TEXT)})
        # A NUL or another control character in the box is dropped, not a refusal of the
        # whole search (the engine's parser gets printable text only).
        self.fields["q"].validators = []
        self.fields["date_from"].widget.input_type = "date"
        self.fields["date_to"].widget.input_type = "date"

    def clean_q(self) -> str:
        raw = self.cleaned_data.get("q") or ""
        return "".join(c if c.isprintable() else " " for c in raw[: MAX_TEXT * 4]).strip()

    def clean_type(self) -> str:
        key = self.cleaned_data.get("type") or ""
        found = searchable.get(key) if key else None
        if key and (found is None or not found.in_results):
            raise forms.ValidationError(
                _("There is no kind of result called “%(type)s”."), params={"type": key[:40]}
            )
        return key

    def clean_author(self) -> str:
        return (self.cleaned_data.get("author") or "").strip().lstrip("@")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            # Swapped dates are a slip, not a wish for nothing: read them the right way round.
            data["date_from"], data["date_to"] = end, start
        return data

    def problems(self) -> list[str]:
        """What was left out, in words ("The date “32.13.” was not understood …")."""
        out: list[str] = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            out.extend(f"{label}: {error}" if label else str(error) for error in errors)
        return out

    def to_query(self, *, per_page: int = 20) -> SearchQuery:
        """The query from the valid fields; invalid ones are left out (see ``problems``)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        text = (data.get("q") or "")[:MAX_TEXT]
        return SearchQuery(
            text=text,
            types=(data["type"],) if data.get("type") else (),
            community=data.get("community") or None,
            author=data.get("author") or None,
            unit=data.get("unit"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            file_type=data.get("file_type") or None,
            sort=str(data["sort"]) if data.get("sort") in SORTS else "relevance",
            page=data.get("page") or 1,
            per_page=min(per_page, MAX_PER_PAGE),
        )
