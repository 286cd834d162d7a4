from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "hanse.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        # Registers the "chat_mention" and "direct_message" notification types.
        from hanse.chat import notifications  # noqa: F401
