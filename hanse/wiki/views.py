"""Pages of the wiki: the index of a space, a page, editing (with conflicts), history,
revisions, diffs, restore, review, watching and the owners' settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.forms import JoinRequestForm
from hanse.communities.models import Community
from hanse.core import http, uploads
from hanse.core.errors import ServiceError
from hanse.core.files import serve_upload
from hanse.wiki import markup, rules, selectors, services
from hanse.wiki.forms import PageForm, SettingsForm
from hanse.wiki.models import Page


def _community_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    viewer = http.viewer(request)
    pending = (
        community_selectors.pending_requests(community=community).count()
        if viewer.has_perm("communities.manage_members", community)
        else 0
    )
    return {
        "community": community,
        "tab": "wiki",
        "pending_request_count": pending,
        "request_form": JoinRequestForm(),
        "wiki_on": rules.wiki_enabled(community),
    }


def _index(request: HttpRequest, community: Community | None) -> HttpResponse:
    viewer = http.viewer(request)
    pages = list(selectors.pages_of(viewer=viewer, community=community))
    context: dict[str, Any] = {
        "community": community,
        "tree": selectors.page_tree(pages),
        "page_count": len(pages),
        "may_edit": rules.may_edit_in(viewer, community),
        "templates": list(selectors.templates_of(viewer=viewer, community=community)),
        "may_manage_templates": rules.may_manage_templates(viewer, community),
    }
    if community is None:
        return render(request, "wiki/company.html", context)
    context |= _community_context(request, community)
    context["may_manage"] = rules.may_manage_wiki(viewer, community)
    context["can_read"] = viewer.has_perm("communities.view_content", community)
    if not context["can_read"]:
        return render(request, "wiki/community.html", context, status=403)
    return render(request, "wiki/community.html", context)


def company_index(request: HttpRequest) -> HttpResponse:
    """The company-wide pages."""
    return _index(request, None)


def community_index(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Wiki" tab of a community."""
    community = community_selectors.get_community_for(viewer=http.viewer(request), slug=slug)
    return _index(request, community)


def _parents(viewer: Any, community: Community | None, page: Page | None) -> list[tuple[int, str]]:
    return [
        (p.pk, p.title)
        for p in selectors.pages_of(viewer=viewer, community=community)
        if page is None or p.pk != page.pk
    ]


