"""Django settings for a Stadtlabor Hub node; every value comes from config.env."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from api.conf import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: F401  (settings of the API, kept beside it)
from config import env

CONFIG = env.load()
BASE_DIR = env.PROJECT_DIR
HUB_BASE_URL = CONFIG.base_url
HUB_DATA_DIR = CONFIG.data_dir
HUB_ALLOW_PRIVATE_PEERS = CONFIG.allow_private_peers
HUB_SYNC_INTERVAL = CONFIG.sync_interval
HUB_SYNC_TIME_BUDGET = CONFIG.sync_time_budget  # seconds one run may walk a peer's feed
HUB_SYNC_PAGE_BUDGET = CONFIG.sync_page_budget  # pages one run may read
HUB_FEDERATION = CONFIG.federation
HUB_FEDERATION_MODE = CONFIG.federation_mode  # "open", or "allowlist": only listed origins (federation.blocks)
HUB_FEDIVERSE = CONFIG.fediverse  # each public lab an ActivityPub actor that people can follow (fediverse/)
HUB_BLOCKLIST_PUBLISH = CONFIG.blocklist_publish  # serve this node's block list to its peers
# Item types this node treats as unknown when it receives them: kept unapplied until it no longer hides
# them (federation.codecs.unknown; the forward-compatibility rule of docs/protocol.md, section 8).
HUB_ITEM_TYPES_HIDDEN = CONFIG.item_types_hidden
HUB_METRICS_ALLOWED_IPS = CONFIG.metrics_allowed_ips
HUB_METRICS_TRUSTED_PROXIES = CONFIG.metrics_trusted_proxies
# Whose X-Forwarded-For names the client, for /metrics, the API's rates and the login lockout (hub.addresses).
HUB_TRUSTED_PROXIES = CONFIG.metrics_trusted_proxies
HUB_METRICS_TOKEN = CONFIG.metrics_token
HUB_PEERS_HTTPS_ONLY = CONFIG.production  # a production node contacts and admits peers over https only
# HUB_THROTTLE=off switches every request-rate limit off (load tests and benchmarks on loopback).
HUB_THROTTLE = CONFIG.throttle
HUB_THROTTLE_JOIN = CONFIG.throttle_join if HUB_THROTTLE else None  # (requests, seconds) per client address at /api/federation/join
HUB_THROTTLE_TOKEN = CONFIG.throttle_token if HUB_THROTTLE else None  # failed client authentications per address at /o/token/
# Registrations (POST /api/events/{uuid}/registrations/) per client address and, apart, per e-mail address.
HUB_THROTTLE_REGISTRATION = CONFIG.throttle_registration if HUB_THROTTLE else None
HUB_THROTTLE_IDEAS = CONFIG.throttle_ideas if HUB_THROTTLE else None  # ideas sent per client address (page and API)
# activities per client address at the fediverse inboxes that make the node fetch a signer's key it does not know
HUB_THROTTLE_INBOX_FETCH = CONFIG.throttle_inbox_fetch if HUB_THROTTLE else None
# Feedback answers per client address (the forms of the short link and of the mail); a venue's Wi-Fi shares one address.
HUB_THROTTLE_FEEDBACK = CONFIG.throttle_feedback if HUB_THROTTLE else None
# Registrations are erased this many days after their event ended; the event keeps only its counts.
HUB_REGISTRATION_RETENTION_DAYS = CONFIG.registration_retention_days
HUB_IDEA_RETENTION_DAYS = CONFIG.idea_retention_days  # days an idea's author's contact is kept (ideas.services)
HUB_CATALOG_PAGE_SIZE = CONFIG.catalog_page_size  # datasets per page of the open data catalog (/catalog)
HUB_NODE_KEY_PATH = HUB_DATA_DIR / "node-key.pem"
HUB_API_HEAD_SECONDS = 1.0  # how old the change log's head may be for anonymous API lists (api.caching)

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "oauth2_provider",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hub",
    "methods",
    "events",
    "ideas",
    "experience",
    "federation",
    "api",
    "web",
    "ops",
    "opendata",
    "fediverse",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.ProblemDetailsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateForSignedInReadersMiddleware",
    "config.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused for too many failures into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict:
    """The database settings; SQLite gets WAL, a busy timeout and write-locking transactions."""
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        database["TEST"] = {"NAME": str(HUB_DATA_DIR / "test.sqlite3")}
    elif database["ENGINE"] == "django.db.backends.postgresql":
        # Django's cursors bind on the client and are never prepared. The statements that bind on the server
        # ask for it (a confirmation from a mail's link, events/registrations/seats.py), and psycopg prepares
        # nothing while this threshold is None, Django's default.
        database.setdefault("OPTIONS", {})["prepare_threshold"] = 5
    return database


DATABASES = {"default": _database(CONFIG.database_url)}



def _shared_cache(url: str) -> dict:
    """The cache all processes of the node share: Redis, or files in a folder on this machine."""
    if url.startswith("file://"):
        # Every write lists the folder to keep it under MAX_ENTRIES: small entries only (request counts).
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": unquote(urlsplit(url).path), "KEY_PREFIX": "stadtlabor-hub", "OPTIONS": {"MAX_ENTRIES": 2000}}
    return {"BACKEND": "config.cache.SharedRedisCache", "LOCATION": url, "KEY_PREFIX": "stadtlabor-hub"}


# "default" is shared by every process (web workers, Celery): the API's request-rate counters and the
# nudge debounce must count across processes. "pages" stays in each process: the rendered API list
# pages (api.caching, at most about 500 × 70 KB) are read on every request and cheap to build again.
CACHES = {
    "default": _shared_cache(CONFIG.cache_url),
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HUB_DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "login"

# Guessing passwords (django-axes): after HUB_LOGIN_FAILURES failed sign-ins for one account from one
# address, the staff login and the admin refuse that pair for HUB_LOGIN_COOLOFF minutes; a successful
# sign-in starts the count again. Attempts are rows in the database, so every process counts alike.
# OAuth clients (peers' client credentials) authenticate at /o/token/ without Django's authenticate(),
# so they are never counted nor locked out.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = CONFIG.login_failures
AXES_COOLOFF_TIME = timedelta(minutes=CONFIG.login_cooloff_minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "hub.addresses.client_address_text"
AXES_LOCKOUT_CALLABLE = "web.views.pages.login_locked_out"
AXES_ENABLE_ADMIN = False  # operators unlock with `manage.py axes_reset_username NAME` (docs/deploy.md)
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# Mail (registrations): over SMTP from HUB_EMAIL_URL; without it, each mail is a file under
# HUB_DATA_DIR/mail/ and is printed on the console (development; `check --deploy` warns in production).
if CONFIG.mail_server is None:
    EMAIL_BACKEND = "hub.mail.FilesAndConsoleBackend"
    EMAIL_FILE_PATH = HUB_DATA_DIR / "mail"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = CONFIG.mail_server.host
    EMAIL_PORT = CONFIG.mail_server.port
    EMAIL_HOST_USER = CONFIG.mail_server.username
    EMAIL_HOST_PASSWORD = CONFIG.mail_server.password
    EMAIL_USE_TLS = CONFIG.mail_server.use_tls
    EMAIL_USE_SSL = CONFIG.mail_server.use_ssl
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = SERVER_EMAIL = CONFIG.mail_from

# Celery: the embedded default is a broker on the file system under the data directory, so a node
# runs its background work with no service at all; production sets CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = CONFIG.broker_url
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = HUB_DATA_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"  # messages appear in the queue whole (config/broker.py)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,  # seconds between looks at the queue folder (kombu's default: 1); one hop of a change costs two
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(HUB_DATA_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {}

# Security. Behind the TLS reverse proxy of docs/deploy.md in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this node only, no inline script or style
# (site.js and site.css are files), no plugins, not framed. The embedded schema.org JSON-LD is a
# data block, never executed, so script-src does not apply to it. The API's Swagger UI adds what it
# needs on its own page only (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONFIG.production:
    _https = HUB_BASE_URL.startswith("https://")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _https
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    CSRF_TRUSTED_ORIGINS = [HUB_BASE_URL]
    SECURE_HSTS_SECONDS = 31536000 if _https else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
    SECURE_HSTS_PRELOAD = _https

# One JSON object a line on stdout in production, plain lines in development; secrets redacted in both.
# Django's own loggers lose their default handlers and propagate, so every line passes the redaction.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.logging.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if CONFIG.production else "plain",
            "stream": "ext://sys.stdout" if CONFIG.production else "ext://sys.stderr",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # The beat tick queues a check for due peers every few seconds: its receipt and success
        # lines would drown what matters; failures are still logged at WARNING and above.
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
        "celery.beat": {"level": "WARNING"},
        # django-axes announces its configuration at every start and each step of its bookkeeping;
        # failed sign-ins and lockouts (WARNING, account and address masked) are what matters.
        "axes": {"level": "WARNING"},
    },
}

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": _("Read network-only items"),
        "write": _("Create, change and delete this node's items"),
        "federation": _("Pull the change feed as a peer node"),
    },
    "DEFAULT_SCOPES": ["read"],
    "SCOPES_BACKEND_CLASS": "federation.oauth.HubScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
    "PKCE_REQUIRED": True,
    "CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL": 0,
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, S256 PKCE only, tokens only
    # in headers, hashed token storage, refresh-token replay detection, `iss` in responses.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": CONFIG.production,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if CONFIG.production else ["http", "https"],
}

CELERY_BEAT_SCHEDULE["tokens-clear-expired"] = {"task": "ops.tasks.tokens_clear_expired", "schedule": 3600.0}
# Registration mails are sent as soon as the worker is nudged after a change; this sends what a nudge missed.
CELERY_BEAT_SCHEDULE["queued-mails-send"] = {"task": "events.tasks.queued_mails_send", "schedule": 60.0}
# Registrations: reminders the day before (each registration once), and erasure of what is kept no longer:
# unconfirmed registrations after 48 hours, the others HUB_REGISTRATION_RETENTION_DAYS after their event.
CELERY_BEAT_SCHEDULE["registrations-remind"] = {"task": "events.tasks.registrations_remind", "schedule": 3600.0}
# After an event, everyone who had a seat (who was checked in, when staff checked people in) is asked for feedback, once.
CELERY_BEAT_SCHEDULE["feedback-invite"] = {"task": "events.tasks.feedback_invite", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["erase-expired"] = {"task": "ops.tasks.erase_expired", "schedule": 24 * 3600.0}
# Pull from each peer when its next attempt is due (HUB_SYNC_INTERVAL after a success, backing off after
# failures); the tick is short so that nudged peers and retries are served promptly.
# Fetch the block lists this node subscribes to (new entries wait for an administrator's confirmation),
# and remove what refused origins left (after a switch to HUB_FEDERATION_MODE=allowlist).
CELERY_BEAT_SCHEDULE["governance-refresh"] = {"task": "federation.tasks.governance_refresh", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["sync-due-peers"] = {"task": "federation.tasks.sync_due_peers", "schedule": float(min(HUB_SYNC_INTERVAL, 5))}
# Documents held until their origin's key is pinned, keys learnt from relays and refused items are
# retried with backoff after every sync, and by this task when no sync runs.
CELERY_BEAT_SCHEDULE["mirror-catch-up"] = {"task": "federation.tasks.mirror_catch_up_task", "schedule": 60.0}
