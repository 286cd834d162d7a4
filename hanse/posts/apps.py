from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "hanse.posts"
    label = "posts"
    verbose_name = _("Posts")

    def ready(self) -> None:
        # Imported once the app registry is ready (the types' checks use the models):
        # registers the notification types of mentions, comments, reactions, community posts, announcements.
        from hanse.posts import notifications  # noqa: F401
