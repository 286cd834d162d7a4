"""Announcement pages: the archive, a single announcement, writing and editing (communicators),
read and confirm (htmx), the figures per unit and the recorded list of open confirmations."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people.models import OrgUnit, User
from hanse.posts.models import Announcement
from hanse.posts.rules import may_manage_announcement, may_publish_announcement
from hanse.posts.selectors import announcements as selectors
from hanse.posts.services import announcements as services

ARCHIVE_PAGE_SIZE = 20
# Which form field a service error belongs to, by its code.
FIELD_OF_CODE = {
    "title_required": "title",
    "title_too_long": "title",
    "body_required": "body",
    "body_too_long": "body",
    "expires_before_publish": "expires_at",
}


def _announcement(request: HttpRequest, announcement_id: int) -> Announcement:
    return selectors.get_announcement_for(
        viewer=http.viewer(request), announcement_id=announcement_id
    )


def _managed(request: HttpRequest, announcement_id: int) -> Announcement:
    """The announcement for its author or an administrator; others get a 404 (not a hint)."""
    announcement = _announcement(request, announcement_id)
    if not may_manage_announcement(http.viewer(request), announcement):
        raise Http404(_("This announcement does not exist."))
    return announcement


def _status(announcement: Announcement) -> str:
    now = timezone.now()
    if announcement.is_draft:
        return "draft"
    if announcement.publish_at > now:
        return "scheduled"
    if announcement.expires_at is not None and announcement.expires_at <= now:
        return "expired"
    return "current"


# --- the form --------------------------------------------------------------------------------


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Indented by depth so the select shows the org tree.
        return "\u2003" * obj.depth + obj.name


class AnnouncementForm(forms.Form):
    ACTIONS = ("publish", "schedule", "draft", "save")

    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=1000, required=False, strip=True
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Markdown: **bold**, lists, links, tables and quotes."),
    )
    audience_units = UnitChoiceField(
        label=gettext_lazy("For these units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=gettext_lazy(
            "Leave empty for the whole company. A unit includes all units below it. "
            "Hold Ctrl (or ⌘) to choose several."
        ),
    )
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Only needed to schedule the announcement for later."),
    )
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("After this time it is no longer pinned; it stays in the archive."),
    )
    must_read = forms.BooleanField(
        label=gettext_lazy("Must read: readers confirm with “Read and understood”"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience_units"].queryset = selectors.audience_unit_choices()  # type: ignore[attr-defined]  # ModelMultipleChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = self.data.get("action", "draft")
        if action not in self.ACTIONS:
            action = "draft"
        data["action"] = action
        if action == "schedule":
            publish_at = data.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", _("Please choose when to publish the announcement."))
            elif publish_at <= timezone.now():
                self.add_error(
                    "publish_at", _("Please choose a time in the future to schedule it.")
                )
        return data


def _times(
    action: str, data: dict[str, Any], current: Announcement | None
) -> tuple[bool, datetime]:
    """Draft flag and publication time for the button pressed."""
    now = timezone.now()
    chosen: datetime | None = data.get("publish_at")
    if action == "schedule" and chosen is not None:  # the form requires the time
        return False, chosen
    if action == "publish":
        # An announcement already out keeps its date; a draft or scheduled one goes out now.
        if current is not None and not current.is_draft and current.publish_at <= now:
            return False, current.publish_at
        return False, now
    if action == "save" and current is not None:
        return current.is_draft, chosen or current.publish_at
    return True, chosen or (current.publish_at if current is not None else now)


def _initial(announcement: Announcement) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    return {
        "title": announcement.title,
        "body": announcement.body,
        "audience_units": list(announcement.audience_units.all()),
        "publish_at": timezone.localtime(announcement.publish_at, tz),
        "expires_at": (
            timezone.localtime(announcement.expires_at, tz) if announcement.expires_at else None
        ),
        "must_read": announcement.must_read,
    }


def _save(
    request: HttpRequest, form: AnnouncementForm, current: Announcement | None
) -> Announcement | None:
    data = form.cleaned_data
    is_draft, publish_at = _times(data["action"], data, current)
    try:
        if current is None:
            return services.announcement_create(
                author=http.viewer(request),
                title=data["title"],
                body=data["body"],
                audience_units=data["audience_units"],
                is_draft=is_draft,
                publish_at=publish_at,
                expires_at=data["expires_at"],
                must_read=data["must_read"],
            )
        return services.announcement_update(
            announcement=current,
            by=http.viewer(request),
            title=data["title"],
            body=data["body"],
            audience_units=data["audience_units"],
            publish_at=publish_at,
            expires_at=data["expires_at"],
            must_read=data["must_read"],
            is_draft=is_draft,
        )
    except ServiceError as exc:
        form.add_error(FIELD_OF_CODE.get(exc.code), str(exc.message))
        return None


def _saved_message(announcement: Announcement) -> str:
    status = _status(announcement)
    if status == "draft":
        return _("The announcement has been saved as a draft.")
    if status == "scheduled":
        return _("The announcement is scheduled and will appear by itself at the chosen time.")
    return _("The announcement has been published.")


# --- pages -----------------------------------------------------------------------------------


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    page = Paginator(selectors.announcements_archive(viewer=viewer), ARCHIVE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_publish = may_publish_announcement(viewer)
    preparing = (
        list(selectors.announcements_in_preparation(viewer=viewer)[:50]) if can_publish else []
    )
    now = timezone.now()
    return render(
        request,
        "posts/announcements/archive.html",
        {
            "page_obj": page,
            "announcements": page.object_list,
            "preparing": preparing,
            "can_publish": can_publish,
            "now": now,
        },
    )


@require_GET
def detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _announcement(request, announcement_id)
    viewer = http.viewer(request)
    addressed = Announcement.objects.addressed_to(viewer).filter(pk=announcement.pk).exists()
    return render(
        request,
        "posts/announcements/detail.html",
        {
            "announcement": announcement,
            "status": _status(announcement),
            "can_manage": may_manage_announcement(viewer, announcement),
            "addressed": addressed,
            "units": list(announcement.audience_units.all()),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not may_publish_announcement(http.viewer(request)):
        return render(request, "posts/announcements/form.html", {"form": None}, status=403)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        announcement = _save(request, form, None)
        if announcement is not None:
            messages.success(request, _saved_message(announcement))
            return redirect("posts:announcement_detail", announcement_id=announcement.pk)
    return render(request, "posts/announcements/form.html", {"form": form, "announcement": None})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    if request.method == "POST":
        form = AnnouncementForm(request.POST)
        if form.is_valid():
            saved = _save(request, form, announcement)
            if saved is not None:
                messages.success(request, _saved_message(saved))
                return redirect("posts:announcement_detail", announcement_id=saved.pk)
    else:
        form = AnnouncementForm(initial=_initial(announcement))
    return render(
        request,
        "posts/announcements/form.html",
        {"form": form, "announcement": announcement, "status": _status(announcement)},
    )


@require_POST
def publish(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    http.attempt(
        request,
        lambda: services.announcement_publish(announcement=announcement, by=http.viewer(request)),
        _("The announcement has been published."),
    )
    return redirect("posts:announcement_detail", announcement_id=announcement.pk)


@require_POST
def unpublish(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    http.attempt(
        request,
        lambda: services.announcement_unpublish(announcement=announcement, by=http.viewer(request)),
        _("The announcement is a draft again; readers no longer see it."),
    )
    return redirect("posts:announcement_detail", announcement_id=announcement.pk)


@require_POST
def delete(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    try:
        services.announcement_delete(announcement=announcement, by=http.viewer(request))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect("posts:announcement_detail", announcement_id=announcement.pk)
    messages.success(request, _("The announcement has been deleted."))
    return redirect("posts:announcement_archive")


def _reader_action(
    request: http.Request, announcement_id: int, service: Any, done: str
) -> HttpResponse:
    announcement = _announcement(request, announcement_id)
    try:
        service(announcement=announcement, user=http.viewer(request))
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404(str(exc.message)) from exc
        if request.htmx:
            return HttpResponse(str(exc.message), status=exc.status)
        messages.error(request, str(exc.message))
    else:
        if request.htmx:
            # The pinned card is swapped for nothing: it leaves the top of the feed.
            return HttpResponse("")
        messages.success(request, done)
    return http.redirect_next(request, reverse("posts:announcement_detail", args=[announcement.pk]))


@require_POST
def mark_read(request: http.Request, announcement_id: int) -> HttpResponse:
    return _reader_action(
        request,
        announcement_id,
        services.announcement_mark_read,
        _("The announcement is no longer pinned for you."),
    )


@require_POST
def confirm(request: http.Request, announcement_id: int) -> HttpResponse:
    return _reader_action(
        request,
        announcement_id,
        services.announcement_confirm,
        _("Thank you: you have confirmed that you read and understood the announcement."),
    )


@require_GET
def stats(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    return render(
        request,
        "posts/announcements/stats.html",
        {
            "announcement": announcement,
            "stats": selectors.announcement_stats(announcement=announcement),
            "list_available": announcement.must_read and announcement.compliance_list_allowed,
        },
    )


def _compliance_people(request: HttpRequest, announcement: Announcement, via: str) -> list[User]:
    try:
        return services.compliance_list_view(
            announcement=announcement, viewer=http.viewer(request), via=via
        )
    except ServiceError as exc:
        raise _Refused(str(exc.message)) from exc


class _Refused(Exception):
    pass


@require_GET
def compliance(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    try:
        people = _compliance_people(request, announcement, "web")
    except _Refused as exc:
        return render(
            request,
            "posts/announcements/compliance.html",
            {"announcement": announcement, "refused": str(exc)},
            status=403,
        )
    return render(
        request,
        "posts/announcements/compliance.html",
        {
            "announcement": announcement,
            "people": people,
            "accesses": list(selectors.compliance_accesses(announcement=announcement)[:200]),
        },
    )


@require_GET
def compliance_csv(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = _managed(request, announcement_id)
    try:
        people = _compliance_people(request, announcement, "csv")
    except _Refused as exc:
        return HttpResponse(str(exc), status=403, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="announcement-{announcement.pk}-open-confirmations.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so spreadsheet programs read the umlauts correctly
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Name"), _("Username"), _("E-mail address"), _("Org unit")])
    for person in people:
        writer.writerow(
            [
                _csv_safe(person.display_name),
                _csv_safe(person.username),
                _csv_safe(person.email),
                _csv_safe(person.org_unit.name if person.org_unit else ""),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet program.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


urlpatterns: list[URLPattern] = [
    path("", archive, name="announcement_archive"),
    path("new/", create, name="announcement_create"),
    path("<int:announcement_id>/", detail, name="announcement_detail"),
    path("<int:announcement_id>/edit/", edit, name="announcement_edit"),
    path("<int:announcement_id>/publish/", publish, name="announcement_publish"),
    path("<int:announcement_id>/unpublish/", unpublish, name="announcement_unpublish"),
    path("<int:announcement_id>/delete/", delete, name="announcement_delete"),
    path("<int:announcement_id>/read/", mark_read, name="announcement_read"),
    path("<int:announcement_id>/confirm/", confirm, name="announcement_confirm"),
    path("<int:announcement_id>/stats/", stats, name="announcement_stats"),
    path("<int:announcement_id>/compliance/", compliance, name="announcement_compliance"),
    path(
        "<int:announcement_id>/compliance.csv",
        compliance_csv,
        name="announcement_compliance_csv",
    ),
]
