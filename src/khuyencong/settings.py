"""Settings for the khuyến công information system.

Everything that differs between machines comes from environment variables (see
``docs/operations.md`` for the full list). Three profiles:

* ``development`` (default, what ``make run`` uses): SQLite in ``var/``, console e-mail, and – like
  every profile – DEBUG off, so that users see the product's own 403/404/500 pages (static files
  are served by WhiteNoise); a developer who wants Django's technical pages sets ``KC_DEBUG=1``;
* ``test``: as development but fast password hashing, chosen automatically under pytest;
* ``production``: DEBUG off, secure cookies, HSTS, HTTPS redirect; refuses to start without
  ``KC_SECRET_KEY`` and ``KC_ALLOWED_HOSTS``. ``manage.py check --deploy`` is clean.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    return default if value is None else [item.strip() for item in value.split(",") if item.strip()]


PROFILE = env("KC_PROFILE") or ("test" if "pytest" in sys.modules else "development")
if PROFILE not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"KC_PROFILE must be development, test or production, not {PROFILE!r}")
PRODUCTION = PROFILE == "production"
TESTING = PROFILE == "test"

DATA_DIR = Path(env("KC_DATA_DIR", str(BASE_DIR / "var")))

# --- security -------------------------------------------------------------------------------
SECRET_KEY = env("KC_SECRET_KEY")
if SECRET_KEY is None:
    if PRODUCTION:
        raise ImproperlyConfigured("KC_SECRET_KEY is required in the production profile")
    SECRET_KEY = "development-only-key-not-for-production-use-5b1f0c2e9d7a4e3b8f6a1c0d"  # noqa: S105

# Off unless asked for: Django's technical pages list every URL pattern and setting to whoever
# meets an error, which no user of `make run` (a demonstration, a training room) should see.
DEBUG = env_bool("KC_DEBUG", default=False)
ALLOWED_HOSTS = env_list("KC_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KC_ALLOWED_HOSTS is required in the production profile")
CSRF_TRUSTED_ORIGINS = env_list("KC_CSRF_TRUSTED_ORIGINS", [])

SESSION_COOKIE_AGE = int(env("KC_SESSION_SECONDS", str(8 * 3600)))  # a working day
# Idle sessions expire: the age counts from the last activity, which SessionActivityMiddleware
# records at most every KC_SESSION_REFRESH_SECONDS (not a session write on every page view).
SESSION_SAVE_EVERY_REQUEST = False
KC_SESSION_REFRESH_SECONDS = int(env("KC_SESSION_REFRESH_SECONDS", "300"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KC_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("KC_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "khuyencong.core.admin_apps.KCAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "khuyencong.core",
    "khuyencong.documents",
    "khuyencong.geo",
    "khuyencong.orgs",
    "khuyencong.accounts",
    "khuyencong.programmes",
    "khuyencong.establishments",
    "khuyencong.projects",
    "khuyencong.reporting",
    "khuyencong.periodic",
    "khuyencong.exchange",
    "khuyencong.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "khuyencong.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khuyencong.core.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "khuyencong.core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "khuyencong.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"  # widget templates may live in our templates
WSGI_APPLICATION = "khuyencong.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khuyencong.core.context_processors.shell",
            ],
            "builtins": ["khuyencong.core.templatetags.kc"],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'khuyencong.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and the writer work at once; IMMEDIATE avoids "database is locked"
        # upgrades from read to write inside a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("KC_TEST_SQLITE", "")} if env("KC_TEST_SQLITE") else {}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 3 * 3600

AXES_FAILURE_LIMIT = int(env("KC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("KC_LOGIN_COOLOFF_MINUTES", "15")))
# Per account *at one address* – counting per account from anywhere would let anyone lock any
# account – and per client (address + browser) trying many accounts. The address is the one the
# audit trail records (behind KC_PROXY_COUNT trusted proxies, from X-Forwarded-For).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address", "user_agent"]]
AXES_CLIENT_IP_CALLABLE = "khuyencong.core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(env("KC_PROXY_COUNT", "0")) or None

# --- internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env("KC_LANGUAGE", "vi")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "kc_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("KC_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["khuyencong.formats"]

# --- static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("KC_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(env("KC_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Imports (exchange/readers.py): the largest file, the most data rows
KC_IMPORT_MAX_BYTES = int(env("KC_IMPORT_MAX_MB", "50")) * 1024 * 1024
KC_IMPORT_MAX_ROWS = int(env("KC_IMPORT_MAX_ROWS", "200000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "KC_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("KC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("KC_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("KC_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("KC_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KC_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("KC_DEFAULT_FROM_EMAIL", "khuyencong@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- caches ---------------------------------------------------------------------------------
if env("KC_REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("KC_REDIS_URL")}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background jobs (docs/adr/0007-job-queue.md) -----------------------------------------------
# django-tasks (the API of Django 6's django.tasks) with its database backend: the queue lives in the
# project's own database, so `make run` needs no other server (its worker is started beside
# runserver) and a deployment on PostgreSQL runs as many `khuyencong worker` processes as it likes.
# Tests run jobs at once, inside the request, unless KC_JOBS_QUEUED is set.
_DATABASE_QUEUE = {"BACKEND": "django_tasks_db.DatabaseBackend"}
TASKS = {
    "default": (
        {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        if TESTING and not env_bool("KC_JOBS_QUEUED", False)
        else {"BACKEND": env("KC_JOBS_BACKEND", _DATABASE_QUEUE["BACKEND"])}
    ),
    "database": _DATABASE_QUEUE,  # always the database queue (its worker test and `worker --backend`)
}
KC_JOBS_BACKEND_ALIAS = "default"
# a list export with more rows than this runs as a job with a result file instead of holding the request
KC_JOBS_EXPORT_ROWS = int(env("KC_JOBS_EXPORT_ROWS", "20000"))
# a running job whose worker on another machine has not been heard of for this long is failed
KC_JOBS_STALE_SECONDS = int(env("KC_JOBS_STALE_SECONDS", str(30 * 60)))

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "khuyencong.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["khuyencong.core.api.permissions.ScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "khuyencong.core.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "khuyencong.core.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "khuyencong.core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
    "COERCE_DECIMAL_TO_STRING": True,
    "PAGE_SIZE": 50,
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(env("KC_API_TOKEN_DAYS", "90"))),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Khuyến công API",
    "DESCRIPTION": (
        "API của Hệ thống thông tin quản lý chương trình khuyến công. "
        "Xác thực bằng token (`Authorization: Token <token>`, lấy tại /api/v1/auth/login/) "
        "hoặc phiên đăng nhập trình duyệt. Phân trang: `page`, `page_size` (tối đa 500); "
        "lọc bằng tham số trùng tên trường; `search` tìm kiếm; `ordering` sắp xếp."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # two choice sets are called "state": a periodic report's keeps the name it had, a job's has its own
    "ENUM_NAME_OVERRIDES": {
        "StateEnum": "khuyencong.periodic.models.State",
        "JobStateEnum": "khuyencong.core.models.Job.State",
        "AttachmentKindEnum": "khuyencong.projects.models.project.AttachmentKind",
        "ChangeActionEnum": "khuyencong.core.models.ObjectChange.ACTIONS",
        "ActionEnum": "khuyencong.projects.models.LineAction",
    },
}

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("KC_LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- the product ----------------------------------------------------------------------------
KC = {
    # Audit records written by management commands name this origin.
    "SYSTEM_USERNAME": "system",
}
