from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "hanse.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the notification
        # types, the poll topic and the poll block on post cards (hanse/posts/extensions.py).
        from hanse.participation import cards, live, notifications  # noqa: F401

        live.register()
        live.register_townhalls()
        cards.register()
        from hanse.participation import chat_polls  # a poll in a chat message

        chat_polls.register()
        from hanse.participation import search  # noqa: F401  # registers the searchable types
        from hanse.participation.profile import profile_section
        from hanse.people import profile_sections

        profile_sections.register("praise", profile_section, order=40)
        from hanse.participation import interactions  # interaction kinds (analytics)

        interactions.register()
        from hanse.participation import personal_data  # its data export (uses the models)

        personal_data.register()
