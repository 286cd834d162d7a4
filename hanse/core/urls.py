from django.urls import path

from . import jsi18n, retention_views, views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path(
        "jsi18n/<str:language>/<str:version>.js",
        jsi18n.javascript_catalog,
        name="jsi18n",
    ),
    # Retention per type: preview and confirmation (platform administrators).
    path("retention/", retention_views.page, name="retention"),
]
