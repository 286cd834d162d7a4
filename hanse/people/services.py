"""Writes for people: org units (with their materialised path), profiles, avatars, follows."""

from __future__ import annotations

import io
import re
import uuid
import warnings
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hanse.core import signals
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people import rules as people_rules
from hanse.people.models import (
    LANGUAGE_CHOICES,
    UI_LANGUAGE_CHOICES,
    Follow,
    Location,
    OrgUnit,
    Skill,
    User,
)
from hanse.people.selectors import people_to_meet_cache_key

# --- Org units ------------------------------------------------------------------------------

PATH_SEGMENT_WIDTH = 4
ORGUNIT_NAME_MAX = 150
ORGUNIT_SHORT_NAME_MAX = 30
ORGUNIT_SLUG_MAX = 80
PATH_MAX = 255


def _segment(pk: int) -> str:
    # Zero-padded so that siblings sort by creation; wider ids still keep prefixes unique
    # because every segment ends with a dot.
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}."


def _unique_slug(base: str, *, exclude_pk: int | None = None) -> str:
    root = (slugify(base) or "unit")[: ORGUNIT_SLUG_MAX - 6].strip("-") or "unit"
    taken_qs = OrgUnit.objects.filter(slug__startswith=root)
    if exclude_pk is not None:
        taken_qs = taken_qs.exclude(pk=exclude_pk)
    taken = set(taken_qs.values_list("slug", flat=True))
    if root not in taken:
        return root
    n = 2
    while f"{root}-{n}" in taken:
        n += 1
    return f"{root}-{n}"


def _validate_orgunit_fields(
    *, name: str, kind: str, short_name: str, slug: str | None, sort_order: int, pk: int | None
) -> None:
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = _("Please give the unit a name.")
    elif len(name) > ORGUNIT_NAME_MAX:
        errors["name"] = _("The name may be at most 150 characters long.")
    if kind not in OrgUnit.Kind.values:
        errors["kind"] = _("Please choose a valid kind of unit.")
    if len(short_name) > ORGUNIT_SHORT_NAME_MAX:
        errors["short_name"] = _("The short name may be at most 30 characters long.")
    if slug is not None:
        if not slug or slugify(slug) != slug or len(slug) > ORGUNIT_SLUG_MAX:
            errors["slug"] = _(
                "The address may only contain lower-case letters, digits and hyphens "
                "(at most 80 characters)."
            )
        elif OrgUnit.objects.filter(slug=slug).exclude(pk=pk or 0).exists():
            errors["slug"] = _("Another unit already uses this address.")
    if sort_order < 0:
        errors["sort_order"] = _("The sort order cannot be negative.")
    if errors:
        raise ValidationError(errors)


def orgunit_create(
    *,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    manager: User | None = None,
    location: Location | None = None,
    short_name: str = "",
    slug: str | None = None,
    sort_order: int = 0,
) -> OrgUnit:
    """Create an org unit below ``parent`` and give it its materialised path."""
    name = (name or "").strip()
    short_name = (short_name or "").strip()
    _validate_orgunit_fields(
        name=name, kind=kind, short_name=short_name, slug=slug, sort_order=sort_order, pk=None
    )
    with transaction.atomic():
        if parent is not None:
            # The path is read fresh: an in-memory parent may be stale after a move.
            parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
        unit = OrgUnit.objects.create(
            name=name,
            short_name=short_name,
            slug=slug or _unique_slug(name),
            kind=kind,
            parent=parent,
            manager=manager,
            location=location,
            sort_order=sort_order,
        )
        unit.path = (parent.path if parent else "") + _segment(unit.pk)
        unit.depth = parent.depth + 1 if parent else 0
        if len(unit.path) > PATH_MAX:
            raise ServiceError(_("The organisation tree may not be this deep."), code="too_deep")
        unit.save(update_fields=["path", "depth"])
    return unit


_ORGUNIT_FIELDS = {
    "name",
    "kind",
    "parent",
    "manager",
    "location",
    "short_name",
    "slug",
    "sort_order",
}


