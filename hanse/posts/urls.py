"""URLs of the stream. Each sub-domain keeps its own list; hanse/urls.py mounts them."""

from django.urls import include, path

from hanse.posts.views import announcements, files, posts

app_name = "posts"
urlpatterns = [
    path("", include(posts.urlpatterns)),
    path("files/", include(files.urlpatterns)),
    path("announcements/", include(announcements.urlpatterns)),
]
