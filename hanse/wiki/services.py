"""Writes of the wiki: pages, revisions, links, settings, watching and reviews."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.text import MAX_SOURCE_CHARS
from hanse.jobs.outbox import enqueue_on_commit
from hanse.posts.services.posts import render_text
from hanse.wiki import live, markup, tasks
from hanse.wiki.models import (
    Page,
    PageImage,
    PageLink,
    PageWatch,
    Revision,
    WikiSettings,
    title_key,
)
from hanse.wiki.rules import (
    may_delete_page,
    may_edit_in,
    may_edit_page,
    may_manage_wiki,
)

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

# Pictures in a page's text: images only (type sniffed from the content, re-encoded), at most
# ten at once, in their own storage folder.
PAGE_IMAGES = uploads.UploadPolicy(
    model="wiki.PageImage",
    folder="wiki",
    max_files=10,
    content_types=frozenset(uploads.IMAGE_CONTENT_TYPES.values()),
    not_allowed=_(
        "The file “%(name)s” is not a picture. Pictures in a page may be JPEG, PNG, GIF or "
        "WebP; add other files to the community's library and link them."
    ),
)
MAX_TITLE = 200
MAX_NOTE = 300
# A parent chain longer than this is refused (and breadcrumbs stop there).
MAX_DEPTH = 12


class EditConflict(ServiceError):
    """Someone saved the page after the version the editor started from."""

    status = 409

    def __init__(self, page: Page) -> None:
        super().__init__(
            _(
                "Someone else has saved this page since you started editing. Your text is "
                "kept below next to theirs: copy what you need and save again."
            ),
            code="edit_conflict",
            status=409,
        )
        self.page = page


@dataclass(frozen=True)
class Rendered:
    html: str
    links: list[str]


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Please give the page a title."), code="title_missing")
    if len(title) > MAX_TITLE:
        raise ServiceError(
            _("A title may have at most %(max)d characters.") % {"max": MAX_TITLE},
            code="title_too_long",
        )
    if "[" in title or "]" in title or "|" in title:
        raise ServiceError(
            _("A title may not contain square brackets or a vertical bar."), code="title_invalid"
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n")
    if len(body) > MAX_SOURCE_CHARS:
        raise ServiceError(
            _("A page may have at most %(max)d characters.") % {"max": MAX_SOURCE_CHARS},
            code="too_long",
        )
    return body


def _clean_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise ServiceError(
            _("A note may have at most %(max)d characters.") % {"max": MAX_NOTE},
            code="note_too_long",
        )
    return note


def _space(community: Community | None) -> dict[str, object]:
    return {"community": community} if community is not None else {"community__isnull": True}


def resolver(community: Community | None) -> dict[str, int]:
    """Normalised title -> page id of one space (community or company-wide)."""
    return dict(Page.objects.filter(**_space(community)).values_list("key", "pk"))


def render_page(body: str, *, author: User, community: Community | None) -> Rendered:
    """The HTML of a page's text: [[links]] resolved in its space, then the posts' pipeline."""
    pages = resolver(community)
    source = markup.expand_links(
        body, resolve=pages.get, community_id=community.pk if community else None
    )
    rendered = render_text(source, author=author, community=community)
    return Rendered(
        html=markup.embed_images(markup.mark_missing(rendered.html)),
        links=[title_key(t) for t in markup.link_titles(body)],
    )


def _check_parent(parent: Page | None, community: Community | None, page: Page | None) -> None:
    if parent is None:
        return
    if parent.community_id != (community.pk if community else None):
        raise ServiceError(
            _("The parent page must be in the same wiki."), code="parent_elsewhere", status=400
        )
    node: Page | None = parent
    depth = 0
    while node is not None:
        if page is not None and node.pk == page.pk:
            raise ServiceError(
                _("A page cannot be placed below itself or one of its subpages."),
                code="parent_cycle",
            )
        depth += 1
        if depth > MAX_DEPTH:
            raise ServiceError(
                _("Pages can be nested at most %(max)d levels deep.") % {"max": MAX_DEPTH},
                code="too_deep",
            )
        node = node.parent


def _save_links(page: Page, keys: list[str]) -> None:
    PageLink.objects.filter(source=page).exclude(target_key__in=keys).delete()
    existing = set(PageLink.objects.filter(source=page).values_list("target_key", flat=True))
    PageLink.objects.bulk_create(
        [PageLink(source=page, target_key=key) for key in keys if key not in existing]
    )


def _rerender_linking(page: Page) -> None:
    """Pages in the same space that link to this title show the link as existing (or missing)
    now: their HTML is rendered again."""
    sources = Page.objects.filter(
        **_space(page.community), outgoing_links__target_key=page.key
    ).exclude(pk=page.pk)
    for source in sources.select_related("community", "created_by"):
        author = source.created_by
        if author is None:
            continue
        html = render_page(source.body, author=author, community=source.community).html
        Page.objects.filter(pk=source.pk).update(body_html=html)


def _title_taken() -> ServiceError:
    return ServiceError(
        _("A page with this title exists already in this wiki."), code="title_taken", status=400
    )


def _queue_changed(page: Page, revision: Revision) -> None:
    enqueue_on_commit(tasks.notify_page_changed, page.pk, revision.pk)


def page_create(
    *,
    by: User,
    community: Community | None,
    title: str,
    body: str = "",
    parent: Page | None = None,
    note: str = "",
    is_template: bool = False,
) -> Page:
    """Create a page with its first revision; its author watches it."""
    if not may_edit_in(by, community):
        raise PermissionRefused(_("You may not create pages in this wiki."))
    if is_template and community is not None and not may_manage_wiki(by, community):
        raise PermissionRefused(_("Only the community's owners may define page templates."))
    title = _clean_title(title)
    body = _clean_body(body)
    note = _clean_note(note)
    _check_parent(parent, community, None)
    rendered = render_page(body, author=by, community=community)
    now = timezone.now()
    try:
        with transaction.atomic():
            page = Page.objects.create(
                community=community,
                parent=parent,
                title=title,
                key=title_key(title),
                body=body,
                body_html=rendered.html,
                is_template=is_template,
                created_by=by,
                created_at=now,
                updated_at=now,
                revision_count=1,
            )
            revision = Revision.objects.create(
                page=page, number=1, title=title, body=body, note=note, author=by, created_at=now
            )
            page.current_revision = revision
            page.save(update_fields=["current_revision"])
            _save_links(page, rendered.links)
            PageWatch.objects.get_or_create(page=page, user=by)
            _rerender_linking(page)
    except IntegrityError as exc:
        raise _title_taken() from exc
    return page


def page_update(
    *,
    page: Page,
    by: User,
    title: str,
    body: str,
    base_revision_id: int | None,
    note: str = "",
    parent: Page | None = None,
    keep_parent: bool = False,
) -> Revision:
    """Save a new revision. ``base_revision_id`` is the revision the editor started from:
    when someone saved after it, nothing is written and ``EditConflict`` says so."""
    if not may_edit_page(by, page):
        raise PermissionRefused(_("You may not edit this page."))
    title = _clean_title(title)
    body = _clean_body(body)
    note = _clean_note(note)
    rendered = render_page(body, author=by, community=page.community)
    try:
        with transaction.atomic():
            locked = Page.objects.select_for_update().get(pk=page.pk)
            if base_revision_id is not None and locked.current_revision_id != base_revision_id:
                raise EditConflict(locked)
            new_parent = locked.parent if keep_parent else parent
            _check_parent(new_parent, page.community, locked)
            old_key = locked.key
            number = locked.revision_count + 1
            now = timezone.now()
            revision = Revision.objects.create(
                page=locked, number=number, title=title, body=body, note=note, author=by,
                created_at=now,
            )  # fmt: skip
            locked.title = title
            locked.key = title_key(title)
            locked.body = body
            locked.body_html = rendered.html
            locked.parent = new_parent
            locked.current_revision = revision
            locked.revision_count = number
            locked.updated_at = now
            locked.save(
                update_fields=[
                    "title", "key", "body", "body_html", "parent", "current_revision",
                    "revision_count", "updated_at",
                ]
            )  # fmt: skip
            _save_links(locked, rendered.links)
            PageWatch.objects.get_or_create(page=locked, user=by)
            if old_key != locked.key:
                _rerender_linking(locked)
                old = Page(pk=locked.pk, community=locked.community, key=old_key)
                _rerender_linking(old)
            _queue_changed(locked, revision)
            live.page_changed_on_commit(locked.pk, number)
    except IntegrityError as exc:
        raise _title_taken() from exc
    for field in ("title", "key", "body", "body_html", "parent", "current_revision"):
        setattr(page, field, getattr(locked, field))
    page.revision_count = locked.revision_count
    page.updated_at = locked.updated_at
    return revision


def page_restore(*, page: Page, by: User, revision: Revision) -> Revision:
    """Make an old revision the current text again (as a new revision; nothing is lost)."""
    if revision.page_id != page.pk:
        raise ServiceError(_("This version belongs to another page."), code="wrong_page")
    return page_update(
        page=page,
        by=by,
        title=revision.title,
        body=revision.body,
        base_revision_id=None,
        note=str(_("Restored version %(number)d") % {"number": revision.number}),
        keep_parent=True,
    )


def page_delete(*, page: Page, by: User) -> None:
    """Delete a page with its revisions; its subpages move up to its parent."""
    if not may_delete_page(by, page):
        raise PermissionRefused(_("You may not delete this page."))
    with transaction.atomic():
        Page.objects.filter(parent=page).update(parent=page.parent)
        uploads.delete_files_on_commit(list(PageImage.objects.filter(page=page)))
        gone = Page(pk=page.pk, community=page.community, key=page.key)
        page.delete()
        _rerender_linking(gone)


def page_images_upload(*, page: Page, by: User, files: list[UploadedFile]) -> list[PageImage]:
    """Store pictures for a page's text (who may edit the page); each is checked (count,
    size, type sniffed from the content) before anything is written. The editor inserts
    ``markup.image_markdown`` of each into the text; saving the page is a separate step."""
    if not may_edit_page(by, page):
        raise PermissionRefused(_("You may not edit this page."))
    if not files:
        raise ServiceError(_("Please choose at least one picture."), code="no_files")
    validated = uploads.validate(files, PAGE_IMAGES)
    with uploads.removed_on_error(), transaction.atomic():
        return uploads.store(
            validated,
            PAGE_IMAGES,
            lambda item: PageImage(page=page, uploader=by, **uploads.row_fields(item)),
        )


def page_mark_reviewed(*, page: Page, by: User) -> Page:
    """Confirm that the page is still correct; the review reminder starts again."""
    if not may_edit_page(by, page):
        raise PermissionRefused(_("You may not mark this page as reviewed."))
    page.reviewed_at = timezone.now()
    page.reviewed_by = by
    page.save(update_fields=["reviewed_at", "reviewed_by"])
    return page


def page_watch_set(*, page: Page, user: User, watching: bool) -> bool:
    """Follow (or stop following) a page's changes."""
    if watching:
        PageWatch.objects.get_or_create(page=page, user=user)
    else:
        PageWatch.objects.filter(page=page, user=user).delete()
    return watching


def wiki_settings_update(
    *,
    community: Community,
    by: User,
    enabled: bool,
    edit_policy: str,
    review_days: int,
) -> WikiSettings:
    """The owners' choices: the wiki on or off, who edits, when to remind about reviews."""
    if not may_manage_wiki(by, community):
        raise PermissionRefused(_("Only the community's owners may change the wiki settings."))
    if edit_policy not in WikiSettings.EditPolicy.values:
        raise ServiceError(_("Please choose who may edit pages."), code="invalid_policy")
    if not 7 <= review_days <= 3650:
        raise ServiceError(
            _("The review reminder must be between 7 and 3650 days."), code="invalid_days"
        )
    with transaction.atomic():
        wiki, _created = WikiSettings.objects.update_or_create(
            community=community,
            defaults={"enabled": enabled, "edit_policy": edit_policy, "review_days": review_days},
        )
        live.wiki_settings_changed_on_commit(community.pk)
    community.__dict__.pop("_wiki_settings", None)
    return wiki


def review_reminded(*, page_ids: list[int]) -> None:
    """Record that owners were reminded (the scheduled job; one reminder per period)."""
    Page.objects.filter(pk__in=page_ids).update(review_reminded_at=timezone.now())
