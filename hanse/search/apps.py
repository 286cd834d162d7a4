from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hanse.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the hooks that
        # follow the registered types' writes, and the index's readiness check.
        from hanse.core import health
        from hanse.search import health as search_health
        from hanse.search import hooks

        hooks.connect()
        health.register(search_health.NAME, search_health.check_search_index)
        # The "file" type (text extracted from shared files), its upload hook and sweep.
        from hanse.search import files, saved

        files.register()
        # Saved searches: their notification type and the hourly check for new results.
        saved.register()
        # Similar objects while typing (a question), asked by apps below search.
        from hanse.core import searchable
        from hanse.search.selectors import similar

        searchable.register_similar_finder(similar)
        # Saved searches in the data export; the index's part of an erasure.
        from hanse.search import personal_data

        personal_data.register()
