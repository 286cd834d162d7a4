from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "hanse.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from hanse.people import search  # noqa: F401  # registers the searchable type (models ready)
