from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hanse.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Signals import models (auth, core's site configuration): not before the registry.
        from hanse.audit import signals

        signals.connect()
        # Its retention policy (hanse/core/retention.py); the module uses the models.
        from hanse.audit import retention

        retention.register()
        from hanse.audit import personal_data  # its data export (uses the models)

        personal_data.register()
