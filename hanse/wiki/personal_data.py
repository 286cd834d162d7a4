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


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Revisions and images stay under the pseudonym; under the delete policy the images go,
    pages only the person wrote go, and their revisions of pages others edited too stay under
    the pseudonym (later versions build on them: the page's history is shared text)."""
    to = erasure.pseudonym
    counts: dict[str, int] = {}
    if not erasure.keeps_content:
        others = Revision.objects.exclude(author=user).values("page_id")
        alone = Page.objects.filter(revisions__author=user).exclude(pk__in=others).distinct()
        counts["pages"] = alone.count()
        personal_data.delete_rows(
            Page.objects.filter(pk__in=list(alone.values_list("pk", flat=True)))
        )
        counts["images"] = personal_data.delete_rows(PageImage.objects.filter(uploader=user))
    else:
        counts["images"] = personal_data.reassign(
            PageImage.objects.filter(uploader=user), "uploader", to
        )
    counts["revisions"] = personal_data.reassign(Revision.objects.filter(author=user), "author", to)
    personal_data.reassign(Page.objects.filter(created_by=user), "created_by", to)
    personal_data.reassign(Page.objects.filter(reviewed_by=user), "reviewed_by", to)
    return counts


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
            erase=_erase,
            erasure=personal_data.ErasureNote(
                pseudonymise=_("Revisions and images stay under the pseudonym."),
                delete=_("Images the person uploaded and pages only they wrote are deleted."),
                kept=_(
                    "Revisions of pages others edited too stay under the pseudonym, as do the "
                    "marks of who created or reviewed a page: later versions build on them."
                ),
            ),
            order=110,
        )
    )
