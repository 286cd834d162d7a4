"""WhiteNoise's list of static files, made once per test process instead of once per test
client.

Django's test ``Client`` builds its own middleware chain, so every new client makes a new
WhiteNoise middleware, and with ``WHITENOISE_USE_FINDERS`` (every environment but production)
that lists and stats every static file and builds a response for each: about 0.1 s per client
here, and the tests make a new client for every actor of every permission-table case. The
list depends only on the settings below, which no test changes; the files it names are read
when they are served, as before. Installed for the test processes by tests/conftest.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

_listed: dict[tuple[Any, ...], dict[str, Any]] = {}
_list_files = WhiteNoiseMiddleware.add_files_from_finders


def _key(middleware: WhiteNoiseMiddleware) -> tuple[Any, ...]:
    return (
        middleware.static_prefix,
        str(settings.STATIC_ROOT),
        tuple(str(d) for d in settings.STATICFILES_DIRS),
        tuple(settings.STATICFILES_FINDERS),
        tuple(settings.INSTALLED_APPS),
    )


def _add_files_from_finders_once(self: WhiteNoiseMiddleware) -> None:
    key = _key(self)
    listed = _listed.get(key)
    if listed is None:
        _list_files(self)
        _listed[key] = dict(self.files)
    else:
        self.files.update(listed)


def install() -> None:
    WhiteNoiseMiddleware.add_files_from_finders = _add_files_from_finders_once  # type: ignore[method-assign]
