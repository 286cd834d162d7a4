from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "hanse.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        # Imported here, not at module level: models and services need the app registry
        # ready. Registers the "chat_mention" and "direct_message" notification types and the
        # chat:<channel> topic.
        from hanse.chat import live, notifications  # noqa: F401
        from hanse.chat.services import on_membership_ended
        from hanse.core.signals import membership_ended

        live.register()
        membership_ended.connect(on_membership_ended, dispatch_uid="hanse.chat.membership_ended")
        # The file policy names chat's models: registered once the app registry is ready.
        from hanse.chat.uploads import CHAT_FILES  # after the app registry is ready
        from hanse.core import uploads  # after the app registry is ready

        uploads.register(CHAT_FILES)
        # Recent chat partners rank first in the @mention autocomplete (models needed).
        from hanse.chat import mention_ranking

        mention_ranking.register()
        from hanse.chat import (
            interactions,  # the chat's interaction kinds (analytics)
            search,  # noqa: F401  # registers the searchable types
        )

        interactions.register()
        from hanse.chat import retention  # its retention policy (uses the models)

        retention.register()
        from hanse.chat import (
            moderation,  # noqa: F401  # registers the moderatable type
            personal_data,  # its data export (uses the models)
        )

        personal_data.register()
