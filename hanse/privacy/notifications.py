"""The notification type of data exports, imported from ``PrivacyConfig.ready()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification


def _render_ready(n: Notification) -> RenderedText:
    days = int(n.data.get("days", 0))
    return RenderedText(
        title=_g("Your data export is ready to download."),
        body=ngettext(
            "It stays available for %(days)d day.", "It stays available for %(days)d days.", days
        )
        % {"days": days}
        if days
        else "",
        url=reverse("privacy:export"),
    )


EXPORT_READY = register(
    NotificationType(
        key="privacy_export_ready",
        label=_("Your data export"),
        description=_("The export of your data you asked for is ready."),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        community_access="none",
        mutable=False,
        render=_render_ready,
    )
)
