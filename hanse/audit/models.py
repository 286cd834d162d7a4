"""The audit log: an append-only record of security and administrative events.

Every entry carries the hash of the entry before it (a hash chain), so that altering, deleting
or reordering entries is detected by ``manage.py audit_verify``. ``AuditHead`` is one row that
holds the end of the chain; appending locks it, so that concurrent writers line up and the
chain never forks. People are stored as internal ids, never as names: the log outlives a
person's pseudonymisation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    # An id, not a foreign key: deleting or pseudonymising a person must not change the log.
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    source_ip = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("hash of the entry before"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The end of the chain: one row (pk 1), locked while an entry is appended."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    # The start of the chain after retention deleted its oldest entries: the last deleted
    # entry's number and hash. Verification starts from there, and an ``audit.pruned`` entry
    # in the chain must vouch for it (hanse/audit/retention.py).
    pruned_seq = models.PositiveBigIntegerField(default=0)
    pruned_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit log head")

    def __str__(self) -> str:
        return f"#{self.seq}"
