"""What every write of events checks first: limits, who may (hanse/events/rules.py), and
clean input with a translated error for each mistake."""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community as CommunityModel
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.text import render_markdown
from hanse.events import recurrence
from hanse.events.models import Event
from hanse.events.recurrence import utc
from hanse.events.rules import may_create_event_in, may_manage_event
from hanse.events.selectors import not_found

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from hanse.communities.models import Community
    from hanse.people.models import User


TITLE_MAX = 160
DESCRIPTION_MAX = 20000
ROOM_MAX = 120
ADDRESS_MAX = 250
URL_MAX = 500
MAX_CAPACITY = 100_000
MAX_DURATION = timedelta(days=31)
MAX_CO_ORGANISERS = 20
COVER_MAX_BYTES = 10 * 1024 * 1024
COVER_MAX_SIDE = 1600
COVER_MAX_PIXELS = 40_000_000

TIME_FIELDS = ("start", "end", "all_day", "time_zone", "rrule")
PLACE_FIELDS = ("location", "room", "address", "online_url")
UPDATABLE = (
    "title",
    "description",
    *TIME_FIELDS,
    *PLACE_FIELDS,
    "capacity",
    "co_organisers",
    "cover",
)


# --- permission ----------------------------------------------------------------------------


def signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_see(user: User, event: Event) -> bool:
    return Event.objects.visible_to(user).filter(pk=event.pk).exists()


def require_visible(user: User, event: Event) -> None:
    if not can_see(user, event):
        raise not_found()


def require_manage(user: User, event: Event) -> None:
    require_visible(user, event)
    if not may_manage_event(user, event):
        raise PermissionRefused(
            _(
                "Only the organisers, the community's moderators and administrators may change "
                "this event."
            )
        )


def may_create_in(by: User, community: Community | None) -> None:
    if not signed_in(by):
        raise PermissionRefused(_("Please sign in to create events."))
    if may_create_event_in(by, community):
        return

    visible = CommunityModel.objects.visible_to(by)
    if community is not None and not visible.filter(pk=community.pk).exists():
        raise ServiceError(_("This community does not exist."), code="not_found", status=404)
    raise PermissionRefused(_("Only members of the community may create events in it."))


# --- validation ----------------------------------------------------------------------------


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Please give the event a title."), code="title_required")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("The title may be at most %(max)s characters long.") % {"max": TITLE_MAX},
            code="title_too_long",
        )
    return title


def clean_description(description: str) -> tuple[str, str]:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            _("The description may be at most %(max)s characters long.") % {"max": DESCRIPTION_MAX},
            code="description_too_long",
        )
    return description, render_markdown(description) if description else ""


def clean_text(value: str, maximum: int, message: Any) -> str:
    value = " ".join((value or "").split())
    if len(value) > maximum:
        raise ServiceError(message % {"max": maximum}, code="too_long")
    return value


def clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX:
        raise ServiceError(_("The online link is too long."), code="invalid_url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ServiceError(
            _("The online link must be a web address starting with https:// or http://."),
            code="invalid_url",
        ) from None
    return url


def clean_capacity(capacity: int | None) -> int | None:
    if capacity is None:
        return None
    if not 1 <= int(capacity) <= MAX_CAPACITY:
        raise ServiceError(
            _("The number of places must be between 1 and %(max)s, or empty for no limit.")
            % {"max": MAX_CAPACITY},
            code="invalid_capacity",
        )
    return int(capacity)


def aware(moment: datetime, what: str) -> datetime:
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ServiceError(
            _("The %(what)s needs a date, a time and a time zone.") % {"what": what},
            code="invalid_time",
        )
    return utc(moment)


def clean_times(
    *, start: datetime, end: datetime, all_day: bool, time_zone: str, rrule: str
) -> tuple[datetime, datetime, str, str]:
    """Validated (start, end, time zone, rule); all-day events become whole local days and a
    series starts on its first occurrence."""
    tz = recurrence.zone(time_zone or "Europe/Berlin")
    start = aware(start, str(_("start")))
    end = aware(end, str(_("end")))
    if all_day:
        start, end = recurrence.all_day_bounds(start, end, tz)
    elif end <= start:
        raise ServiceError(_("The event must end after it starts."), code="end_before_start")
    if end - start > MAX_DURATION:
        raise ServiceError(_("An event can last at most 31 days."), code="too_long")
    rule = recurrence.validate_rrule(rrule)
    if rule:
        probe = Event(start=start, end=end, time_zone=tz.key, rrule=rule)
        found = recurrence._original_starts(probe, tz, start, start + timedelta(days=3660))[:1]
        if not found:
            raise ServiceError(
                _("The repeat rule never matches after the start."), code="invalid_rrule"
            )
        first = found[0]
        if first != start:
            # RFC 5545 counts DTSTART as an occurrence; we start the series on its first match.
            wall = recurrence._local_naive(end, tz) - recurrence._local_naive(start, tz)
            start = first
            end = recurrence._at_local(recurrence._local_naive(first, tz) + wall, tz)
    return start, end, tz.key, rule


def clean_co_organisers(people: Iterable[User], organiser: User) -> list[User]:
    chosen = {p.pk: p for p in people if p.pk != organiser.pk}
    if len(chosen) > MAX_CO_ORGANISERS:
        raise ServiceError(
            _("An event can have at most %(max)s co-organisers.") % {"max": MAX_CO_ORGANISERS},
            code="too_many_co_organisers",
        )
    for person in chosen.values():
        if not person.is_active:
            raise ServiceError(
                _("%(name)s no longer works here and cannot be a co-organiser.")
                % {"name": person.display_name},
                code="invalid_co_organiser",
            )
    return list(chosen.values())


def check_co_organisers_see(event: Event, people: list[User]) -> None:
    for person in people:
        if not can_see(person, event):
            raise ServiceError(
                _("%(name)s cannot see this event and so cannot be a co-organiser.")
                % {"name": person.display_name},
                code="invalid_co_organiser",
            )


def cover_content(upload: UploadedFile) -> ContentFile[bytes]:
    """The cover re-encoded as WebP without metadata, at most 1600 pixels wide or high."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    message = _("The cover is not a picture. Please upload a JPEG, PNG, WebP or GIF image.")
    if (upload.size or 0) > COVER_MAX_BYTES:
        raise ServiceError(_("The cover picture may be at most 10 MB."), code="file_too_large")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise ServiceError(message, code="not_an_image")
            if probe.size[0] * probe.size[1] > COVER_MAX_PIXELS:
                raise ServiceError(_("The cover picture is too large."), code="image_too_large")
            probe.verify()
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ServiceError(_("The cover picture is too large."), code="image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ServiceError(message, code="not_an_image") from exc
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    picture = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    picture.thumbnail((COVER_MAX_SIDE, COVER_MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=82)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")