def orgunit_update(*, unit: OrgUnit, **fields: Any) -> OrgUnit:
    """Change an org unit; a new parent moves the whole subtree (and refuses cycles)."""
    unknown = set(fields) - _ORGUNIT_FIELDS
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            code="unknown_fields",
        )
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    if "short_name" in fields:
        fields["short_name"] = (fields["short_name"] or "").strip()
    _validate_orgunit_fields(
        name=fields.get("name", unit.name),
        kind=fields.get("kind", unit.kind),
        short_name=fields.get("short_name", unit.short_name),
        slug=fields.get("slug"),
        sort_order=fields.get("sort_order", unit.sort_order),
        pk=unit.pk,
    )
    with transaction.atomic():
        current = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        moving = "parent" in fields and (
            (fields["parent"].pk if fields["parent"] else None) != current.parent_id
        )
        new_parent: OrgUnit | None = None
        if moving and fields["parent"] is not None:
            new_parent = OrgUnit.objects.select_for_update().get(pk=fields["parent"].pk)
            if new_parent.path.startswith(current.path):
                raise ServiceError(
                    _("A unit cannot be moved below itself or one of its own sub-units."),
                    code="cycle",
                )
        for field, value in fields.items():
            setattr(unit, field, value)
        if moving:
            old_path = current.path
            new_path = (new_parent.path if new_parent else "") + _segment(unit.pk)
            new_depth = new_parent.depth + 1 if new_parent else 0
            delta = new_depth - current.depth
            deepest = (
                OrgUnit.objects.filter(path__startswith=old_path)
                .order_by("-depth")
                .values_list("path", flat=True)
                .first()
            ) or old_path
            if len(deepest) - len(old_path) + len(new_path) > PATH_MAX:
                raise ServiceError(
                    _("The organisation tree may not be this deep."), code="too_deep"
                )
            # One statement rewrites the prefix of every unit in the subtree, the unit itself
            # included, whatever its size.
            OrgUnit.objects.filter(path__startswith=old_path).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + delta,
            )
            unit.path = new_path
            unit.depth = new_depth
        if fields:
            unit.save(update_fields=sorted(fields))
        if moving:
            # Everyone in the subtree is now below other units (town-hall audiences).
            moved = User.objects.filter(org_unit__path__startswith=new_path)
            signals.send_on_commit(
                signals.units_changed,
                signals.UnitsChanged(tuple(moved.values_list("pk", flat=True))),
            )
    return unit


# --- Profiles -------------------------------------------------------------------------------

MAX_SKILLS = 30
SKILL_NAME_MAX = 60
_PHONE_RE = re.compile(r"^[0-9+()/\-. ]*$")
_LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}
_UI_LANGUAGE_CODES = {code for code, _label in UI_LANGUAGE_CHOICES}


