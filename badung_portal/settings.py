"""Settings for Badung Portal, read from the environment (SPEC §10).

With nothing set the portal runs on an embedded default: SQLite and a filesystem
Celery broker under the git-ignored ``var/`` folder, DEBUG on, console e-mail.
``DJANGO_ENV=production`` switches to the secure profile and demands the secrets.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
VAR_DIR.mkdir(exist_ok=True)  # the embedded default keeps its SQLite file and queue here

PRODUCTION = env.str("DJANGO_ENV", default="development") == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    DEBUG = env.bool("DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
    DEBUG = env.bool("DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "opd",
    "complaints",
]

MIDDLEWARE = [
    # Outermost: every response, redirects and errors included, gets an id and a log line.
    "badung_portal.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "badung_portal.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "badung_portal.urls"
WSGI_APPLICATION = "badung_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request (503) in seconds instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One backend: Django's password check behind the log-in lockout (accounts/lockout.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
LOGIN_LOCKOUT_ATTEMPTS = env.int("LOGIN_LOCKOUT_ATTEMPTS", default=5)  # per username and client
LOGIN_LOCKOUT_IP_ATTEMPTS = env.int("LOGIN_LOCKOUT_IP_ATTEMPTS", default=30)  # per client
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts_home"  # staff to their dashboard, citizens to their complaints
LOGOUT_REDIRECT_URL = "complaints:home"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"  # WITA, Bali's time zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded photos: on the local disk (MEDIA_ROOT) unless S3_BUCKET names an S3-compatible
# bucket, which web processes on several hosts then share. Objects stay private: photos are
# served only through the portal's access-checked view.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }

# E-mail: SMTP when EMAIL_HOST is set, else the console.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Badung Portal <noreply@badungkab.go.id>"
)

# Redis (broker and cache) when REDIS_URL is set; otherwise an embedded fallback.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CACHES = {
        "default": {
            # Throttle counters and cached counts: misses, not errors, while Redis is down.
            "BACKEND": "badung_portal.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery"
    _queue_dir.mkdir(exist_ok=True)
    _queue_dir = str(_queue_dir)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Publishing must not hang a request when Redis is down: the outbox sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "deliver-due-notifications": {
        "task": "complaints.tasks.deliver_due",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=60.0),
    },
    "sweep-deadlines": {
        "task": "complaints.tasks.sweep_deadlines",
        "schedule": env.float("DEADLINE_SWEEP_SECONDS", default=300.0),
    },
    "camat-daily-digest": {
        "task": "complaints.tasks.send_camat_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Dashboards: newly closed complaints summed into the rollups; a full rebuild at night.
    "refresh-dashboard-rollups": {
        "task": "complaints.tasks.refresh_stats",
        "schedule": env.float("STATS_REFRESH_SECONDS", default=300.0),
    },
    "rebuild-dashboard-rollups": {
        "task": "complaints.tasks.refresh_stats",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"full": True},
    },
}

# Throttling. THROTTLE_RATES="filing=5000/hour,login=1000/hour" overrides any scope.
THROTTLE_RATES = {
    "anon": "600/minute",
    "user": "1200/minute",
    "filing": "20/hour",
    "filing_contact": "10/hour",
    "login": "10/minute",
    "lookup": "120/minute",
    "support": "30/hour",
    "suggest": "120/minute",
    "intake": "600/minute",
}
_rate_overrides = env.dict("THROTTLE_RATES", default={})
if "filing" in _rate_overrides:
    # SPEC §10's "filing=5000/hour" (load tests, benchmarks) means filing in bulk: it raises
    # the per-contact limit too unless that is given on its own.
    _rate_overrides.setdefault("filing_contact", _rate_overrides["filing"])
THROTTLE_RATES.update(_rate_overrides)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    # Proxies in front of the portal that append X-Forwarded-For: throttles, the lockout and
    # support fingerprints take the client address from there. 0: REMOTE_ADDR only, so that
    # a client cannot pick its own address; production runs behind one proxy (deploy/).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=1 if PRODUCTION else 0),
    "EXCEPTION_HANDLER": "badung_portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Badung Portal API",
    "DESCRIPTION": "Portal Pengaduan Terpadu Kabupaten Badung — public complaint API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Maps: any XYZ tile server; OpenStreetMap's public one by default (mind its usage policy).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env.str(
    "MAP_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)


def _tile_source(url):
    """The CSP source of an XYZ tile server: its scheme and host, `{s}` subdomains as `*`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


# Content Security Policy (django-csp 4): no inline or foreign script anywhere. Pages keep data
# for scripts in `json_script` blocks (type application/json, which CSP does not treat as
# script) and `data-` attributes; every script is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # No 'unsafe-inline' for styles either: Leaflet positions tiles and markers through
        # the CSSOM (element.style), which CSP allows. The one hash is the fixed <style> block
        # of drf-spectacular 0.30's Swagger UI page (/api/docs/); a browser test checks it.
        "style-src": [SELF, "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"],
        # Map tiles come from MAP_TILE_URL's server; Leaflet draws some icons from data: URIs.
        "img-src": [SELF, "data:", _tile_source(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Domain settings (SPEC §5, §6).
PORTAL_AUTO_DISPATCH = env.bool("PORTAL_AUTO_DISPATCH", default=False)
# With auto-dispatch on, the router's top category must reach this confidence (and agree with
# the citizen's choice) for a complaint to skip manual verification (SPEC §6).
PORTAL_ROUTER_AUTO_DISPATCH_CONFIDENCE = 0.7
PORTAL_VERIFICATION_DAYS = 3
PORTAL_FIRST_RESPONSE_DAYS = 5
PORTAL_DEFAULT_RESOLUTION_DAYS = 14
PORTAL_MAX_RESOLUTION_CALENDAR_DAYS = 60
PORTAL_REOPEN_WINDOW_DAYS = 10
# A worker's claim on a notification expires after this (a killed worker's mail is retried).
PORTAL_NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=300)
# SMS/WhatsApp delivery: a class with send(to, text); the default writes to the log.
PORTAL_SMS_BACKEND = env.str(
    "PORTAL_SMS_BACKEND", default="complaints.notifications.LoggingSmsBackend"
)

# Every log line carries the id of the request being served; the request log itself is one
# JSON object per line (badung_portal.middleware), for log shippers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "badung_portal.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        },
        "request_log": {"class": "logging.StreamHandler", "formatter": "json_line"},
    },
    "loggers": {
        "badung_portal.requests": {
            "handlers": ["request_log"],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes of the orchestrator talk plain HTTP to the container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"
    # Behind plain HTTP (a local trial with SECURE_SSL_REDIRECT off) upgrading would break pages.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = SECURE_SSL_REDIRECT
