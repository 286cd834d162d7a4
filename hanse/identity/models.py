from __future__ import annotations

import ipaddress

from django.core.exceptions import ValidationError
from django.db import models
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
