"""No table of its own: the record is generated from the other apps' models. The model only
carries the permission that a data protection officer's role is given."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingRecord(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_processing_record", _("Can view the record of processing activities")),
        ]
        verbose_name = _("record of processing activities")
        verbose_name_plural = _("records of processing activities")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
