"""Pages of the file library: a folder's contents with uploading (several files, drag and
drop), a file with its versions, and the permission-checked downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.forms import JoinRequestForm
from hanse.communities.models import Community
from hanse.core import http, uploads
from hanse.core.errors import ServiceError
from hanse.core.files import serve_stored_file, serve_thumbnail, serve_upload
from hanse.files import rules, selectors, services, tasks
from hanse.files.models import Folder
from hanse.people.models import User

ALL_FILES_PAGE_SIZE = 50


def _folder_param(request: HttpRequest, community: Community) -> Folder | None:
    raw = request.POST.get("folder") or request.GET.get("folder") or ""
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return selectors.get_folder_for(
        viewer=http.viewer(request), community=community, folder_id=int(raw)
    )


def _library_url(community: Community, folder: Folder | None) -> str:
    url = reverse("files:library", args=[community.slug])
    return f"{url}?folder={folder.pk}" if folder else url


def library(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Files" tab of a community: one folder's subfolders and files."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    context: dict[str, Any] = {
        "community": community,
        "tab": "files",
        "pending_request_count": (
            community_selectors.pending_requests(community=community).count()
            if viewer.has_perm("communities.manage_members", community)
            else 0
        ),
        "request_form": JoinRequestForm(),
        "can_read": rules.may_read_library_of(viewer, community),
    }
    if not context["can_read"]:
        return render(request, "files/library.html", context, status=403)
    folder = _folder_param(request, community)
    folders, files = selectors.folder_contents(viewer=viewer, community=community, folder=folder)
    context |= {
        "folder": folder,
        "path": selectors.folder_path(folder),
        "folders": folders,
        "files": files,
        "may_upload": rules.may_upload_in(viewer, community),
        "watching": selectors.is_watching(community=community, user=viewer),
        "max_mb": uploads.max_bytes() // (1024 * 1024),
        "max_files": services.LIBRARY.max_files,
        "may_delete_folder": folder is not None and rules.may_delete_folder(viewer, folder),
        "may_move_folder": folder is not None
        and rules.may_change_folder(viewer, folder)
        and rules.may_upload_in(viewer, community),
        "may_see_bin": rules.may_see_bin_of(viewer, community),
        "watching_folder": folder is not None
        and selectors.is_watching_folder(folder=folder, user=viewer),
        "move_targets": (
            selectors.folder_choices(viewer=viewer, community=community, skip=folder)
            if folder is not None and rules.may_change_folder(viewer, folder)
            else []
        ),
    }
    return render(request, "files/library.html", context)


@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Several files at once, into a folder."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    folder = _folder_param(request, community)
    files = request.FILES.getlist("files")
    try:
        added = services.files_upload(
            by=viewer,
            community=community,
            files=files,
            folder=folder,
            description=request.POST.get("description", "")[:2000],
        )
    except ServiceError as exc:
        http.flash_error(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d file added to the library.",
                "%(count)d files added to the library.",
                len(added),
            )
            % {"count": len(added)},
        )
    return HttpResponseRedirect(_library_url(community, folder))


@require_POST
def folder_create(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    parent = _folder_param(request, community)
    try:
        folder = services.folder_create(
            by=viewer, community=community, name=request.POST.get("name", ""), parent=parent
        )
    except ServiceError as exc:
        http.flash_error(request, exc)
        return HttpResponseRedirect(_library_url(community, parent))
    messages.success(request, _("The folder has been created."))
    return HttpResponseRedirect(_library_url(community, folder))


@require_POST
def folder_delete(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    folder = _folder_param(request, community)
    if folder is None:
        raise Http404
    parent = folder.parent
    if http.attempt(
        request,
        lambda: services.folder_delete(folder=folder, by=viewer),
        _("The folder has been removed."),
    ):
        return HttpResponseRedirect(_library_url(community, parent))
    return HttpResponseRedirect(_library_url(community, folder))


@require_POST
def watch(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    watching = request.POST.get("watch") == "1"
    services.library_watch_set(community=community, user=viewer, watching=watching)
    messages.success(
        request,
        _("You will be told about new files here.")
        if watching
        else _("You no longer follow this library."),
    )
    return HttpResponseRedirect(_library_url(community, None))


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, file_id: int) -> HttpResponse:
    """A file: preview (images), description, versions; changing it for those who may."""
    viewer = http.viewer(request)
    entry = selectors.get_file_for(viewer=viewer, file_id=file_id)
    may_change = rules.may_change_file(viewer, entry)
    if request.method == "POST":
        folder_raw = request.POST.get("folder", "")
        folder = (
            selectors.get_folder_for(
                viewer=viewer, community=entry.community, folder_id=int(folder_raw)
            )
            if folder_raw.isdigit() and len(folder_raw) < 12
            else None
        )
        if http.attempt(
            request,
            lambda: services.file_update(
                entry=entry,
                by=viewer,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                folder=folder,
            ),
            _("Your changes have been saved."),
        ):
            return HttpResponseRedirect(entry.get_absolute_url())
    return render(
        request,
        "files/detail.html",
        {
            "entry": entry,
            "community": entry.community,
            "version": entry.current_version,
            "versions": selectors.versions_of(entry=entry),
            "path": selectors.folder_path(entry.folder),
            "folders": selectors.folder_choices(viewer=viewer, community=entry.community),
            "may_change": may_change,
            "may_upload": rules.may_upload_in(viewer, entry.community),
        },
    )


@require_POST
def version_upload(request: HttpRequest, file_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    entry = selectors.get_file_for(viewer=viewer, file_id=file_id)
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, _("Please choose a file."))
        return HttpResponseRedirect(entry.get_absolute_url())
    http.attempt(
        request,
        lambda: services.version_upload(
            entry=entry, by=viewer, upload=upload_file, note=request.POST.get("note", "")
        ),
        _("The new version has been uploaded."),
    )
    return HttpResponseRedirect(entry.get_absolute_url())


@require_POST
def trash(request: HttpRequest, file_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    entry = selectors.get_file_for(viewer=viewer, file_id=file_id)
    if http.attempt(
        request,
        lambda: services.file_trash(entry=entry, by=viewer),
        _("The file is in the bin; it will be removed for good after 30 days."),
    ):
        return HttpResponseRedirect(_library_url(entry.community, entry.folder))
    return HttpResponseRedirect(entry.get_absolute_url())


@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, file_id: int, number: int, filename: str) -> HttpResponseBase:
    """A version's bytes after the visibility check: images inline, the rest (HTML and SVG
    are never accepted) as a download."""
    version = selectors.get_version_for(viewer=http.viewer(request), file_id=file_id, number=number)
    return serve_upload(request, version, filename)


@require_http_methods(["GET", "HEAD"])
def thumbnail(request: HttpRequest, file_id: int, number: int) -> HttpResponseBase:
    version = selectors.get_version_for(viewer=http.viewer(request), file_id=file_id, number=number)
    return serve_thumbnail(request, version)


@require_http_methods(["GET", "HEAD"])
def preview(request: HttpRequest, file_id: int, number: int) -> HttpResponseBase:
    """The picture of a PDF version's first page (made by the task queue), after the same
    check as its download; 404 while there is none."""
    version = selectors.get_version_for(viewer=http.viewer(request), file_id=file_id, number=number)
    if not version.is_pdf or version.preview_status != version.PREVIEW_READY:
        raise Http404
    stem = version.original_name.rpartition(".")[0] or version.original_name
    return serve_stored_file(
        request,
        version.thumbnail,
        content_type="image/webp",
        filename=f"{stem}.webp",
        as_attachment=False,
    )


@require_http_methods(["GET", "HEAD"])
def view_pdf(request: HttpRequest, file_id: int, number: int, filename: str) -> HttpResponseBase:
    """A PDF version opened in the browser's own viewer (inline), after the same check as its
    download; any other kind of file is a 404 here (it is only ever downloaded)."""
    version = selectors.get_version_for(viewer=http.viewer(request), file_id=file_id, number=number)
    if not version.is_pdf or filename != version.original_name:
        raise Http404
    return serve_stored_file(
        request,
        version.file,
        content_type="application/pdf",
        filename=version.original_name,
        as_attachment=False,
    )


def _community_page(request: HttpRequest, slug: str, tab: str = "files") -> dict[str, Any]:
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    return {
        "community": community,
        "tab": tab,
        "pending_request_count": (
            community_selectors.pending_requests(community=community).count()
            if viewer.has_perm("communities.manage_members", community)
            else 0
        ),
        "request_form": JoinRequestForm(),
        "can_read": rules.may_read_library_of(viewer, community),
    }


@require_POST
def folder_move(request: HttpRequest, slug: str) -> HttpResponse:
    """Move the folder ``folder`` into ``target`` (empty: the library's top level)."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    folder = _folder_param(request, community)
    if folder is None:
        raise Http404
    raw = request.POST.get("target", "")
    if raw and (not raw.isdigit() or len(raw) > 12):
        raise Http404
    target = (
        selectors.get_folder_for(viewer=viewer, community=community, folder_id=int(raw))
        if raw
        else None
    )
    http.attempt(
        request,
        lambda: services.folder_move(folder=folder, by=viewer, parent=target),
        _("The folder has been moved."),
    )
    return HttpResponseRedirect(_library_url(community, folder))


@require_GET
def all_files(request: HttpRequest, slug: str) -> HttpResponse:
    """Every file of the community: the library across its folders, and (read-only, linking
    to where they were shared) the files of its posts, comments and chat channels; sortable,
    filtered by type, place and person, paged."""
    context = _community_page(request, slug)
    if not context["can_read"]:
        return render(request, "files/all_files.html", context, status=403)
    viewer = http.viewer(request)
    community = context["community"]
    sort = request.GET.get("sort", "name")
    if sort not in selectors.ALL_FILES_SORTS:
        sort = "name"
    kind = request.GET.get("type", "")
    if kind not in selectors.FILE_TYPES:
        kind = ""
    source = request.GET.get("source", "")
    if source not in selectors.SOURCES:
        source = ""
    raw_person = request.GET.get("person", "")
    people = {
        p.pk: p
        for p in User.objects.filter(
            pk__in=selectors.community_file_people(viewer=viewer, community=community)
        ).order_by("last_name", "first_name", "pk")
    }
    person_id = int(raw_person) if raw_person.isdigit() and int(raw_person) in people else None
    files = selectors.community_files(
        viewer=viewer,
        community=community,
        sort=sort,
        kind=kind,
        person_id=person_id,
        source=source,
    )
    page = Paginator(files, ALL_FILES_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [{**row, "person": people.get(row["e_person"])} for row in page.object_list]
    filters = {"sort": sort, "type": kind, "source": source, "person": person_id or ""}
    context |= {
        "page_obj": page,
        "files": entries,
        "sort": sort,
        "kind": kind,
        "source": source,
        "person_id": person_id,
        "people": list(people.values()),
        # The query string of the other filters, for the column headers and the pages.
        "keep": urlencode({k: v for k, v in filters.items() if v and k != "sort"}),
        "keep_sorted": urlencode({k: v for k, v in filters.items() if v}),
        "source_choices": [
            ("", _("Everywhere")),
            (selectors.SOURCE_LIBRARY, _("Library")),
            (selectors.SOURCE_POST, _("Posts and comments")),
            (selectors.SOURCE_CHAT, _("Chat")),
        ],
        "may_see_bin": rules.may_see_bin_of(viewer, community),
        "sort_choices": [
            ("name", _("Name (A–Z)")),  # noqa: RUF001 - the typographic dash is meant
            ("-name", _("Name (Z–A)")),  # noqa: RUF001 - the typographic dash is meant
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("-size", _("Largest first")),
            ("size", _("Smallest first")),
        ],
        "type_choices": [
            ("", _("All types")),
            ("image", _("Images")),
            ("pdf", _("PDF documents")),
            ("office", _("Office documents")),
            ("text", _("Text files")),
        ],
        "columns": [
            ("name", _("Name")),
            ("date", _("Changed")),
            ("size", _("Size")),
        ],
    }
    return render(request, "files/all_files.html", context)


@require_GET
def bin_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The library's bin: the files this person may restore or delete for good."""
    context = _community_page(request, slug)
    viewer = http.viewer(request)
    community = context["community"]
    if not context["can_read"]:
        return render(request, "files/bin.html", context, status=403)
    if not rules.may_see_bin_of(viewer, community):
        raise Http404
    page = Paginator(selectors.bin_of(viewer=viewer, community=community), 50).get_page(
        request.GET.get("page")
    )
    context |= {
        "page_obj": page,
        "files": page.object_list,
        "bin_days": tasks.BIN_DAYS,
        "sees_all": rules.bin_scope(viewer, community) == Q(),
    }
    return render(request, "files/bin.html", context)


def _bin_action(request: HttpRequest, slug: str, file_id: int, action: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    entry = selectors.get_binned_file_for(viewer=viewer, community=community, file_id=file_id)
    if action == "restore":
        http.attempt(
            request,
            lambda: services.file_restore(entry=entry, by=viewer),
            _("The file is back in the library."),
        )
    else:
        http.attempt(
            request,
            lambda: services.file_purge(entry=entry, by=viewer),
            _("The file has been deleted for good."),
        )
    return HttpResponseRedirect(reverse("files:bin", args=[community.slug]))


@require_POST
def bin_restore(request: HttpRequest, slug: str, file_id: int) -> HttpResponse:
    return _bin_action(request, slug, file_id, "restore")


@require_POST
def bin_purge(request: HttpRequest, slug: str, file_id: int) -> HttpResponse:
    return _bin_action(request, slug, file_id, "purge")


@require_POST
def folder_watch(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow (or stop following) new files in the folder ``folder``."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not rules.may_read_library_of(viewer, community):
        raise Http404
    folder = _folder_param(request, community)
    if folder is None:
        raise Http404
    watching = request.POST.get("watch") == "1"
    services.folder_watch_set(folder=folder, user=viewer, watching=watching)
    messages.success(
        request,
        _("You will be told about new files in this folder.")
        if watching
        else _("You no longer follow this folder."),
    )
    return HttpResponseRedirect(_library_url(community, folder))
