from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "hanse.posts"
    label = "posts"
    verbose_name = _("Posts")

    def ready(self) -> None:
        from hanse.core import uploads
        from hanse.posts.services.attachments import ATTACHMENTS

        uploads.register(ATTACHMENTS)
