"""What the wiki stores about a person: the revisions they wrote, pages they created, images
they uploaded and pages they watch."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.wiki.models import Page, PageImage, PageWatch, Revision

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        Revision.objects.filter(author=user).order_by("created_at"),
        "page_id",
        "number",
        "title",
        "body",
        "note",
        "created_at",
        kind="revision",
    )
    records += rows(
        Page.objects.filter(created_by=user).order_by("created_at"),
        "id",
        "title",
        "community__name",
        "created_at",
        kind="page_created",
    )
    records += rows(PageWatch.objects.filter(user=user), "page_id", kind="page_watched")
    images = PageImage.objects.filter(uploader=user).order_by("created_at")
    records += rows(
        images, "id", "page_id", "original_name", "content_type", "size", "created_at", kind="image"
    )
    return personal_data.Export(records, personal_data.files_of(images, "wiki"))


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="wiki",
            label=_("Wiki"),
            description=_(
                "The wiki revisions you wrote, the pages you created, the images you uploaded "
                "and the pages you watch."
            ),
            export=_export,
            order=110,
        )
    )
