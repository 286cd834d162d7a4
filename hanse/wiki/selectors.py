"""Reads of the wiki: pages, their tree, revisions and links, always through ``visible_to``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from hanse.people.models import User
from hanse.wiki.models import Page, PageImage, PageLink, PageWatch, Revision
from hanse.wiki.services import MAX_DEPTH

if TYPE_CHECKING:
    from hanse.communities.models import Community


def _pages(viewer: User | None) -> QuerySet[Page]:
    return Page.objects.visible_to(viewer).select_related(
        "community", "parent", "created_by", "reviewed_by", "current_revision__author"
    )


def get_page_for(*, viewer: User | None, page_id: int) -> Page:
    """The page, or 404 for one that does not exist and one the person may not read alike."""
    page = _pages(viewer).filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page


def get_image_for(*, viewer: User | None, image_id: int) -> PageImage:
    """A picture of a page's text, or 404 when it does not exist or its page is not readable."""
    image = PageImage.objects.visible_to(viewer).filter(pk=image_id).first()
    if image is None:
        raise Http404
    return image


def pages_of(*, viewer: User | None, community: Community | None) -> QuerySet[Page]:
    """The pages of one space the person may read (templates left out), by title."""
    space = {"community": community} if community is not None else {"community__isnull": True}
    return _pages(viewer).filter(**space, is_template=False).order_by("title")


def templates_of(*, viewer: User | None, community: Community | None) -> QuerySet[Page]:
    space = {"community": community} if community is not None else {"community__isnull": True}
    return _pages(viewer).filter(**space, is_template=True).order_by("title")


@dataclass
class TreeNode:
    page: Page
    children: list[TreeNode]


def page_tree(pages: list[Page]) -> list[TreeNode]:
    """The pages as a tree (roots first, children by title); a page whose parent is not in
    the list is a root."""
    nodes = {p.pk: TreeNode(page=p, children=[]) for p in pages}
    roots: list[TreeNode] = []
    for page in pages:
        parent = nodes.get(page.parent_id) if page.parent_id else None
        (parent.children if parent else roots).append(nodes[page.pk])
    return roots


def breadcrumbs(page: Page) -> list[Page]:
    """The page's ancestors, from the top (at most MAX_DEPTH, a guard against cycles)."""
    chain: list[Page] = []
    ids = {page.pk}
    parent_id = page.parent_id
    while parent_id is not None and len(chain) < MAX_DEPTH:
        parent = Page.objects.filter(pk=parent_id).only("pk", "title", "parent_id").first()
        if parent is None or parent.pk in ids:
            break
        ids.add(parent.pk)
        chain.append(parent)
        parent_id = parent.parent_id
    return list(reversed(chain))


def children_of(*, viewer: User | None, page: Page) -> QuerySet[Page]:
    return Page.objects.visible_to(viewer).filter(parent=page).order_by("title")


def authors_of(page: Page) -> list[User]:
    """Everyone who wrote a revision of the page, the first author first."""
    firsts: dict[int, int] = {}
    for author_id, number in page.revisions.order_by("number").values_list("author_id", "number"):
        if author_id is not None:
            firsts.setdefault(author_id, number)
    people = {u.pk: u for u in User.objects.filter(pk__in=firsts)}
    return [people[pk] for pk in sorted(firsts, key=firsts.__getitem__) if pk in people]


def revisions_of(*, page: Page) -> QuerySet[Revision]:
    return page.revisions.select_related("author").order_by("-number")


def get_revision_for(*, viewer: User | None, page: Page, number: int) -> Revision:
    revision = (
        Revision.objects.visible_to(viewer)
        .select_related("author")
        .filter(page=page, number=number)
        .first()
    )
    if revision is None:
        raise Http404
    return revision


def linking_here(*, viewer: User | None, page: Page) -> QuerySet[Page]:
    """Pages of the same space (that the person may read) that link to this one."""
    space = (
        {"community": page.community_id}
        if page.community_id is not None
        else {"community__isnull": True}
    )
    sources = PageLink.objects.filter(target_key=page.key).values("source_id")
    return Page.objects.visible_to(viewer).filter(**space, pk__in=sources).order_by("title")


def is_watching(*, page: Page, user: User) -> bool:
    return PageWatch.objects.filter(page=page, user=user).exists()
