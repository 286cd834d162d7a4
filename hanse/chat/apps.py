from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "hanse.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        # Registers the "chat_mention" and "direct_message" notification types.
        from hanse.chat import notifications  # noqa: F401
        from hanse.chat.uploads import CHAT_FILES
        from hanse.core import uploads

        uploads.register(CHAT_FILES)
