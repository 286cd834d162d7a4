"""WebSocket routes: one endpoint for every live feature."""

from django.urls import path

from hanse.realtime.consumers import LiveConsumer

websocket_urlpatterns = [path("ws/", LiveConsumer.as_asgi())]
