"""Forms of the event pages. They parse and check input; the services decide and write."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.errors import ServiceError
from hanse.events.models import Event, Rsvp
from hanse.events.recurrence import validate_rrule
from hanse.people.models import Location, User
from hanse.people.services import _decode

COMMON_TIME_ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/London",
    "Europe/Warsaw",
    "Europe/Istanbul",
    "America/New_York",
    "Asia/Tokyo",
    "UTC",
)
COMPANY = ""
COVER_MAX_BYTES = 8 * 1024 * 1024
MAX_CO_ORGANISERS = 20
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_USERNAME_SPLIT = re.compile(r"[\s,;]+")


class Repeats:
    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    CUSTOM = "custom"


REPEAT_CHOICES = [
    (Repeats.NONE, _("Does not repeat")),
    (Repeats.WEEKLY, _("Every week")),
    (Repeats.BIWEEKLY, _("Every two weeks")),
    (Repeats.MONTHLY, _("Every month on the same weekday (e.g. the second Tuesday)")),
    (Repeats.CUSTOM, _("Custom rule (RRULE, for experts)")),
]


def nth_weekday_rule(day: date) -> str:
    """The rule "monthly on the nth weekday" of this date; the fifth becomes "the last"."""
    n = (day.day - 1) // 7 + 1
    return f"FREQ=MONTHLY;BYDAY={'-1' if n == 5 else f'+{n}'}{WEEKDAYS[day.weekday()]}"


def _split_rule(rule: str) -> tuple[str, dict[str, str]]:
    """The rule without UNTIL/COUNT, and those two."""
    parts = [p for p in rule.removeprefix("RRULE:").split(";") if p]
    core, ends = [], {}
    for part in parts:
        key, _sep, value = part.partition("=")
        if key.upper() in ("UNTIL", "COUNT"):
            ends[key.upper()] = value
        else:
            core.append(part)
    return ";".join(core), ends


def repeats_of(event: Event) -> dict[str, Any]:
    """The form's "repeats" fields for a stored rule."""
    if not event.rrule:
        return {"repeats": Repeats.NONE}
    core, ends = _split_rule(event.rrule)
    zone = ZoneInfo(event.time_zone)
    local_start = event.start.astimezone(zone).date()
    known = {
        "FREQ=WEEKLY": Repeats.WEEKLY,
        "FREQ=WEEKLY;INTERVAL=1": Repeats.WEEKLY,
        "FREQ=WEEKLY;INTERVAL=2": Repeats.BIWEEKLY,
        nth_weekday_rule(local_start): Repeats.MONTHLY,
    }
    initial: dict[str, Any] = {}
    if core.upper() in known:
        initial["repeats"] = known[core.upper()]
    else:
        return {"repeats": Repeats.CUSTOM, "custom_rule": event.rrule}
    if "COUNT" in ends and ends["COUNT"].isdigit():
        initial["count"] = int(ends["COUNT"])
    elif "UNTIL" in ends:
        raw = ends["UNTIL"]
        try:
            if "T" in raw:
                moment = datetime.strptime(raw.rstrip("Z"), "%Y%m%dT%H%M%S").replace(
                    tzinfo=ZoneInfo("UTC")
                )
                initial["until"] = moment.astimezone(zone).date()
            else:
                initial["until"] = datetime.strptime(raw, "%Y%m%d").date()  # noqa: DTZ007
        except ValueError:
            return {"repeats": Repeats.CUSTOM, "custom_rule": event.rrule}
    return initial


def _zone_choices(extra: str = "") -> list[tuple[str, str]]:
    zones = list(COMMON_TIME_ZONES)
    if extra and extra not in zones:
        zones.append(extra)
    return [(zone, zone.replace("_", " ")) for zone in zones]


