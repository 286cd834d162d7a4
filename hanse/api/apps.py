from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "hanse.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from hanse.api import personal_data  # its data export (uses the models)

        personal_data.register()
