from __future__ import annotations

import ipaddress

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.people.models import Location


def validate_network(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not an IP network such as 10.12.0.0/16."), params={"value": value}
        ) from exc


class NetworkPlace(models.Model):
    """A network of the bank's (a branch's address range): sessions from it show the branch's
    name on the sessions page instead of a truncated address."""

    network = models.CharField(
        _("network"),
        max_length=64,
        unique=True,
        validators=[validate_network],
        help_text=_("An address range in CIDR notation, e.g. 10.12.0.0/16."),
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="+", verbose_name=_("location")
    )

    class Meta:
        verbose_name = _("network of a location")
        verbose_name_plural = _("networks of locations")
        ordering = ["network"]

    def __str__(self) -> str:
        return self.network

    def as_network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(self.network, strict=False)


class ScimToken(models.Model):
    """A bearer token for the identity provider's SCIM client. Only its SHA-256 is stored; the
    value is shown once, when an administrator creates it in admin."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        "people.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ScimUser(models.Model):
    """What SCIM knows of a person beyond the account: the identity provider's id for them,
    and whether it deleted them (the account stays, deactivated; SCIM answers 404)."""

    user = models.OneToOneField(
        "people.User", on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provisioned person")
        verbose_name_plural = _("provisioned people")

    def __str__(self) -> str:
        return str(self.user_id)


class ScimGroup(models.Model):
    """A SCIM group is an org unit (docs/api.md "SCIM"); this keeps the provider's id for it."""

    org_unit = models.OneToOneField(
        "people.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="scim"
    )
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provisioned org unit")
        verbose_name_plural = _("provisioned org units")

    def __str__(self) -> str:
        return str(self.org_unit_id)


class SecondFactor(Authenticator):
    """allauth's authenticators under a German-translatable name in admin (its own model names
    are not marked for translation)."""

    class Meta:
        proxy = True
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")


class SignedInSession(UserSession):
    """allauth's session records under a German-translatable name in admin."""

    class Meta:
        proxy = True
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")


class DirectoryAccount(models.Model):
    """A person whose account comes from the LDAP directory (Active Directory): the sync keeps
    it up to date and deactivates it when the directory no longer lists it."""

    user = models.OneToOneField(
        "people.User",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="directory_account",
        verbose_name=_("person"),
    )
    dn = models.CharField(_("distinguished name"), max_length=500)
    synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    # Only accounts the sync deactivated come back when the directory lists them again; one
    # an administrator deactivated stays so.
    deactivated_by_sync = models.BooleanField(_("deactivated by the sync"), default=False)

    class Meta:
        verbose_name = _("directory account")
        verbose_name_plural = _("directory accounts")

    def __str__(self) -> str:
        return self.dn


class DirectoryGroup(models.Model):
    """What membership of a directory group means in Hanse: an org unit, a role, a community
    (any of them). Configured by administrators in admin."""

    dn = models.CharField(
        _("group DN"),
        max_length=500,
        unique=True,
        help_text=_("The group's distinguished name, e.g. cn=Filiale Nord,ou=groups,dc=bank."),
    )
    org_unit = models.ForeignKey(
        "people.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("org unit"),
        help_text=_("Members are placed in this unit."),
    )
    role = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("role"),
        help_text=_("Members hold this role; leaving the group takes it away."),
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("Members are added to this community."),
    )

    class Meta:
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")
        ordering = ["dn"]

    def __str__(self) -> str:
        return self.dn


class DirectorySyncRun(models.Model):
    """One run of the directory sync: what it changed, or why it stopped."""

    class Status(models.TextChoices):
        OK = "ok", _("Completed")
        REFUSED = "refused", _("Stopped, nothing changed")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduler")
        COMMAND = "command", _("Command line")

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    people_seen = models.PositiveIntegerField(_("people in the directory"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    deactivated = models.PositiveIntegerField(_("deactivated"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    report = models.TextField(_("report"), blank=True)

    class Meta:
        verbose_name = _("directory sync run")
        verbose_name_plural = _("directory sync runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M} {self.get_status_display()}"


class HrAccount(models.Model):
    """A person the HR import (hanse/identity/hrimport/) manages: a later file that no longer
    lists them deactivates them, and only they are brought back by a file that lists them
    again after the import deactivated them."""

    user = models.OneToOneField(
        "people.User",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hr_account",
        verbose_name=_("person"),
    )
    imported_at = models.DateTimeField(_("last imported"), null=True, blank=True)
    deactivated_by_import = models.BooleanField(_("deactivated by the HR import"), default=False)

    class Meta:
        verbose_name = _("HR account")
        verbose_name_plural = _("HR accounts")

    def __str__(self) -> str:
        return str(self.user_id)


class HrImportRun(models.Model):
    """One HR import: a preview (dry run) or the real run confirmed after it. The uploaded
    file's text is kept only until the real run has finished (it is personal data)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Preview ready")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Stopped, nothing changed")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        ADMIN = "admin", _("Admin page")
        COMMAND = "command", _("Command line")

    dry_run = models.BooleanField(_("dry run"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    trigger = models.CharField(
        _("started by"), max_length=10, choices=Trigger.choices, default=Trigger.ADMIN
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.TextField(_("file content"), blank=True)
    language = models.CharField(_("language of the report"), max_length=8, blank=True)
    created_by = models.ForeignKey(
        "people.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    preview_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmations",
        verbose_name=_("confirms the preview"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    deactivated = models.PositiveIntegerField(_("deactivated"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("HR import run")
        verbose_name_plural = _("HR import runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"HR import {self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
