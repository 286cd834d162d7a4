from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "hanse.realtime"
    label = "realtime"
    verbose_name = _("Real time")

    def ready(self) -> None:
        # Logout, password change and deactivation close open WebSockets (signals.py).
        from hanse.realtime import signals

        signals.connect()