class _Unchanged:
    """Marks a profile field the caller leaves as it is."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def skill_slug(name: str) -> str:
    """The slug that identifies a skill; "C++" and "C#" stay apart from "C"."""
    name = name.replace("++", " plus plus").replace("#", " sharp").replace("+", " plus")
    return slugify(name)[:80].strip("-")


def _clean_skill_names(names: Any, field: str, errors: dict[str, list[Any]]) -> list[str]:
    if not isinstance(names, list | tuple):
        errors.setdefault(field, []).append(_("Please give a list of names."))
        return []
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(str(raw).split())
        if not name:
            errors.setdefault(field, []).append(_("A skill or topic cannot be empty."))
            continue
        if len(name) > SKILL_NAME_MAX:
            errors.setdefault(field, []).append(
                _("“%(name)s…” is too long: a skill or topic may have at most 60 characters.")
                % {"name": name[:20]}
            )
            continue
        slug = skill_slug(name)
        if not slug:
            errors.setdefault(field, []).append(
                _("“%(name)s” needs at least one letter or digit.") % {"name": name}
            )
            continue
        if slug in seen:
            continue
        seen.add(slug)
        cleaned.append(name)
    if len(cleaned) > MAX_SKILLS:
        errors.setdefault(field, []).append(
            _("Please list at most 30 entries; you gave %(count)d.") % {"count": len(cleaned)}
        )
    return cleaned


def _skills_for(names: list[str]) -> list[Skill]:
    """The Skill rows for these names, creating the missing ones (first spelling wins)."""
    by_slug = {skill_slug(n): n for n in names}
    existing = {s.slug: s for s in Skill.objects.filter(slug__in=by_slug)}
    missing = [Skill(name=n, slug=s) for s, n in by_slug.items() if s not in existing]
    if missing:
        Skill.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.slug: s for s in Skill.objects.filter(slug__in=by_slug)}
    return [existing[s] for s in by_slug]


def _check_text(
    value: Any, field: str, max_length: int, errors: dict[str, list[Any]], *, multiline=False
) -> str:
    text = str(value or "")
    text = text.strip() if multiline else " ".join(text.split())
    if len(text) > max_length:
        errors.setdefault(field, []).append(
            _("Please use at most %(max)d characters (you used %(count)d).")
            % {"max": max_length, "count": len(text)}
        )
    return text


# Org unit, location and job title are recorded by HR (the admin, later SCIM/LDAP), never by
# the person: the org unit decides which announcements and must-reads reach them.
HR_FIELDS = ("job_title", "org_unit", "location")


def profile_update(
    *,
    user: User,
    by: User,
    phone: Any = UNCHANGED,
    mobile: Any = UNCHANGED,
    about: Any = UNCHANGED,
    languages: Any = UNCHANGED,
    skills: Any = UNCHANGED,
    ask_me_about: Any = UNCHANGED,
    ui_language: Any = UNCHANGED,
    first_name: Any = UNCHANGED,
    last_name: Any = UNCHANGED,
    show_presence: Any = UNCHANGED,
    expert_from_activity: Any = UNCHANGED,
) -> User:
    """Update what a person says about themself; the HR fields are not among them.

    Fields left out (``UNCHANGED``) keep their value. All field errors are reported at once
    as a ``ValidationError`` keyed by field name.
    """
    if not people_rules.may_edit_profile(by, user):
        raise PermissionRefused(_("You may only edit your own profile."))
    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}

    for field, value, max_length in (
        ("first_name", first_name, 150),
        ("last_name", last_name, 150),
    ):
        if value is not UNCHANGED:
            values[field] = _check_text(value, field, max_length, errors)
    if first_name is not UNCHANGED and not values.get("first_name"):
        errors.setdefault("first_name", []).append(_("Please enter your first name."))
    if last_name is not UNCHANGED and not values.get("last_name"):
        errors.setdefault("last_name", []).append(_("Please enter your last name."))
    for field, value in (("phone", phone), ("mobile", mobile)):
        if value is UNCHANGED:
            continue
        number = _check_text(value, field, 40, errors)
        if not _PHONE_RE.match(number) or (number and not any(c.isdigit() for c in number)):
            errors.setdefault(field, []).append(
                _("Please enter a phone number with digits, spaces and + ( ) / - only.")
            )
        values[field] = number
    if about is not UNCHANGED:
        values["about"] = _check_text(about, "about", 4000, errors, multiline=True)
    if languages is not UNCHANGED:
        codes: list[str] = []
        if not isinstance(languages, list | tuple):
            errors.setdefault("languages", []).append(_("Please give a list of language codes."))
        else:
            for code in languages:
                if code not in _LANGUAGE_CODES:
                    errors.setdefault("languages", []).append(
                        _("“%(code)s” is not a language we know.") % {"code": code}
                    )
                elif code not in codes:
                    codes.append(code)
        values["languages"] = codes
    if ui_language is not UNCHANGED:
        ui_language = ui_language or ""
        if ui_language and ui_language not in _UI_LANGUAGE_CODES:
            errors.setdefault("ui_language", []).append(
                _("Please choose German, English or the browser's language.")
            )
        values["ui_language"] = ui_language
    if show_presence is not UNCHANGED:
        if not isinstance(show_presence, bool):
            errors.setdefault("show_presence", []).append(_("Please choose yes or no."))
        values["show_presence"] = show_presence
    if expert_from_activity is not UNCHANGED:
        if not isinstance(expert_from_activity, bool):
            errors.setdefault("expert_from_activity", []).append(_("Please choose yes or no."))
        values["expert_from_activity"] = expert_from_activity
    skill_names = _clean_skill_names(skills, "skills", errors) if skills is not UNCHANGED else None
    topic_names = (
        _clean_skill_names(ask_me_about, "ask_me_about", errors)
        if ask_me_about is not UNCHANGED
        else None
    )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        for field, value in values.items():
            setattr(user, field, value)
        if values:
            user.save(update_fields=list(values))
        if skill_names is not None:
            user.skills.set(_skills_for(skill_names))
            _forget_suggestions(user.pk)
        if topic_names is not None:
            user.ask_me_about.set(_skills_for(topic_names))
        if values.get("show_presence") is False:
            signals.send_on_commit(signals.presence_hidden, signals.PresenceHidden(user.pk))
    return user


def profile_save(
    *,
    user: User,
    by: User,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
    **fields: Any,
) -> User:
    """The profile page's one form: the fields of ``profile_update`` and the photo, all or
    nothing. Field errors are found before anything is written; a refused photo rolls the
    fields back, so a person never sees half of their changes saved."""
    with transaction.atomic():
        profile_update(user=user, by=by, **fields)
        if photo is not None:
            avatar_set(user=user, upload=photo)
        elif remove_photo:
            avatar_remove(user=user)
    return user


def person_hr_update(
    *,
    user: User,
    by: User,
    job_title: Any = UNCHANGED,
    org_unit: Any = UNCHANGED,
    location: Any = UNCHANGED,
) -> User:
    """Record a person's job title, org unit and location; HR and administrators only.

    The person's manager is their org unit's manager (``orgunit_update``).
    """
    if not people_rules.may_manage_people(by):
        raise PermissionRefused(_("Only HR and administrators may change this."))
    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {}
    if job_title is not UNCHANGED:
        values["job_title"] = _check_text(job_title, "job_title", 120, errors)
    if org_unit is not UNCHANGED:
        if org_unit is not None and not isinstance(org_unit, OrgUnit):
            errors.setdefault("org_unit", []).append(_("Please choose a unit from the list."))
        values["org_unit"] = org_unit
    if location is not UNCHANGED:
        if location is not None and not isinstance(location, Location):
            errors.setdefault("location", []).append(_("Please choose a location from the list."))
        values["location"] = location
    if errors:
        raise ValidationError(errors)
    if values:
        with transaction.atomic():
            for field, value in values.items():
                setattr(user, field, value)
            user.save(update_fields=list(values))
            if {"org_unit", "location"} & set(values):
                _forget_suggestions(user.pk)
    return user


# --- Avatars --------------------------------------------------------------------------------

ACCEPTED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
AVATAR_MAX_SIDE = 1024  # stored photo; nobody needs more on a profile page
THUMBNAIL_SIZE = 256
MAX_IMAGE_PIXELS = 40_000_000  # beyond this, decoding is a memory risk (decompression bombs)
NOT_A_PICTURE = _("This file is not a picture. Please upload a JPEG, PNG, WebP or GIF image.")


def _max_bytes() -> int:
    return int(getattr(settings, "AVATAR_MAX_BYTES", 5 * 1024 * 1024))


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"


def _encode(image: Image.Image) -> tuple[bytes, str]:
    """Re-encode without any metadata: PNG keeps transparency, everything else is JPEG."""
    out = io.BytesIO()
    has_alpha = image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), "jpg"


def _decode(upload: UploadedFile) -> Image.Image:
    """Open, verify and fully decode the upload, refusing anything that is not a safe picture."""
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in ACCEPTED_IMAGE_FORMATS:
                raise ServiceError(NOT_A_PICTURE, code="not_an_image")
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ServiceError(
                    _(
                        "This picture is too large (%(width)d by %(height)d pixels). "
                        "Please upload a picture with at most 40 million pixels."
                    )
                    % {"width": width, "height": height},
                    code="image_too_large",
                )
            probe.verify()
            # verify() leaves the image unusable: open it again to decode the pixels.
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except ServiceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ServiceError(
            _("This picture is too large. Please upload a picture with at most 40 million pixels."),
            code="image_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ServiceError(NOT_A_PICTURE, code="not_an_image") from exc
    return image


def avatar_set(*, user: User, upload: UploadedFile) -> User:
    """Store a new profile photo (re-encoded, without metadata) and its square thumbnail."""
    max_bytes = _max_bytes()
    size = upload.size or 0
    if size > max_bytes:
        raise ServiceError(
            _("This picture is too large. Please upload a picture of at most %(size)s MB.")
            % {"size": _megabytes(max_bytes)},
            code="file_too_large",
        )
    if size == 0:
        raise ServiceError(_("The file is empty. Please choose a picture."), code="empty_file")

    image = _decode(upload)
    image = ImageOps.exif_transpose(image) or image
    if image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        image = image.convert("RGB")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    photo = image.copy()
    photo.thumbnail((AVATAR_MAX_SIDE, AVATAR_MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(
        image, (THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS, centering=(0.5, 0.5)
    )
    photo_bytes, ext = _encode(photo)
    thumb_bytes, thumb_ext = _encode(thumb)

    old_names = [f.name for f in (user.avatar, user.avatar_thumbnail) if f.name]
    token = uuid.uuid4().hex
    new_names: list[str] = []
    try:
        with transaction.atomic():
            user.avatar.save(f"{token}.{ext}", ContentFile(photo_bytes), save=False)
            new_names.append(user.avatar.name or "")
            user.avatar_thumbnail.save(f"{token}.{thumb_ext}", ContentFile(thumb_bytes), save=False)
            new_names.append(user.avatar_thumbnail.name or "")
            user.save(update_fields=["avatar", "avatar_thumbnail"])
    except Exception:
        storage = user.avatar.storage
        for name in new_names:
            if name:
                storage.delete(name)
        user.avatar.name, user.avatar_thumbnail.name = (
            User.objects.filter(pk=user.pk).values_list("avatar", "avatar_thumbnail").get()
        )
        raise
    _delete_files_on_commit(old_names)
    return user


def _delete_files_on_commit(names: list[str]) -> None:
    if not names:
        return
    storage = User._meta.get_field("avatar").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def avatar_remove(*, user: User) -> User:
    """Remove the profile photo and its thumbnail; initials are shown instead."""
    old_names = [f.name for f in (user.avatar, user.avatar_thumbnail) if f.name]
    if not old_names:
        return user
    with transaction.atomic():
        user.avatar = ""
        user.avatar_thumbnail = ""
        user.save(update_fields=["avatar", "avatar_thumbnail"])
        _delete_files_on_commit(old_names)
    return user


# --- Follows --------------------------------------------------------------------------------


def follow(*, follower: User, followee: User) -> Follow:
    """Follow a colleague; following someone twice changes nothing."""
    if follower.pk == followee.pk:
        raise ServiceError(_("You cannot follow yourself."), code="follow_self")
    if not followee.is_active:
        raise ServiceError(_("This person is no longer active."), code="inactive", status=404)
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        return existing
    _forget_suggestions(follower.pk)
    try:
        with transaction.atomic():
            return Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        # A second request raced us to the same row: the result is the same.
        return Follow.objects.get(follower=follower, followee=followee)


def unfollow(*, follower: User, followee: User) -> None:
    """Stop following a colleague; unfollowing someone you do not follow changes nothing."""
    if follower.pk == followee.pk:
        raise ServiceError(_("You cannot follow yourself."), code="follow_self")
    Follow.objects.filter(follower=follower, followee=followee).delete()
    _forget_suggestions(follower.pk)


def _forget_suggestions(user_id: int) -> None:
    """ "Colleagues to meet" (cached per person, people.selectors.people_to_meet) leaves out
    people one follows and ranks by one's unit, location and skills: recompute it on the next
    view. Forgotten now and again after the commit: a start page rendered between the two
    (still reading the old rows) would otherwise keep its outdated list for ten minutes."""

    keys = [f"{people_to_meet_cache_key(user_id)}:{n}" for n in (6, 8, 10, 12)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def expert_preference_set(*, user: User, from_activity: bool) -> None:
    """Whether the expert finder may suggest ``user`` from what they wrote (declared skills
    and "ask me about" topics always count)."""
    user.expert_from_activity = from_activity
    user.save(update_fields=["expert_from_activity"])
