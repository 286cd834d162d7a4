from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hanse.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # why: the file type reads posts' and chat's models, ready only now
        from hanse.search import files

        files.register()
