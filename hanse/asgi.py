"""ASGI entry point: HTTP through Django, WebSockets through Channels.

A WebSocket handshake is accepted only from an allowed Origin (ALLOWED_HOSTS), which stops
other sites from opening a connection with a colleague's cookies, and it is authenticated
with the ordinary session cookie.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
# Django must be set up before the consumers (and the models they import) load.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from hanse.core.admission import RequestGate  # noqa: E402
from hanse.jobs import embedded  # noqa: E402
from hanse.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # At most HTTP_CONCURRENCY requests in Django at once; the rest wait here, not in the
        # database pool (hanse/core/admission.py). The liveness probe never waits.
        "http": RequestGate(django_asgi_app, settings.HTTP_CONCURRENCY, bypass=("/healthz",)),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# The URLconf (every app's views, the API's routers and schemas) loads now, before the server
# accepts connections, not in the first requests: those waited seconds for it, each holding a
# place of HTTP_CONCURRENCY, and on a busy machine the people behind them half a minute.
get_resolver()._populate()

# Without Redis, task worker and scheduler run here, beside the server (hanse/jobs/embedded.py).
embedded.start_if_configured()

# Everything loaded so far (Django, the models, the URL and template machinery) lives as long
# as the server process: frozen, a full garbage collection no longer walks it. Unfrozen, a
# full collection in a server holding a few hundred connections took 60-200 ms with the GIL
# held, and every socket of the process waited that long for its next event (bench/chat.py).
# Young collections run less often on a larger first threshold; each one then has more,
# mostly short-lived, objects.
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 10, 10)
