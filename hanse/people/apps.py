from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "hanse.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from hanse.people import (
            personal_data,  # its data export (uses the models)
            search,  # noqa: F401  # registers the searchable type (models ready)
        )

        personal_data.register()