@require_http_methods(["GET", "POST"])
def page_new(request: HttpRequest) -> HttpResponse:
    """A new page in a space (``?community=<id>``, else company-wide), from a template or
    a missing [[link]]'s title."""
    viewer = http.viewer(request)
    community: Community | None = None
    raw = request.POST.get("community") or request.GET.get("community") or ""
    if raw:
        if not raw.isdigit():
            raise Http404
        slug = (
            Community.objects.visible_to(viewer)
            .filter(pk=int(raw))
            .values_list("slug", flat=True)
            .first()
        )
        if slug is None:
            raise Http404
        community = community_selectors.get_community_for(viewer=viewer, slug=slug)
        if not rules.may_read_wiki_of(viewer, community):
            raise Http404
    as_template = request.GET.get("as_template") == "1" or request.POST.get("as_template") == "1"
    if not rules.may_edit_in(viewer, community) or (
        as_template and not rules.may_manage_templates(viewer, community)
    ):
        return render(request, "wiki/forbidden.html", {"community": community}, status=403)
    initial: dict[str, Any] = {"title": request.GET.get("title", "")[:200]}
    template_id = request.GET.get("template", "")
    if template_id.isdigit():
        template = (
            selectors.templates_of(viewer=viewer, community=community)
            .filter(pk=int(template_id))
            .first()
        )
        if template is not None:
            initial["body"] = template.body
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = int(parent_id)
    parents = _parents(viewer, community, None)
    form = PageForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = _parent_page(viewer, data.get("parent"))
        try:
            page = services.page_create(
                by=viewer,
                community=community,
                title=data["title"],
                body=data["body"],
                parent=parent,
                note=data["note"],
                is_template=as_template,
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The page has been created."))
            return HttpResponseRedirect(page.get_absolute_url())
    return render(
        request,
        "wiki/edit.html",
        {"form": form, "community": community, "page": None, "as_template": as_template},
    )


def _parent_page(viewer: Any, parent_id: int | None) -> Page | None:
    if not parent_id:
        return None
    return selectors.get_page_for(viewer=viewer, page_id=parent_id)


def page_detail(request: HttpRequest, page_id: int) -> HttpResponse:
    """A page: its text with a table of contents, breadcrumbs, subpages and authors."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    html, toc = markup.add_heading_ids(page.body_html)
    return render(
        request,
        "wiki/page.html",
        {
            "page": page,
            "community": page.community,
            "html": html,
            "toc": toc,
            "has_missing": 'class="wiki-missing"' in html,
            "crumbs": selectors.breadcrumbs(page),
            "children": selectors.children_of(viewer=viewer, page=page),
            "authors": selectors.authors_of(page),
            "linking": selectors.linking_here(viewer=viewer, page=page),
            "may_edit": rules.may_edit_page(viewer, page),
            "may_delete": rules.may_delete_page(viewer, page),
            "watching": selectors.is_watching(page=page, user=viewer),
        },
    )


@require_POST
def page_images_upload(request: HttpRequest, page_id: int) -> JsonResponse:
    """Pictures for the text, uploaded by the editor's script (choose, drop or paste): JSON
    with the Markdown to insert, or the error to show."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    try:
        images = services.page_images_upload(
            page=page, by=viewer, files=request.FILES.getlist("images")
        )
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        return JsonResponse({"error": str(exc.message)}, status=exc.status or 400)
    return JsonResponse(
        {
            "images": [
                {
                    "url": image.get_absolute_url(),
                    "markdown": markup.image_markdown(
                        image.get_absolute_url(), image.original_name
                    ),
                }
                for image in images
            ]
        }
    )


@require_http_methods(["GET", "HEAD"])
def page_image(request: HttpRequest, image_id: int, filename: str) -> HttpResponseBase:
    """A picture of a page's text, for those who may read the page (404 for anyone else)."""
    image = selectors.get_image_for(viewer=http.viewer(request), image_id=image_id)
    return serve_upload(request, image, filename)


@require_GET
def page_newer(request: HttpRequest, page_id: int) -> HttpResponse:
    """Whether the page has a newer version than ``base`` (a revision id): the notice an open
    page or editor fetches when told the page changed (``wiki/live.py``); 204 when none."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    base = _number(request.GET.get("base"))
    if base is None or page.current_revision_id == base:
        return HttpResponse(status=204)
    return render(
        request,
        "wiki/_newer.html",
        {
            "page": page,
            "editing": request.GET.get("mode") == "edit",
            "revision": page.current_revision,
            "base_number": page.revisions.filter(pk=base).values_list("number", flat=True).first(),
        },
    )


def _insert_images(
    request: HttpRequest, page: Page, form: PageForm, initial: dict[str, Any], parents: Any
) -> tuple[PageForm, int]:
    viewer = http.viewer(request)
    try:
        images = services.page_images_upload(
            page=page, by=viewer, files=request.FILES.getlist("images")
        )
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        form = PageForm(request.POST, initial=initial, parents=parents)
        form.is_valid()
        form.add_error(None, str(exc.message))
        return form, 400
    post = request.POST.copy()
    body = post.get("body", "").rstrip()
    added = "\n\n".join(
        markup.image_markdown(image.get_absolute_url(), image.original_name) for image in images
    )
    post["body"] = f"{body}\n\n{added}\n" if body else f"{added}\n"
    messages.success(
        request,
        _("The pictures are at the end of the text. Move them where they belong and save."),
    )
    form = PageForm(post, initial=initial, parents=parents)
    form.is_valid()
    return form, 200


@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, page_id: int) -> HttpResponse:
    """Edit a page; a save over someone else's newer version shows both texts."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    if not rules.may_edit_page(viewer, page):
        return render(request, "wiki/forbidden.html", {"community": page.community}, status=403)
    parents = _parents(viewer, page.community, page)
    initial = {
        "title": page.title,
        "body": page.body,
        "parent": page.parent_id,
        "base_revision": page.current_revision_id,
    }
    form = PageForm(request.POST or None, initial=initial, parents=parents)
    conflict: Page | None = None
    status = 200
    if request.method == "POST" and "insert_images" in request.POST:
        # Without JavaScript: the chosen pictures are stored and their Markdown added to the
        # end of the text in the form; nothing of the page is saved yet.
        form, status = _insert_images(request, page, form, initial, parents)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.page_update(
                page=page,
                by=viewer,
                title=data["title"],
                body=data["body"],
                base_revision_id=data.get("base_revision"),
                note=data["note"],
                parent=_parent_page(viewer, data.get("parent")),
            )
        except services.EditConflict as exc:
            conflict = exc.page
            status = 409
            # The next save starts from their version: the editor has seen it now.
            post = request.POST.copy()
            post["base_revision"] = str(conflict.current_revision_id)
            form = PageForm(post, initial=initial, parents=parents)
            form.is_valid()
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your changes have been saved."))
            return HttpResponseRedirect(page.get_absolute_url())
    return render(
        request,
        "wiki/edit.html",
        {
            "form": form,
            "page": page,
            "community": page.community,
            "conflict": conflict,
            "as_template": page.is_template,
            "max_mb": uploads.max_bytes() // (1024 * 1024),
        },
        status=status,
    )


def page_history(request: HttpRequest, page_id: int) -> HttpResponse:
    """All revisions of a page, newest first, with a choice of two to compare."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    return render(
        request,
        "wiki/history.html",
        {
            "page": page,
            "community": page.community,
            "revisions": selectors.revisions_of(page=page),
            "may_edit": rules.may_edit_page(viewer, page),
        },
    )


def revision_detail(request: HttpRequest, page_id: int, number: int) -> HttpResponse:
    """One old version of a page, as it read then."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    revision = selectors.get_revision_for(viewer=viewer, page=page, number=number)
    rendered = services.render_page(revision.body, author=viewer, community=page.community)
    html, _toc = markup.add_heading_ids(rendered.html)
    return render(
        request,
        "wiki/revision.html",
        {
            "page": page,
            "community": page.community,
            "revision": revision,
            "html": html,
            "may_edit": rules.may_edit_page(viewer, page),
        },
    )


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def page_diff(request: HttpRequest, page_id: int) -> HttpResponse:
    """The word-level difference between two versions (``?from=&to=``; by default the
    current one against the one before)."""
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    newer_n = _number(request.GET.get("to")) or page.revision_count
    older_n = _number(request.GET.get("from")) or max(newer_n - 1, 1)
    if older_n > newer_n:
        older_n, newer_n = newer_n, older_n
    older = selectors.get_revision_for(viewer=viewer, page=page, number=older_n)
    newer = selectors.get_revision_for(viewer=viewer, page=page, number=newer_n)
    return render(
        request,
        "wiki/diff.html",
        {
            "page": page,
            "community": page.community,
            "older": older,
            "newer": newer,
            "title_diff": markup.word_diff(older.title, newer.title),
            "segments": markup.word_diff(older.body, newer.body),
        },
    )


@require_POST
def revision_restore(request: HttpRequest, page_id: int, number: int) -> HttpResponse:
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    revision = selectors.get_revision_for(viewer=viewer, page=page, number=number)
    http.attempt(
        request,
        lambda: services.page_restore(page=page, by=viewer, revision=revision),
        _("Version %(number)d has been restored.") % {"number": number},
    )
    return HttpResponseRedirect(page.get_absolute_url())


@require_POST
def page_reviewed(request: HttpRequest, page_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    http.attempt(
        request,
        lambda: services.page_mark_reviewed(page=page, by=viewer),
        _("The page is marked as reviewed today."),
    )
    return HttpResponseRedirect(page.get_absolute_url())


@require_POST
def page_watch(request: HttpRequest, page_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    watching = request.POST.get("watch") == "1"
    services.page_watch_set(page=page, user=viewer, watching=watching)
    messages.success(
        request,
        _("You will be told when this page changes.")
        if watching
        else _("You no longer follow this page."),
    )
    return HttpResponseRedirect(page.get_absolute_url())


@require_POST
def page_delete(request: HttpRequest, page_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    page = selectors.get_page_for(viewer=viewer, page_id=page_id)
    community = page.community
    done = http.attempt(
        request,
        lambda: services.page_delete(page=page, by=viewer),
        _("The page has been deleted."),
    )
    if not done:
        return HttpResponseRedirect(page.get_absolute_url())
    if community is None:
        return HttpResponseRedirect(reverse("wiki:company"))
    return HttpResponseRedirect(reverse("wiki:community", args=[community.slug]))


@require_http_methods(["GET", "POST"])
def wiki_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The owners' settings: wiki on or off, who edits, the review period."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    context = _community_context(request, community)
    if not rules.may_manage_wiki(viewer, community):
        if not viewer.has_perm("communities.view_content", community):
            raise Http404
        return render(request, "wiki/forbidden.html", context, status=403)
    current = rules.settings_of(community)
    form = SettingsForm(
        request.POST or None,
        initial={
            "enabled": current.enabled,
            "edit_policy": current.edit_policy,
            "review_days": current.review_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if http.attempt(
            request,
            lambda: services.wiki_settings_update(
                community=community,
                by=viewer,
                enabled=data["enabled"],
                edit_policy=data["edit_policy"],
                review_days=data["review_days"],
            ),
            _("The wiki settings have been saved."),
        ):
            return HttpResponseRedirect(reverse("wiki:community", args=[community.slug]))
    context["form"] = form
    return render(request, "wiki/settings.html", context)
