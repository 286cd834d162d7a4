from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "hanse.posts"
    label = "posts"
    verbose_name = _("Posts")

    def ready(self) -> None:
        # Imported once the app registry is ready (they use the models): the notification
        # types (mentions, comments, reactions, community posts, announcements) and the
        # stream's WebSocket topics.
        from hanse.posts import live, notifications  # noqa: F401

        live.register()
        from hanse.core import uploads  # after the app registry is ready
        from hanse.posts.services.attachments import ATTACHMENTS  # names the posts' models

        uploads.register(ATTACHMENTS)
        from hanse.posts import search  # noqa: F401  # registers the searchable types
