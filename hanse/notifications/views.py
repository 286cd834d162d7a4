"""Notification pages: the list, the bell partial, click-through, and the preferences."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime, parse_time
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.notifications import registry, selectors, services
from hanse.notifications.email import DIGEST, read_unsubscribe_token
from hanse.notifications.models import Channel, CommunityNotificationSetting, DeliverySettings
from hanse.people.models import User

PAGE_SIZE = 20
# The time zones people in a German bank pick from; the API accepts any IANA name.
COMMON_TIMEZONES = [
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Warsaw",
    "Europe/Istanbul",
    "America/New_York",
    "Asia/Singapore",
    "UTC",
]


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    before_raw = request.GET.get("before", "")
    before: datetime | None = parse_datetime(before_raw) if before_raw else None
    unread_only = request.GET.get("filter") == "unread"
    page = selectors.notifications_for(
        user=http.viewer(request), before=before, limit=PAGE_SIZE, unread_only=unread_only
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread": selectors.unread_count(user=http.viewer(request)),
            "before": before,
            "unread_only": unread_only,
        },
    )


PREVIEW_SIZE = 6


@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    """The bell's panel: the latest notifications, for htmx to load when it opens."""
    viewer = http.viewer(request)
    return render(
        request,
        "notifications/_preview.html",
        {
            "page": selectors.notifications_for(user=viewer, limit=PREVIEW_SIZE),
            "unread": selectors.unread_count(user=viewer),
        },
    )


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, for htmx to refresh every minute."""
    return render(
        request,
        "notifications/_bell.html",
        {"notification_unread": selectors.unread_count(user=http.viewer(request))},
    )


@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it leads."""
    notification = selectors.get_notification_for(user=http.viewer(request), pk=pk)
    services.notification_mark_read(notification=notification, user=http.viewer(request))
    return HttpResponseRedirect(registry.get(notification.type).render(notification).url)


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.get_notification_for(user=http.viewer(request), pk=pk)
    services.notification_mark_read(notification=notification, user=http.viewer(request))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """The list as the person left it (the unread filter), or a page of ours they came from."""
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=http.viewer(request))
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_back(request))


def _time_or_none(raw: str) -> time | None:
    return parse_time(raw) if raw.strip() else None


# The settings table's column names: short enough for a phone ("Push notification" broke
# into four lines at 390 px).
CHANNEL_COLUMNS = [
    (Channel.IN_APP.value, Channel.IN_APP.label),
    (Channel.EMAIL.value, Channel.EMAIL.label),
    (Channel.PUSH.value, _lazy("Push")),
]


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if request.method == "POST":
        try:
            with transaction.atomic():
                _save_preferences(request, viewer)
        except (ServiceError, ValueError) as exc:
            message = exc.message if isinstance(exc, ServiceError) else _("Enter a valid time.")
            messages.error(request, str(message))
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    delivery = selectors.delivery_settings_of(user=viewer)
    type_choices = selectors.preferences_of(user=viewer)
    timezones = list(COMMON_TIMEZONES)
    if delivery.timezone not in timezones:
        timezones.insert(0, delivery.timezone)
    return render(
        request,
        "notifications/preferences.html",
        {
            "type_choices": type_choices,
            "presets": registry.PRESETS,
            "active_preset": selectors.active_preset(type_choices),
            "channels": CHANNEL_COLUMNS,
            "delivery": delivery,
            "frequencies": DeliverySettings.EmailFrequency.choices,
            "timezones": timezones,
            "community_levels": selectors.community_levels_of(user=viewer),
            "levels": CommunityNotificationSetting.Level.choices,
        },
    )


@require_POST
def preset_apply(request: HttpRequest) -> HttpResponse:
    """One click on a preset sets every type's channels; the table below stays editable."""
    try:
        chosen = services.preferences_preset_apply(
            user=http.viewer(request), preset=request.POST.get("preset", "")
        )
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("“%(name)s” is now your setting. You can still change single kinds below.")
            % {"name": chosen.label},
        )
    return redirect(reverse("notifications:preferences") + "#presets-heading")


def _save_preferences(request: HttpRequest, viewer: User) -> None:
    post = request.POST
    for choice in selectors.preferences_of(user=viewer):
        for channel in Channel.values:
            wanted = post.get(f"{choice.ntype.key}:{channel}") == "on"
            if wanted != choice.enabled[channel]:
                services.preference_set(
                    user=viewer, type_key=choice.ntype.key, channel=channel, enabled=wanted
                )
    start_raw, end_raw = post.get("quiet_hours_start", ""), post.get("quiet_hours_end", "")
    start, end = _time_or_none(start_raw), _time_or_none(end_raw)
    if (start_raw.strip() and start is None) or (end_raw.strip() and end is None):
        raise ValueError("invalid time")
    timezone_name = post.get("timezone", "Europe/Berlin")
    services.delivery_settings_update(
        user=viewer,
        email_frequency=post.get("email_frequency", ""),
        quiet_hours_start=start,
        quiet_hours_end=end,
        timezone_name=timezone_name if timezone_name in zoneinfo.available_timezones() else "",
    )
    for item in selectors.community_levels_of(user=viewer):
        level = post.get(f"community:{item.community.pk}", item.level)
        if level != item.level:
            services.community_setting_set(user=viewer, community=item.community, level=level)


# --- one-click unsubscribe (from e-mail; no session needed) ------------------------------


def _unsubscribe_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/unsubscribe_invalid.html", status=400)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST (the page's button, or a mail program's RFC 8058
    one-click request) stops that kind of e-mail. The signed token is the authorisation:
    no login and no CSRF token, as RFC 8058 requires."""
    try:
        wanted = read_unsubscribe_token(token)
    except signing.BadSignature:
        return _unsubscribe_invalid(request)
    person = User.objects.filter(pk=wanted.user_id, is_active=True).first()
    if person is None:
        return _unsubscribe_invalid(request)
    is_digest = wanted.type_key == DIGEST
    label = _("Digests") if is_digest else registry.get(wanted.type_key).label
    context = {"token": token, "label": label, "is_digest": is_digest, "person": person}
    if request.method == "POST":
        if is_digest:
            services.delivery_settings_update(
                user=person, email_frequency=DeliverySettings.EmailFrequency.IMMEDIATE
            )
        else:
            services.preference_set(
                user=person, type_key=wanted.type_key, channel=wanted.channel, enabled=False
            )
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)
