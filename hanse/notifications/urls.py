from django.urls import path

from . import views, views_push

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("preview/", views.preview, name="preview"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/preset/", views.preset_apply, name="preset"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

# Web push on this device (views_push.py); /sw.js and the manifest are in urls_pwa.py.
urlpatterns += [
    path("push/key/", views_push.vapid_public_key, name="push_key"),
    path("push/subscribe/", views_push.subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views_push.unsubscribe, name="push_unsubscribe"),
]
