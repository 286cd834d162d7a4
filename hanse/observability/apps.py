from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservabilityConfig(AppConfig):
    """Logs and metrics; counts every database query of the process (``db.instrument``)."""

    name = "hanse.observability"
    label = "observability"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        # Loaded once the apps are: it counts on the database layer being set up.
        from hanse.observability import db

        connection_created.connect(db.instrument, dispatch_uid="hanse-observability-db")
