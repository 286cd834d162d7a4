from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "hanse.identity"
    label = "identity"
    verbose_name = _("Identity and access")

    def ready(self) -> None:
        # Receivers are connected once the app registry is ready.
        from hanse.identity import signals

        signals.connect()
        # The directory sync, when LDAP_SERVER_URI turns the directory on.
        from hanse.identity.ldap import jobs
        from hanse.jobs import scheduler

        scheduler.register(*jobs.schedules())
        from hanse.identity import personal_data  # its data export (uses the models)

        personal_data.register()