def check_cover(upload: UploadedFile) -> UploadedFile:
    """Refuse anything that is not a real picture of a sensible size (content, not name)."""

    size = upload.size or 0
    if size == 0:
        raise forms.ValidationError(_("The file is empty. Please choose a picture."))
    if size > COVER_MAX_BYTES:
        raise forms.ValidationError(
            _("This picture is too large. Please upload a picture of at most 8 MB.")
        )
    try:
        _decode(upload)
    except ServiceError as exc:
        raise forms.ValidationError(str(exc.message)) from exc
    upload.seek(0)
    return upload


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown works: **bold**, _italic_, - lists, [link](https://…)."),
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the same day."),
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    all_day = forms.BooleanField(label=_("All day"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), initial=settings.TIME_ZONE)
    repeats = forms.ChoiceField(
        label=_("Repeats"), choices=REPEAT_CHOICES, initial=Repeats.NONE, required=False
    )
    custom_rule = forms.CharField(
        label=_("Custom rule"),
        required=False,
        max_length=500,
        help_text=_("An RFC 5545 recurrence rule, e.g. FREQ=MONTHLY;BYDAY=1TU."),
    )
    until = forms.DateField(
        label=_("Repeat until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    count = forms.IntegerField(
        label=_("Or: number of times"), required=False, min_value=1, max_value=500
    )
    location = forms.ModelChoiceField(
        label=_("Branch or site"),
        queryset=Location.objects.order_by("name"),
        required=False,
        empty_label=_("No branch"),
    )
    room = forms.CharField(label=_("Room"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to people who can see the event."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_(
            "Leave empty for no limit. When all places are taken, people join a waiting list."
        ),
    )
    co_organisers = forms.CharField(
        label=_("Co-organisers"),
        required=False,
        max_length=2000,
        help_text=_("Usernames, separated by commas."),
    )
    cover = forms.FileField(label=_("Cover image"), required=False)
    community = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(
        self,
        *args: Any,
        communities: list[Community],
        event: Event | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.communities = {str(c.pk): c for c in communities}
        choices = [(COMPANY, str(_("Company-wide")))]
        choices += [(str(c.pk), c.name) for c in communities]
        self.fields["community"].choices = choices  # type: ignore[attr-defined]  # ChoiceField
        self.fields["time_zone"].choices = _zone_choices(  # type: ignore[attr-defined]
            event.time_zone if event else ""
        )
        self.fields["cover"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        if event is not None:
            # The place of an event is fixed once it exists: its audience depends on it.
            del self.fields["community"]

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        zone = ZoneInfo(event.time_zone)
        start = event.start.astimezone(zone)
        end = event.end.astimezone(zone)
        if event.all_day and end.time() == time(0) and end.date() > start.date():
            end -= timedelta(days=1)
        initial = {
            "title": event.title,
            "description": event.description,
            "start_date": start.date(),
            "start_time": None if event.all_day else start.time().replace(second=0),
            "end_date": end.date(),
            "end_time": None if event.all_day else end.time().replace(second=0),
            "all_day": event.all_day,
            "time_zone": event.time_zone,
            "location": event.location_id,
            "room": event.room,
            "address": event.address,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "co_organisers": ", ".join(u.username for u in event.co_organisers.all()),
        }
        initial.update(repeats_of(event))
        return initial

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Please give the event a title."))
        return title

    def clean_cover(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("cover")
        return check_cover(upload) if upload else None

    def clean_co_organisers(self) -> list[User]:
        raw = self.cleaned_data.get("co_organisers") or ""
        names: list[str] = []
        for name in _USERNAME_SPLIT.split(raw):
            name = name.strip().lstrip("@")
            if name and name.lower() not in {n.lower() for n in names}:
                names.append(name)
        if len(names) > MAX_CO_ORGANISERS:
            raise forms.ValidationError(_("An event can have at most 20 co-organisers."))
        found = {
            u.username.lower(): u for u in User.objects.filter(is_active=True, username__in=names)
        }
        if len(found) < len(names):
            # Case-insensitive look-up for the rest, one query.
            missing = [n for n in names if n.lower() not in found]
            from django.db.models import Q

            query = Q()
            for name in missing:
                query |= Q(username__iexact=name)
            for person in User.objects.filter(query, is_active=True):
                found[person.username.lower()] = person
        unknown = [n for n in names if n.lower() not in found]
        if unknown:
            raise forms.ValidationError(
                _("There is no colleague with the username “%(name)s”.") % {"name": unknown[0]}
            )
        return [found[n.lower()] for n in names]

    def _rule(self, start_day: date, zone: ZoneInfo) -> str:
        data = self.cleaned_data
        repeats = data.get("repeats") or Repeats.NONE
        if repeats == Repeats.NONE:
            return ""
        if repeats == Repeats.CUSTOM:
            rule = (data.get("custom_rule") or "").strip().removeprefix("RRULE:")
            if not rule:
                self.add_error("custom_rule", _("Please enter a recurrence rule."))
                return ""
            core, ends = _split_rule(rule)
            if ends and (data.get("until") or data.get("count")):
                self.add_error(
                    "custom_rule",
                    _("Give the end either in the rule or in the fields below, not in both."),
                )
                return ""
        else:
            core = {
                Repeats.WEEKLY: "FREQ=WEEKLY",
                Repeats.BIWEEKLY: "FREQ=WEEKLY;INTERVAL=2",
                Repeats.MONTHLY: nth_weekday_rule(start_day),
            }[repeats]
            rule = core
        until, count = data.get("until"), data.get("count")
        if until and count:
            self.add_error("count", _("Give either an end date or a number of times, not both."))
            return ""
        if until:
            if until < start_day:
                self.add_error("until", _("The series cannot end before it starts."))
                return ""
            last = datetime.combine(until, time(23, 59, 59), tzinfo=zone)
            rule += f";UNTIL={last.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}"
        elif count:
            rule += f";COUNT={count}"

        try:
            return validate_rrule(rule)
        except ServiceError as exc:
            self.add_error("custom_rule" if repeats == Repeats.CUSTOM else "repeats",
                           str(exc.message))  # fmt: skip
            return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone_name = data.get("time_zone") or settings.TIME_ZONE
        zone = ZoneInfo(zone_name)
        start_day = data.get("start_date")
        if start_day is None:
            return data
        end_day = data.get("end_date") or start_day
        if data.get("all_day"):
            start = datetime.combine(start_day, time(0), tzinfo=zone)
            # The services take the last day itself and store the midnight after it.
            end = datetime.combine(end_day, time(0), tzinfo=zone)
        else:
            start_time, end_time = data.get("start_time"), data.get("end_time")
            if start_time is None:
                self.add_error("start_time", _("Please give a start time, or choose “All day”."))
                return data
            start = datetime.combine(start_day, start_time, tzinfo=zone)
            end = (
                datetime.combine(end_day, end_time, tzinfo=zone)
                if end_time is not None
                else start + timedelta(hours=1)
            )
        if end_day < start_day or (end <= start and not data.get("all_day")):
            self.add_error("end_time" if not data.get("all_day") else "end_date",
                           _("The event must end after it starts."))  # fmt: skip
            return data
        data["start"] = start.astimezone(ZoneInfo("UTC"))
        data["end"] = end.astimezone(ZoneInfo("UTC"))
        data["rrule"] = self._rule(start_day, zone)
        community_key = data.get("community") or COMPANY
        if "community" in self.fields and community_key != COMPANY:
            if community_key not in self.communities:
                self.add_error("community", _("Please choose one of your communities."))
            data["community_obj"] = self.communities.get(community_key)
        else:
            data["community_obj"] = None
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the event services take them."""
        data = self.cleaned_data
        fields = {
            "title": data["title"],
            "description": data.get("description") or "",
            "start": data["start"],
            "end": data["end"],
            "all_day": bool(data.get("all_day")),
            "time_zone": data.get("time_zone") or settings.TIME_ZONE,
            "rrule": data.get("rrule") or "",
            "location": data.get("location"),
            "room": data.get("room") or "",
            "address": data.get("address") or "",
            "online_url": data.get("online_url") or "",
            "capacity": data.get("capacity"),
            "co_organisers": data.get("co_organisers") or [],
        }
        if data.get("cover"):
            fields["cover"] = data["cover"]
        return fields


class OccurrenceForm(forms.Form):
    """Change one occurrence (or, with scope=future, this and all later ones)."""

    title = forms.CharField(label=_("Title"), max_length=160)
    start_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.CharField(label=_("Room"), max_length=120, required=False)

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start_time, end_time = (
            data.get("start_date"),
            data.get("start_time"),
            data.get("end_time"),
        )
        if day is None or start_time is None or end_time is None:
            return data
        start = datetime.combine(day, start_time, tzinfo=self.zone)
        end = datetime.combine(day, end_time, tzinfo=self.zone)
        if end <= start:
            self.add_error("end_time", _("The event must end after it starts."))
            return data
        data["start"] = start.astimezone(ZoneInfo("UTC"))
        data["end"] = end.astimezone(ZoneInfo("UTC"))
        return data


class RsvpForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Rsvp.Status.GOING, _("Going")),
            (Rsvp.Status.MAYBE, _("Maybe")),
            (Rsvp.Status.NOT_GOING, _("Not going")),
        ]
    )
