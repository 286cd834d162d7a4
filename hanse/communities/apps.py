from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "hanse.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        # Imported once the app registry is ready (the types' checks use the models):
        # registers the notification types of join requests, invitations, role changes.
        from hanse.communities import mention_ranking, notifications, search  # noqa: F401

        # Members of the community a text is written in rank higher in @mention suggestions.
        mention_ranking.register()
        from hanse.communities import personal_data  # its data export (uses the models)

        personal_data.register()
