"""The installable app's files at the site root: a service worker controls only the paths
below its own URL, so /sw.js must not live under /notifications/ or /static/."""

from django.urls import path

from . import views_push

app_name = "pwa"
urlpatterns = [
    path("sw.js", views_push.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_push.manifest, name="manifest"),
]
