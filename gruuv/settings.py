"""Gruuv settings: one module, driven by environment variables with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks_db",  # the task queue's table; the worker is `manage.py db_worker`
    "crontask",  # the scheduler that enqueues periodic tasks: `manage.py crontask`
    # The layers, from the bottom (tests/gruuv/test_layers.py holds every module to them):
    "kit",  # the toolkit: imports no app of ours
    "organizations",  # the domain: people, organizations, roles, access
    "outbox",  # every mail sent, queued in the request's transaction, sent by the worker
    "abilities",
    "milestones",
    "observations",
    "checkins",  # check-ins and their rounds, on the evidence
    "freshness",  # the features: which rows move which version of the kept pages
    "health",  # configuration health over the domain's rows
    "framework",  # framework files: export, import, their admin pages and commands
    "demo",  # the demo organizations
    "pages",  # the site's pages
    "backoffice",  # Django admin, scoped to the organizations one administers
]

MIDDLEWARE = [
    # First: a load balancer's probes skip sessions, throttling, the host check and HTTPS.
    "kit.probes.probes",
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed (static files come compressed from whitenoise); Django pads each
    # compressed page with random bytes, so its length does not leak secrets (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "kit.middleware.refuse_nul_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kit.middleware.privacy_headers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kit.middleware.LowerCaseAddresses",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: it turns a locked-out sign-in into pages.throttling.locked_out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gruuv.urls"
FORM_RENDERER = "kit.forms.FormRenderer"
WSGI_APPLICATION = "gruuv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.my_organizations",
                "pages.context_processors.section",
            ],
        },
    },
]

# SQLite file by default so `make run` needs nothing; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the task worker write the same file: a writer waits its turn (up to 20 s)
    # rather than failing, and readers are not blocked by a writer (write-ahead log).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", True):
        # Django's own psycopg pool; it requires persistent connections to be off.
        # Each connection is checked as it leaves the pool (an empty query), so one broken by
        # a database restart is replaced instead of failing the request that drew it.
        from psycopg_pool import ConnectionPool

        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = (
            {"check": ConnectionPool.check_connection}
            if env_bool("DATABASE_POOL_CHECK", True)
            else True
        )
    # PgBouncer in transaction mode cannot keep server-side cursors across transactions.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DISABLE_SERVER_SIDE_CURSORS", False
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in for an account or address that is locked out.
    "axes.backends.AxesStandaloneBackend",
    "organizations.backends.EmailOrUsernameBackend",
]

# Sign-in throttling (django-axes; see pages/throttling.py). An account locks after
# SIGNIN_FAILURES_PER_ACCOUNT failed sign-ins, an address after SIGNIN_FAILURES_PER_ADDRESS,
# each for SIGNIN_LOCKOUT_MINUTES from the last failure; a success clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURES_PER_ACCOUNT", "10"))
SIGNIN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGNIN_FAILURES_PER_ADDRESS", "100"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "pages.throttling.SigninHandler"
AXES_USERNAME_CALLABLE = "pages.throttling.signin_name"
AXES_CLIENT_IP_CALLABLE = "pages.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "pages.throttling.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # attempts span every organization; org admins must not see them
AXES_VERBOSE = False
# Behind PROXY_COUNT trusted proxies, the client's address is read from X-Forwarded-For.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# Rate limits (django-ratelimit) on forms that need no account, per client address: "N/s|m|h|d".
SIGNUP_RATE = os.environ.get("SIGNUP_RATE", "10/h")
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "20/h")
PASSWORD_RESET_PER_EMAIL_RATE = os.environ.get("PASSWORD_RESET_PER_EMAIL_RATE", "3/h")
INVITATION_RATE = os.environ.get("INVITATION_RATE", "60/h")
SIGNUP_PER_EMAIL_RATE = os.environ.get("SIGNUP_PER_EMAIL_RATE", "3/h")
ADDRESS_CHECK_RATE = os.environ.get("ADDRESS_CHECK_RATE", "120/h")
RATELIMIT_USE_CACHE = "ratelimit"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"

# Mail (invitations, password reset) through Django 6.1's MAILERS, from the classic EMAIL_*
# variables: printed to the console in development, SMTP with DEBUG off. A slow mail server
# holds a request for EMAIL_TIMEOUT seconds at most; the sender is then told it failed.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILER_OPTIONS = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILER_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    MAILER_OPTIONS = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": MAILER_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gruuv <gruuv@localhost>")
# Mail is sent by the task worker, never in a request (outbox/): a failed attempt is tried
# again after each of these delays (seconds), then recorded as failed; at most this many
# mails per organization per hour (the rest wait their turn); a queued mail whose task was
# lost is enqueued again after MAIL_LOST_AFTER.
MAIL_RETRY_DELAYS = tuple(
    int(s) for s in os.environ.get("MAIL_RETRY_DELAYS", "60,300,1800,7200,21600").split(",")
)
MAIL_PER_ORGANIZATION_PER_HOUR = int(os.environ.get("MAIL_PER_ORGANIZATION_PER_HOUR", "20000"))
MAIL_LOST_AFTER = timedelta(minutes=int(os.environ.get("MAIL_LOST_AFTER_MINUTES", "15")))

# Background work: Django's Tasks framework on the database (django-tasks-db). A request
# enqueues after its transaction commits; `manage.py db_worker` runs the tasks (`make run`
# starts one beside the server; docs/deployment.md says how many to run); `manage.py crontask`
# enqueues the periodic ones (the weekly digest, the sweep of lost mail).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CRONTASK = {"REDIS_URL": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL") else {}

# Rate-limit counters sit in their own cache, so clearing the page cache does not reset them.
# Without Redis each process counts on its own (a deploy check warns when DEBUG is off).
if os.environ.get("REDIS_URL"):
    CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": name,
            # A Redis that stops answering fails a request in seconds, and /readyz says so.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        for name in ("default", "ratelimit")
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
        for name in ("default", "ratelimit")
    }

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Self-only scripts and styles: no inline code, no CDN.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Behind a load balancer that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# In development, serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
