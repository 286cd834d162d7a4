"""Hanse settings: read from the environment here and nowhere else.

Defaults run on a laptop (SQLite in WAL mode, in-memory channel layer, database task queue,
e-mail to the console). ``DATABASE_URL`` selects PostgreSQL, ``REDIS_URL`` moves cache,
channel layer and task queue to Redis. With ``HANSE_ENV=production`` Hanse refuses to start
with DEBUG on or without a real secret key.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# pytest (8.2 and newer) sets PYTEST_VERSION, so a bare `pytest` gets test settings too.
HANSE_ENV = env_str(
    "HANSE_ENV", "test" if os.environ.get("PYTEST_VERSION") else "development"
)  # development | test | production
DEBUG = env_bool("DEBUG", HANSE_ENV == "development")
DATA_DIR = Path(env_str("HANSE_DATA_DIR", str(BASE_DIR / "var")))

# A generated key is kept in the data directory so sessions survive a restart on a laptop;
# production must configure its own.
_secret = env_str("SECRET_KEY")
if not _secret:
    if HANSE_ENV == "production":
        raise ImproperlyConfigured("SECRET_KEY must be set when HANSE_ENV=production.")
    key_file = DATA_DIR / "secret_key"
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
        _secret = key_file.read_text().strip()
    except OSError:
        _secret = secrets.token_urlsafe(50)
SECRET_KEY = _secret
if HANSE_ENV == "production" and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when HANSE_ENV=production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "channels",
    "django_tasks",
    # django_tasks_db under a translated name in the admin (hanse/jobs/task_results.py).
    "hanse.jobs.task_results.TaskResultsConfig",
    "allauth",
    "allauth.account",
    "hanse.jobs",
    "hanse.core",
    # The append-only audit log (hash chain); every app may record to it.
    "hanse.audit",
    "hanse.people",
    "hanse.communities",
    "hanse.posts",
    "hanse.chat",
    "hanse.events",
    "hanse.wiki",
    "hanse.files",
    "hanse.realtime",
    "hanse.api",
    "hanse.notifications",
    # Reports, hiding and removing content, warnings and suspensions (issue 21).
    "hanse.moderation",
    # The start page: it shows the stream, communities, events and people.
    "hanse.home",
    "hanse.onboarding",
    "hanse.circles",
    "hanse.search",
    "hanse.participation",
    # Ideas, experiments and the experiment log (issue 17).
    "hanse.ideas",
    # Consent decisions and the decision logs (issue 17).
    "hanse.decisions",
    # Network analytics (aggregates only, off until enabled): reads every app.
    "hanse.analytics",
    # GDPR Art. 15/20: a person's export of their data (reads every app's exporters).
    "hanse.privacy",
    # At the top of the layering: it writes through every app above.
    "hanse.demo",
    # The record of processing activities (Art. 30 GDPR), read from every app's models.
    "hanse.processing",
]

MIDDLEWARE = [
    # Outermost: a request's database connections go back to the pool when its response is
    # made, not after the body was sent (hanse/core/admission.py).
    "hanse.core.admission.ReleaseConnectionsMiddleware",
    "hanse.core.middleware.LivenessMiddleware",
    # Before anything asks request.is_secure(): X-Forwarded-Proto only from TRUSTED_PROXIES.
    "hanse.core.net.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy with a nonce per response; Permissions-Policy (security headers).
    "csp.middleware.CSPMiddleware",
    "hanse.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hanse.core.middleware.UserLanguageMiddleware",
    "hanse.core.middleware.UnstorableInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hanse.core.middleware.LoginRequiredMiddleware",
    # The request for audit entries written from signals (who changed a role, from where).
    "hanse.audit.context.AuditRequestMiddleware",
]

ROOT_URLCONF = "hanse.urls"
WSGI_APPLICATION = "hanse.wsgi.application"
ASGI_APPLICATION = "hanse.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hanse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hanse.core.context_processors.hanse",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# Pool sizes per process. Under ASGI every request may run on another thread, and Django's
# persistent connections are per thread: with CONN_MAX_AGE > 0 each process held dozens of
# idle connections until PostgreSQL refused new clients. A bounded pool per process returns
# each connection at the end of the request and never opens more than DATABASE_POOL_MAX_SIZE;
# a request that waits longer than DATABASE_POOL_TIMEOUT gets a 503, not a hung worker.
# Behind PgBouncer in transaction mode set DATABASE_POOL=off (see docs/operations.md).
DATABASE_POOL = env_bool("DATABASE_POOL", True)
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 2)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 10)
# psycopg's pool closes ONE idle connection above min_size per DATABASE_POOL_MAX_IDLE seconds,
# so after a burst a process is back at its floor after (max - min) x this: 40 s with the
# defaults (8 minutes with 60 s, 40 with 300 s; issue 11 asks for the floor within a minute).
# Connections in use are never idle, so a steady load keeps its connections.
DATABASE_POOL_MAX_IDLE = env_int("DATABASE_POOL_MAX_IDLE", 5)
# The name each process's connections carry in PostgreSQL's pg_stat_activity
# (application_name) and Redis's CLIENT LIST, with the process id: operators see which process
# holds how many, and the connection test counts them exactly (tests/bench/test_connections.py).
PROCESS_NAME = f"{env_str('HANSE_PROCESS_NAME', 'hanse')}-{os.getpid()}"[:63]
if DATABASE_URL:
    # conn_max_age=0: connections come from the pool (or are closed after each request).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # With the pool: a connection is checked before it is handed out, so the app recovers
        # by itself after PostgreSQL restarts.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        if DATABASE_POOL:
            DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
                "min_size": DATABASE_POOL_MIN_SIZE,
                "max_size": max(DATABASE_POOL_MAX_SIZE, DATABASE_POOL_MIN_SIZE),
                "timeout": DATABASE_POOL_TIMEOUT,
                "max_idle": DATABASE_POOL_MAX_IDLE,
                "name": "hanse",
            }
        else:
            DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
            DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        # JIT compilation costs ~20 ms on every query whose estimated cost is high, while the
        # queries of a page run in a few milliseconds.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
        DATABASES["default"]["OPTIONS"].setdefault("application_name", PROCESS_NAME)
        DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
            "TEST_DATABASE_NAME", "test_hanse"
        )
else:
    # The data directory holds the database file; a fresh installation has none yet.
    # (A read-only place at import, as in a build step, is fine: nothing opens the database.)
    with contextlib.suppress(OSError):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(DATA_DIR / "hanse.sqlite3")),
            # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades
            # that fail with "database is locked" under concurrent writers.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

# HTTP requests one process works on at once (hanse/core/admission.py); more wait for their
# turn in the event loop, without a thread, a connection or a deadline. By default as many as
# the pool has connections, so a request never waits for one behind other requests; 0: no bound.
HTTP_CONCURRENCY = env_int(
    "HTTP_CONCURRENCY",
    _pool["max_size"] if (_pool := DATABASES["default"].get("OPTIONS", {}).get("pool")) else 0,
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, task queue ------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Redis connections per process for the cache (both aliases share them); a request waits up to
# REDIS_POOL_TIMEOUT seconds for one. The channel layer holds two more (publish, subscribe).
REDIS_POOL_MAX_SIZE = env_int("REDIS_POOL_MAX_SIZE", 10)
REDIS_POOL_TIMEOUT = env_int("REDIS_POOL_TIMEOUT", 5)
# The task queues, in the order workers take from them: "live" for what a person waits to see
# (notifications, bell counts, pushes), "default" for the rest (hanse/jobs/queues.py says why).
TASK_QUEUES = ["live", "default"]
if REDIS_URL:
    # Every connection of the process (cache, sessions, channel layer, queue) names itself.
    _REDIS_NAMED_URL = f"{REDIS_URL}{'&' if '?' in REDIS_URL else '?'}client_name={PROCESS_NAME}"
    _REDIS_CACHE_OPTIONS = {
        # Django makes a cache object, and with it a connection pool, per request context;
        # one pool per process keeps the number of connections bounded (hanse/core/redispool.py).
        "pool_class": "hanse.core.redispool.SharedBlockingConnectionPool",
        "max_connections": REDIS_POOL_MAX_SIZE,
        "timeout": REDIS_POOL_TIMEOUT,
    }
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_NAMED_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hanse"),
            "OPTIONS": _REDIS_CACHE_OPTIONS,
        },
        # Rendered post cards (hanse/posts/cards.py): content-addressed, shared by processes.
        "cards": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_NAMED_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hanse") + "-cards",
            "OPTIONS": _REDIS_CACHE_OPTIONS,
        },
    }
    # Redis publish/subscribe: one PUBLISH per group_send, and each process hands it to its
    # own connections in the group from memory. (The list-based RedisChannelLayer queued
    # every event once per connection and fetched each with its own BZPOPMIN round trip: a
    # chat message to a channel of 25 members cost 25 of them, and at 200 messages/s the
    # receiving processes fell minutes behind; see docs/realtime.md.) Group membership lives
    # in the process, as long as the connection: nothing expires, nothing is left behind.
    # The subscriber reads with a timeout of its own; socket_timeout bounds PUBLISH and
    # SUBSCRIBE when Redis hangs.
    REDIS_CHANNEL_HOST = {
        "address": REDIS_URL,
        "client_name": PROCESS_NAME,
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
    }
    CHANNEL_LAYERS = {
        "default": {
            # Tells pages to catch up after a lost Redis subscription (hanse/realtime/layers.py).
            "BACKEND": "hanse.realtime.layers.ResyncingRedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_CHANNEL_HOST]},
        }
    }
    # A job running longer is ended (SIGALRM in the worker, hanse/jobs/rqworker.py).
    RQ_QUEUES = {
        name: {
            "URL": _REDIS_NAMED_URL,
            "DEFAULT_TIMEOUT": env_int("TASK_TIMEOUT_SECONDS", 180),
        }
        for name in TASK_QUEUES
    }
    # django_tasks_rq's backend on one Redis client per process (hanse/jobs/rq_backend.py).
    TASKS = {"default": {"BACKEND": "hanse.jobs.rq_backend.RQBackend", "QUEUES": TASK_QUEUES}}
    # django_rq under a translated name in the admin (hanse/jobs/rq_dashboard.py).
    INSTALLED_APPS.append("hanse.jobs.rq_dashboard.RQDashboardConfig")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hanse",
        },
        # Rendered post cards (hanse/posts/cards.py), bounded so they never push out the
        # rate limits and counts of the default cache: about 3 KB each.
        "cards": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hanse-cards",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
    # Shared by the web server and the worker and scheduler threads (HANSE_EMBEDDED_JOBS).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "hanse.realtime.memory_layer.ThreadSafeInMemoryChannelLayer"}
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
# Without Redis the web server runs the task worker and the scheduler as threads of its own
# (hanse/jobs/embedded.py): one process, so the memory cache and channel layer are shared by
# all three. Off in tests (they run tasks inline) and wherever separate worker processes run.
HANSE_EMBEDDED_JOBS = env_bool("HANSE_EMBEDDED_JOBS", not REDIS_URL and HANSE_ENV != "test")
# /readyz reports not ready when the oldest task due has waited longer than this.
READYZ_MAX_QUEUE_AGE_SECONDS = env_int("READYZ_MAX_QUEUE_AGE_SECONDS", 300)
# A failed task is tried again after 1, 2, 4 and 8 times this (hanse/jobs/retry.py).
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 60)
if HANSE_ENV == "test" and not env_bool("TASKS_REAL_QUEUE"):
    # Tests run side effects inline so they can assert them; the queue backends have tests
    # of their own.
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": TASK_QUEUES,
        }
    }

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if HANSE_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:index"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "hanse.core.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The password change page offers to revoke one's API tokens too (default on).
# A password reset by e-mail revokes them always (hanse/api/services.py password_reset).
ACCOUNT_FORMS = {
    "change_password": "hanse.api.forms.ChangePasswordForm",
    "reset_password_from_key": "hanse.api.forms.ResetPasswordKeyForm",
}
# Failed logins (LOGIN_RATE_LIMIT): the "/ip" rates count the failures from one address,
# the "/key" rates those against one account from one address (hanse/core/adapters.py).
_login_rates = env_list("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key")
ACCOUNT_RATE_LIMITS = {
    "login_failed_ip": ",".join(r for r in _login_rates if r.count("/") == 1 or r.endswith("/ip")),
    "login_failed": ",".join(
        r for r in _login_rates if r.count("/") == 2 and not r.endswith("/ip")
    ),
    # Login requests as such are not limited per IP (allauth counts successes there too): a
    # whole branch logs in from one address at nine o'clock. Failures are what is limited.
    "login": "",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# X-Forwarded-For is read only from these addresses or networks (our own nginx or load
# balancer); by default nobody is trusted and the peer address is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from exc
# Sessions are written to the database and read through the cache: one query less on every
# page, and nobody is signed out when the cache is emptied.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
# How often an open WebSocket checks that its session is still valid (docs/realtime.md).
REALTIME_SESSION_CHECK_SECONDS = env_int("REALTIME_SESSION_CHECK_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE = env_bool("SECURE_COOKIES", HANSE_ENV == "production")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # --- Security headers (issue 21): HTTPS only, remembered by browsers for a year. ---
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # nginx redirects too; this catches a proxy that forwards plain HTTP. /healthz is answered
    # before this middleware runs (LivenessMiddleware), so load balancers may probe over HTTP.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# --- Content Security Policy (django-csp, issue 21) ---
# No inline script or style without the response's nonce, no eval, nothing from other origins;
# no page of Hanse may be framed. Templates take the nonce from ``request.csp_nonce``.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Languages and time -------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hanse" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "hanse_language"

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
# Front-end packages come from npm: from node_modules in a checkout; an installed wheel has
# them under hanse/static/vendor/ (copied there by scripts/vendor_static.py in `make dist`).
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS: list[Any] = [BASE_DIR / "hanse" / "static"]
if NODE_MODULES.is_dir():
    STATICFILES_DIRS += [
        ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
        # Swagger UI for /api/v1/docs (hanse/api/docs.py), never from a CDN.
        ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
    ]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if HANSE_ENV == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = HANSE_ENV != "production"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
# Link previews fetch pages from the internet; a bank whose network allows web access only
# through a proxy turns them off (the fetcher connects directly, see hanse/posts/linkpreview.py).
LINK_PREVIEWS_ENABLED = env_bool("LINK_PREVIEWS_ENABLED", True)

# --- E-mail -------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    from urllib.parse import unquote, urlparse

    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    # No mail server: each e-mail is kept as a file to read (hanse/notifications/mailfiles.py).
    EMAIL_BACKEND = "hanse.notifications.mailfiles.FileBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hanse <hanse@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Web push ---------------------------------------------------------------------------
# Without these, `manage.py hanse_vapid` (run by `make setup`) keeps keys in the data directory.
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT")  # mailto:…; defaults to DEFAULT_FROM_EMAIL
PUSH_ALLOW_INSECURE_ENDPOINTS = False

# --- Hanse --------------------------------------------------------------------------------
HANSE_SITE_NAME = env_str("HANSE_SITE_NAME", "Hanse")
DIRECTORY_PAGE_SIZE = 24
# Chat messages one person may send per window of seconds, over every way in (page, API,
# WebSocket) and across processes (the counter lives in the cache: Redis when configured).
CHAT_SEND_RATE_LIMIT = (env_int("CHAT_SEND_RATE_LIMIT", 20), 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task run drowns the console of `make run`; failures still show.
        "django_tasks": {"level": env_str("TASK_LOG_LEVEL", "WARNING")},
        "django_tasks_db": {"level": env_str("TASK_LOG_LEVEL", "WARNING")},
    },
}

# --- Outbox rows of derived data handed to the queue in batches (chat send cost, issue 13) ---
# A search index update is queued by a thread of each process at most this many milliseconds
# after its commit, many rows in one claim and one task per type, instead of one claim and one
# task per write in the request (hanse/jobs/outbox.py, enqueue_batched_on_commit). 0: in the
# request, as every other row (tests: their assertions follow the commit at once).
OUTBOX_BATCH_MS = env_int("OUTBOX_BATCH_MS", 0 if HANSE_ENV == "test" else 50)
# --- Town halls (participation, issue 16) ---
# Upvotes reach a town hall's watchers as one push per this many milliseconds with the new
# counts (hanse/participation/live.py): 1,000 watchers and 50 votes a second would otherwise
# be 50,000 frames a second. 0 pushes every vote at once (the tests).
TOWNHALL_PUSH_MS = env_int("TOWNHALL_PUSH_MS", 0 if HANSE_ENV == "test" else 250)
# --- Operations: structured logs, request ids, metrics (docs/operations.md) ---------------
# LOG_FORMAT json (one JSON object per line; the default outside development) or console
# (readable text: `make run`). Every record, Django's and the libraries' too, goes through it.
from hanse.observability.logs import logging_config  # noqa: E402

LOG_FORMAT = env_str("LOG_FORMAT", "console" if HANSE_ENV == "development" else "json")
_ops_logging = logging_config(level=env_str("LOG_LEVEL", "INFO"), fmt=LOG_FORMAT)
_ops_logging["loggers"] = {
    **LOGGING["loggers"],  # type: ignore[dict-item]
    # One line per task run: wanted in JSON logs, noise on the console of `make run`.
    "hanse.task": {
        "level": env_str("TASK_LOG_LEVEL", "WARNING" if LOG_FORMAT == "console" else "INFO")
    },
}
LOGGING = _ops_logging
# Right after the liveness answer (probes are neither logged nor counted): a request id, one
# log line and the request metrics for everything else.
MIDDLEWARE.insert(
    MIDDLEWARE.index("hanse.core.middleware.LivenessMiddleware") + 1,
    "hanse.observability.middleware.RequestLogMiddleware",
)
# The queue backends that carry the request id into the tasks (hanse/jobs/backends.py).
_OPS_TASK_BACKENDS = {
    "django_tasks_db.DatabaseBackend": "hanse.jobs.backends.DatabaseBackend",
    "django_tasks_rq.RQBackend": "hanse.jobs.backends.RQBackend",
    "hanse.jobs.rq_backend.RQBackend": "hanse.jobs.backends.RQBackend",
}
for _tasks_alias in TASKS.values():
    _backend_path = str(_tasks_alias["BACKEND"])
    _tasks_alias["BACKEND"] = _OPS_TASK_BACKENDS.get(_backend_path, _backend_path)
INSTALLED_APPS.append("hanse.observability.apps.ObservabilityConfig")
# Caches that count hits and misses (hanse/observability/cache.py), labelled by alias.
_OPS_CACHE_BACKENDS = {
    "django.core.cache.backends.redis.RedisCache": "hanse.observability.cache.RedisCache",
    "django.core.cache.backends.locmem.LocMemCache": "hanse.observability.cache.LocMemCache",
}
for _cache_alias, _cache in CACHES.items():
    if _cache["BACKEND"] in _OPS_CACHE_BACKENDS:
        _cache["BACKEND"] = _OPS_CACHE_BACKENDS[_cache["BACKEND"]]
        _cache["OPTIONS"] = {**_cache.get("OPTIONS", {}), "HANSE_ALIAS": _cache_alias}
# Who sees /metrics and the details of /readyz: a request with
# "Authorization: Bearer $MONITORING_TOKEN", or one from MONITORING_ALLOWED_NETWORKS (the
# client address as hanse/core/net.py reads it behind TRUSTED_PROXIES). Everyone else gets
# /readyz's status only, and a 404 from /metrics.
MONITORING_TOKEN = env_str("MONITORING_TOKEN")
MONITORING_ALLOWED_NETWORKS = env_list("MONITORING_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")
# The directory whose disk Prometheus watches (hanse_data_directory_*_bytes).
MONITORING_DISK_PATHS = {"data": DATA_DIR}
# --- Identity: MFA, one's own sessions, session timeouts (hanse/identity) -----------------
# docs/security.md "Login and sessions". Appended here so that the block stays in one place.
INSTALLED_APPS += ["allauth.mfa", "allauth.usersessions", "hanse.identity"]
MIDDLEWARE += [
    # Idle and absolute timeouts: the session's expiry in the store follows them, so that an
    # open WebSocket's periodic check sees the end too. Once a minute it also records the
    # session's device, address and last activity (the sessions page).
    "hanse.identity.middleware.SessionTimeoutMiddleware",
    # A person whose role requires MFA and who has none is sent to enrolment.
    "hanse.identity.middleware.MFARequiredMiddleware",
]
# A cached_db store that keeps "Stay logged in" unticked a browser session under the timeouts.
SESSION_ENGINE = "hanse.identity.session_store"
MFA_ADAPTER = "hanse.identity.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = HANSE_SITE_NAME
# WebAuthn needs HTTPS except on localhost; development and tests run on plain HTTP.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool(
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", HANSE_ENV != "production"
)
# Who must use a second factor: "administrator" (platform administrators), "staff" (anyone
# who may open Django admin), a role (a Django group's name) or a permission
# ("app_label.codename"). Without one they are sent to enrolment after login.
# Tests ask for it where they test it (tests/identity/); elsewhere administrators sign in with
# a password only.
MFA_REQUIRED_FOR = env_list(
    "MFA_REQUIRED_FOR", "" if HANSE_ENV == "test" else "administrator,staff"
)
# Activity is recorded once a minute by hanse.identity's middleware, not on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# Idle: signed out after this long without a request. Absolute: signed out this long after
# login whatever happens. Both in seconds; 0 turns one off.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 60 * 8)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 60 * 60 * 24 * 14)
# --- Identity: LDAP / Active Directory (hanse/identity/ldap) ------------------------------
# docs/operations.md "LDAP and Active Directory". Off until LDAP_SERVER_URI is set: then
# people sign in with their directory password (local accounts keep working) and the
# scheduled sync (every LDAP_SYNC_INTERVAL seconds; 0 = only `manage.py ldap_sync`) brings
# names, e-mail, job title, phone, unit, managers and groups over and deactivates leavers.
LDAP_SERVER_URI = env_str("LDAP_SERVER_URI")  # ldap://dc1.bank.local or ldaps://…:636
LDAP_BIND_DN = env_str("LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE")
# %(user)s is what the person typed. Active Directory: (sAMAccountName=%(user)s); to keep
# disabled accounts out, AND it with (!(userAccountControl:1.2.840.113556.1.4.803:=2)).
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(uid=%(user)s)")
LDAP_USERNAME_ATTRIBUTE = env_str("LDAP_USERNAME_ATTRIBUTE", "uid")  # AD: sAMAccountName
# Profile field=directory attribute; AD: unit=department, phone=telephoneNumber.
LDAP_ATTRIBUTES = env_list(
    "LDAP_ATTRIBUTES",
    "first_name=givenName,last_name=sn,email=mail,job_title=title,phone=telephoneNumber,"
    "mobile=mobile,unit=departmentNumber,manager=manager",
)
# Groups list their members' DNs in this attribute: member (groupOfNames, Active Directory)
# or uniqueMember (groupOfUniqueNames).
LDAP_GROUP_MEMBER_ATTRIBUTE = env_str("LDAP_GROUP_MEMBER_ATTRIBUTE", "member")
# Where groups are (empty: the dc= part of LDAP_USER_SEARCH_BASE, the whole domain). The
# sign-in finds a person's groups by searching here; the sync follows only groups here.
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE")
# How many levels of groups inside a mapped group count (0: direct members only), at sign-in
# and in the sync alike; cycles are cut (hanse/identity/ldap/directory.py).
LDAP_GROUP_NESTING_DEPTH = env_int("LDAP_GROUP_NESTING_DEPTH", 5)
# Active Directory hands out a large group's members in ranges (MaxValRange, 1,500 at a time);
# Hanse always follows them. With a number here, a directory that supports ranges (AD, Samba)
# is asked for that many members at a time; 0: as many as it hands out.
LDAP_RANGE_SIZE = env_int("LDAP_RANGE_SIZE", 0)
LDAP_START_TLS = env_bool("LDAP_START_TLS")
LDAP_TLS_CA_FILE = env_str("LDAP_TLS_CA_FILE")
LDAP_TLS_REQUIRE_CERT = env_bool("LDAP_TLS_REQUIRE_CERT", True)
# Production refuses to start with a directory connection that sends passwords in the clear
# (ldap:// without LDAP_START_TLS) or does not check the certificate, unless this is on.
LDAP_ALLOW_INSECURE = env_bool("LDAP_ALLOW_INSECURE")
LDAP_TIMEOUT = env_int("LDAP_TIMEOUT", 10)
LDAP_SYNC_INTERVAL = env_int("LDAP_SYNC_INTERVAL", 60 * 60)
# A sync that would deactivate more than this share of the directory's people (and more than
# five) stops and changes nothing: a wrong search base must not lock the bank out.
LDAP_SYNC_MAX_DEACTIVATE_PERCENT = env_int("LDAP_SYNC_MAX_DEACTIVATE_PERCENT", 10)
LDAP_BACKEND = "hanse.identity.ldap.backend.DirectoryBackend"
if LDAP_SERVER_URI:
    import importlib.util

    if importlib.util.find_spec("django_auth_ldap") is None:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set, but LDAP support is not installed: apt-get install "
            "libldap2-dev libsasl2-dev, then make install (docs/operations.md)."
        )
    AUTHENTICATION_BACKENDS.append(LDAP_BACKEND)
    for _uri in LDAP_SERVER_URI.split():
        _scheme = _uri.partition("://")[0].lower()
        if _scheme not in {"ldap", "ldaps", "ldapi"}:
            raise ImproperlyConfigured(
                f"LDAP_SERVER_URI: {_uri!r} is not an ldap://, ldaps:// or ldapi:// address."
            )
        if _scheme == "ldaps" and LDAP_START_TLS:
            raise ImproperlyConfigured(
                f"LDAP_START_TLS is for ldap:// addresses; {_uri} is encrypted from the start "
                "(turn LDAP_START_TLS off, or use ldap:// with it)."
            )
        if HANSE_ENV == "production" and not LDAP_ALLOW_INSECURE:
            if _scheme == "ldap" and not LDAP_START_TLS:
                raise ImproperlyConfigured(
                    f"LDAP_SERVER_URI {_uri} without LDAP_START_TLS would send every directory "
                    "password in the clear: use ldaps://, or set LDAP_START_TLS=true "
                    "(LDAP_ALLOW_INSECURE=true accepts it, e.g. for a directory on this host)."
                )
            if _scheme != "ldapi" and not LDAP_TLS_REQUIRE_CERT:
                raise ImproperlyConfigured(
                    "LDAP_TLS_REQUIRE_CERT=false accepts any certificate, so anyone in between "
                    "can read directory passwords: set LDAP_TLS_CA_FILE to the directory's CA "
                    "instead (LDAP_ALLOW_INSECURE=true accepts it)."
                )
    if LDAP_TLS_CA_FILE and not os.path.isfile(LDAP_TLS_CA_FILE):
        raise ImproperlyConfigured(f"LDAP_TLS_CA_FILE: {LDAP_TLS_CA_FILE} is not a file.")

# --- Identity: single sign-on, OpenID Connect and SAML 2.0 (hanse/identity/sso.py) --------
# docs/operations.md "Single sign-on", docs/security.md "Login and sessions". Identity
# providers come from the environment (one OpenID provider, one SAML IdP) and/or from Django
# admin (Social applications); each gets a "Sign in with <name>" button on the login page.
INSTALLED_APPS += [
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]
# The identity adapter adds the SSO-aware MFA stage to the core one (rate limits, suspension).
ACCOUNT_ADAPTER = "hanse.identity.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "hanse.identity.sso.SocialAccountAdapter"
# The adapter decides who is matched and who is created (SSO_* below): allauth's own matching
# by e-mail is off, the sign-up form is never shown, no provider tokens are stored.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons POST (no login CSRF through a link)
# A first SSO sign-in with a verified e-mail address no account has creates the person.
SSO_AUTO_SIGNUP = env_bool("SSO_AUTO_SIGNUP", True)
# An account with a password of its own (a local break-glass administrator) is never taken
# over by an SSO identity with its e-mail address, unless this is on.
SSO_LINK_PASSWORD_ACCOUNTS = env_bool("SSO_LINK_PASSWORD_ACCOUNTS", False)
# Guests from partner organisations may sign in through the IdP (linked by verified e-mail,
# they stay guests); off: guests use the password they chose (hanse/identity/sso.py).
SSO_GUESTS = env_bool("SSO_GUESTS", False)
# On: a sign-in through the IdP counts as the second factor (the IdP enforces MFA), so
# neither the TOTP/key prompt nor MFA_REQUIRED_FOR's enrolment follows it.
SSO_COUNTS_AS_MFA = env_bool("SSO_COUNTS_AS_MFA", False)
# Off: the login page shows only the SSO buttons; /accounts/login/?password=1 still shows
# the password form (break-glass for local administrators).
LOGIN_PASSWORD_FORM = env_bool("LOGIN_PASSWORD_FORM", True)
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL")  # the issuer; /.well-known/… is appended
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_NAME = env_str("OIDC_NAME", "Single Sign-On")
OIDC_PROVIDER_ID = env_str("OIDC_PROVIDER_ID", "oidc")  # in the URL: /accounts/oidc/<id>/…
OIDC_SCOPES = env_list("OIDC_SCOPES", "openid,profile,email")
# Off: an e-mail address counts as verified only with the claim email_verified=true. Entra
# ID sends no such claim: see docs/operations.md before turning this on.
OIDC_TRUST_EMAIL = env_bool("OIDC_TRUST_EMAIL")
# Logging out of Hanse after an OpenID sign-in logs out at the provider too (its
# end_session_endpoint, when it advertises one), then comes back to Hanse's login page.
OIDC_LOGOUT = env_bool("OIDC_LOGOUT", True)
SAML_IDP_METADATA_URL = env_str("SAML_IDP_METADATA_URL")
SAML_IDP_ENTITY_ID = env_str("SAML_IDP_ENTITY_ID")
SAML_NAME = env_str("SAML_NAME", "Single Sign-On")
SAML_SLUG = env_str("SAML_SLUG", "sso")  # in the URL: /accounts/saml/<slug>/acs/
SAML_SP_ENTITY_ID = env_str("SAML_SP_ENTITY_ID")  # default: the SP metadata URL
# field=attribute name (several separated by |, the first present counts); fields: uid,
# email, email_verified, first_name, last_name, username. The default reads the claim names
# of ADFS and Entra ID and the X.500 names of Keycloak, Shibboleth and others.
SAML_ATTRIBUTES = env_list(
    "SAML_ATTRIBUTES",
    "email=http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    "|urn:oid:0.9.2342.19200300.100.1.3|urn:oid:1.2.840.113549.1.9.1|email,"
    "first_name=http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
    "|urn:oid:2.5.4.42|firstName,"
    "last_name=http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
    "|urn:oid:2.5.4.4|lastName",
)
# On: the IdP's e-mail attribute is the directory's and counts as verified (a bank's own
# ADFS, Entra ID or Keycloak); off: only with an email_verified attribute.
SAML_TRUST_EMAIL = env_bool("SAML_TRUST_EMAIL", True)
# The SP's own key and certificate (PEM files): with them Hanse signs its AuthnRequests,
# LogoutRequests and LogoutResponses (single logout, hanse/identity/slo.py), as ADFS and
# most IdPs want for logging out; the certificate is in the SP metadata for the IdP.
SAML_SP_CERT_FILE = env_str("SAML_SP_CERT_FILE")
SAML_SP_KEY_FILE = env_str("SAML_SP_KEY_FILE")
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {}
if OIDC_SERVER_URL:
    if not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured("OIDC_SERVER_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "SCOPE": OIDC_SCOPES,
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": OIDC_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "oauth_pkce_enabled": True,
                    "verified_email": OIDC_TRUST_EMAIL or None,
                },
            }
        ],
    }
if SAML_IDP_METADATA_URL:
    if not SAML_IDP_ENTITY_ID:
        raise ImproperlyConfigured("SAML_IDP_METADATA_URL needs SAML_IDP_ENTITY_ID")
    _saml_mapping: dict[str, list[str]] = {}
    for _pair in SAML_ATTRIBUTES:
        _field, _sep, _attributes = _pair.partition("=")
        _names = [name.strip() for name in _attributes.split("|") if name.strip()]
        if not _sep or not _names:
            raise ImproperlyConfigured(f"SAML_ATTRIBUTES: {_pair!r} is not field=attribute")
        _saml_mapping[_field.strip()] = _names
    _saml_advanced: dict[str, Any] = {}
    if SAML_SP_CERT_FILE or SAML_SP_KEY_FILE:
        if not (SAML_SP_CERT_FILE and SAML_SP_KEY_FILE):
            raise ImproperlyConfigured("SAML_SP_CERT_FILE and SAML_SP_KEY_FILE go together")
        try:
            _saml_advanced = {
                "x509cert": Path(SAML_SP_CERT_FILE).read_text(),
                "private_key": Path(SAML_SP_KEY_FILE).read_text(),
                "authn_request_signed": True,
                "logout_request_signed": True,
                "logout_response_signed": True,
            }
        except OSError as _error:
            raise ImproperlyConfigured(f"SAML_SP_CERT_FILE/SAML_SP_KEY_FILE: {_error}") from None
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        "APPS": [
            {
                "name": SAML_NAME,
                "client_id": SAML_SLUG,
                "settings": {
                    "attribute_mapping": _saml_mapping,
                    "idp": {"entity_id": SAML_IDP_ENTITY_ID, "metadata_url": SAML_IDP_METADATA_URL},
                    "sp": {"entity_id": SAML_SP_ENTITY_ID} if SAML_SP_ENTITY_ID else {},
                    "verified_email": SAML_TRUST_EMAIL or None,
                    **({"advanced": _saml_advanced} if _saml_advanced else {}),
                },
            }
        ],
    }

# --- Retention (issue 21, part 4; hanse/core/retention.py, docs/operations.md) -------------
# Days each type is kept; 0 keeps it forever. Nothing is deleted before a platform
# administrator confirmed the preview (retention page or `hanse_retention --confirm`).
# Chat may hold business correspondence: whether and when it goes is the bank's decision.
RETENTION_CHAT_DAYS = env_int("RETENTION_CHAT_DAYS", 0)
# Read notifications (unread ones stay); formerly NOTIFICATION_RETENTION_DAYS.
RETENTION_NOTIFICATIONS_DAYS = env_int("RETENTION_NOTIFICATIONS_DAYS", 180)
# Ten years: the longest record-keeping duty a bank has (HGB §257, AO §147).
RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", 3650)
# Content moderation removed, kept for appeals and investigations.
RETENTION_REMOVED_CONTENT_DAYS = env_int("RETENTION_REMOVED_CONTENT_DAYS", 365)

# --- Data export (GDPR Art. 15/20, issue 21; hanse/privacy) ---------------------------------
# How many days a person's export archive can be downloaded before it is deleted.
DATA_EXPORT_DAYS = env_int("DATA_EXPORT_DAYS", 7)

# --- Object storage for uploads (issue 22, item 5; hanse/core/storage.py) ------------------
# Empty S3_BUCKET: uploads stay under MEDIA_ROOT. Set: every upload (photos, attachments,
# chat and library files, wiki images, thumbnails, data exports) lives in this bucket of an
# S3-compatible store (MinIO, Ceph RGW; docs/operations.md "Object storage"). Files still
# reach browsers only through Hanse, after the permission check (docs/security.md).
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")  # e.g. https://minio.bank.internal:9000
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
S3_REGION = env_str("S3_REGION")
S3_PREFIX = env_str("S3_PREFIX")  # a folder inside the bucket, when Hanse shares it
S3_CA_BUNDLE = env_str("S3_CA_BUNDLE")  # the bank's CA for the store's TLS certificate
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")  # "virtual" for AWS-style DNS
S3_TIMEOUT = env_int("S3_TIMEOUT", 10)
if S3_BUCKET:
    from hanse.core.storage import S3_BACKEND, s3_options

    _s3_storage: dict[str, Any] = {
        "BACKEND": S3_BACKEND,
        "OPTIONS": s3_options(
            bucket=S3_BUCKET,
            endpoint_url=S3_ENDPOINT_URL,
            access_key=S3_ACCESS_KEY_ID,
            secret_key=S3_SECRET_ACCESS_KEY,
            region=S3_REGION,
            prefix=S3_PREFIX,
            ca_bundle=S3_CA_BUNDLE,
            addressing_style=S3_ADDRESSING_STYLE,
            timeout=S3_TIMEOUT,
        ),
    }
    STORAGES["default"] = _s3_storage

# --- PostgreSQL read replicas (issue 22, item 5; hanse/core/replicas.py) -------------------
# Comma-separated URLs of streaming replicas of DATABASE_URL; empty: every query uses the
# primary. Feeds, search and analytics read from a replica; writes, everything else, and the
# person who wrote in the last DATABASE_REPLICA_STICKY_SECONDS use the primary. A replica that
# is away or more than DATABASE_REPLICA_MAX_LAG_SECONDS behind is left out (checked every
# DATABASE_REPLICA_CHECK_SECONDS per process). Each has a pool like the primary's.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 10)
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 30)
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 5)
# A replica that is down must not hold a request for the primary's 10 s pool timeout.
DATABASE_REPLICA_POOL_TIMEOUT = env_int("DATABASE_REPLICA_POOL_TIMEOUT", 2)
DATABASE_REPLICAS: list[str] = []
if DATABASE_REPLICA_URLS:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs PostgreSQL in DATABASE_URL.")
    for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
        _alias = f"replica{_number}"
        _replica = dj_database_url.parse(_url, conn_max_age=0)
        _replica["CONN_HEALTH_CHECKS"] = True
        _options = dict(DATABASES["default"].get("OPTIONS", {}))
        if "pool" in _options:
            _options["pool"] = {
                **_options["pool"],
                "name": f"hanse-{_alias}",
                "timeout": DATABASE_REPLICA_POOL_TIMEOUT,
            }
        else:
            _replica["DISABLE_SERVER_SIDE_CURSORS"] = True
        _options["connect_timeout"] = DATABASE_REPLICA_POOL_TIMEOUT
        _replica["OPTIONS"] = {**_options, **_replica.get("OPTIONS", {})}
        # Tests: the replica is the test database itself (no second copy to create).
        _replica["TEST"] = {"MIRROR": "default"}
        DATABASES[_alias] = _replica
        DATABASE_REPLICAS.append(_alias)
    DATABASE_ROUTERS = ["hanse.core.replicas.ReplicaRouter"]
# Knows the person of the request and pins writers to the primary; a no-op without replicas.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "hanse.core.replicas.ReplicaMiddleware",
)
# --- HR import (issue 20; hanse/identity/hrimport/, docs/operations.md "HR import") -----------
# A file that would deactivate more than this share of the people the HR import manages (and
# more than five) changes nothing; uploads above HR_IMPORT_MAX_BYTES are refused.
HR_IMPORT_MAX_DEACTIVATE_PERCENT = env_int("HR_IMPORT_MAX_DEACTIVATE_PERCENT", 10)
HR_IMPORT_MAX_BYTES = env_int("HR_IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# --- Rate limits (issue 20; hanse/core/ratelimit.py, docs/operations.md "Rate limits") --------
# Every limit in one place: RATE_LIMITS="post=10/m;comment=60/10m" overrides the defaults
# below (entries separated by semicolons; a rate is N/period: 20/10s, 10/m, 30/5m, 100/h,
# 1000/d; 0 switches a limit off). Counted in the cache, so across every app process when
# Redis is configured.
RATE_LIMITS: dict[str, str] = {
    # Failed sign-ins, counted by allauth: per address ("/ip") and per account and address.
    "login_failed": ",".join(_login_rates),
    # Password reset e-mails asked for (allauth: per address, and per e-mail address).
    "password_reset": ACCOUNT_RATE_LIMITS["reset_password"],
    # Personal access tokens created, per person.
    "api_token_create": "10/h",
    # Requests with an unknown, revoked or expired token, per client address.
    "api_token_failed": "30/m",
    # Invalid back-channel logout tokens sent to Hanse, per client address.
    "oidc_logout_failed": "30/m",
    # Posts and comments written, per person (pages and API; imports and the demo are not).
    "post": "20/10m",
    "comment": "60/10m",
    # Chat messages sent, per person (page, API and WebSocket).
    "chat": f"{CHAT_SEND_RATE_LIMIT[0]}/{CHAT_SEND_RATE_LIMIT[1]}s",
}
for _item in env_str("RATE_LIMITS").split(";"):
    _name, _sep, _value = _item.partition("=")
    if _sep and _name.strip():
        RATE_LIMITS[_name.strip()] = _value.strip()
# allauth reads its own settings: they follow RATE_LIMITS.
_login_rates = [r.strip() for r in RATE_LIMITS["login_failed"].split(",") if r.strip()]
ACCOUNT_RATE_LIMITS["login_failed_ip"] = ",".join(
    r for r in _login_rates if r.count("/") == 1 or r.endswith("/ip")
)
ACCOUNT_RATE_LIMITS["login_failed"] = ",".join(
    r for r in _login_rates if r.count("/") == 2 and not r.endswith("/ip")
)
ACCOUNT_RATE_LIMITS["reset_password"] = RATE_LIMITS["password_reset"]
# A RateLimited raised by a view becomes the 429 page (or the API's JSON) with Retry-After.
MIDDLEWARE.append("hanse.core.ratelimit.RateLimitMiddleware")
# --- Guests from partner organisations (issue 20, hanse/guests, docs/security.md "Guests") -----
INSTALLED_APPS.append("hanse.guests")
# After authentication: a guest reaches none of the pages closed to guests (404), and an
# expired guest is signed out and deactivated on their next request.
MIDDLEWARE.insert(
    MIDDLEWARE.index("hanse.core.middleware.LoginRequiredMiddleware") + 1,
    "hanse.guests.middleware.GuestBoundaryMiddleware",
)
# Days an invitation link works; default and longest guest access.
GUEST_INVITATION_DAYS = env_int("GUEST_INVITATION_DAYS", 14)
GUEST_ACCESS_DAYS = env_int("GUEST_ACCESS_DAYS", 90)
GUEST_ACCESS_MAX_DAYS = env_int("GUEST_ACCESS_MAX_DAYS", 366)
