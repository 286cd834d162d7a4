"""django-rq (installed with Redis) under a German name in the admin.

The package gives its app no name, so the admin showed "Django_Rq"; settings install it
through this subclass, which changes nothing but the name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_rq.apps import DjangoRqAdminConfig


class RQDashboardConfig(DjangoRqAdminConfig):
    verbose_name = _("Task queue (Redis)")
