"""The session store: Django's cached_db, with the browser-session choice kept.

The timeouts (hanse/identity/middleware.py) set each session's expiry as a date, so that the
store itself ends an idle session: an open WebSocket's periodic check then finds it gone
(hanse/realtime/sessions.py). A date would also make the cookie outlive the browser; a session
logged in without "Stay logged in" keeps a browser-session cookie through this flag.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

BROWSER_SESSION_KEY = "_hanse_browser_session"


class SessionStore(CachedDBStore):
    def get_expire_at_browser_close(self) -> bool:
        if self.get(BROWSER_SESSION_KEY):
            return True
        return super().get_expire_at_browser_close()
