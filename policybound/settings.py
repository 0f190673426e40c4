"""Settings for policybound, read from ``POLICYBOUND_*`` environment variables.

Embedded mode (no database URL set) keeps everything in two SQLite files under
``POLICYBOUND_DATA_DIR``; production points ``POLICYBOUND_DATABASE_URL`` and
``POLICYBOUND_ARCHIVE_DATABASE_URL`` at two PostgreSQL databases with different credentials.
Every variable is listed in the README.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from policybound.lib.env import envbool, envint, envlist, envoptional, envpath, envsecret, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = envpath("DATA_DIR", BASE_DIR / "var")

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY") or ""
if not SECRET_KEY:
    # Embedded mode: one random key kept beside the data, so sessions survive restarts.
    from policybound.lib.secrets import data_dir_secret

    SECRET_KEY = data_dir_secret(DATA_DIR, "secret_key")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "policybound.core",  # before axes: its axes_* commands (which digest the username) take precedence
    "axes",
    "csp",
    "ninja",  # its static swagger-ui, so /api/v1/docs loads nothing from a CDN
    "policybound.policy",
    "policybound.vault",
    "policybound.audit",
    "policybound.subjects",
    "policybound.collection",
    "policybound.retention",
    "policybound.archive",
    "policybound.console",
    "policybound.site",
    "policybound.api",
    "policybound.mailer",
    "policybound.rights",
    "policybound.incidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # every response, static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "policybound.core.middleware.UnstorableTextMiddleware",  # before anything reads a value (axes too)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "policybound.urls"
WSGI_APPLICATION = "policybound.wsgi.application"

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
    }
]


def _database(url: str | None, sqlite_name: str, variable: str) -> dict[str, Any]:
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / sqlite_name),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise ImproperlyConfigured(f"POLICYBOUND_{variable} is not a database URL: {error}") from None
    if config.get("ENGINE") not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(f"POLICYBOUND_{variable} must be a postgres:// or sqlite:// URL")
    return config


DATABASES = {
    "default": _database(envoptional("DATABASE_URL"), "default.sqlite3", "DATABASE_URL"),
    "archive": _database(envoptional("ARCHIVE_DATABASE_URL"), "archive.sqlite3", "ARCHIVE_DATABASE_URL"),
}
DATABASE_ROUTERS = ["policybound.core.routers.ArchiveRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "console:login"

# Staff safeguards (안전성 확보조치 기준): lockout, idle sessions.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks (per account, per address)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "console/locked.html"
# axes keeps a keyed digest of a typed username, never the text (policybound.console.lockout); its
# success log would keep account names as they are, and the audit log records sign-ins already.
AXES_USERNAME_CALLABLE = "policybound.console.lockout.username_digest"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]  # masked in the attempt's stored form data
OTP_TOTP_ISSUER = envstr("OTP_ISSUER", "policybound")  # the name staff see in their authenticator app
# Sessions in django_session under a SHA-256 digest of their key, so a leaked row is no cookie.
SESSION_ENGINE = "policybound.console.sessions"
SESSION_COOKIE_AGE = envint("STAFF_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# TLS declared (POLICYBOUND_HTTPS=true, the site is reached over https://, usually through a proxy that
# terminates TLS): HSTS, cookies only over TLS, plain http redirected. gunicorn takes the scheme from the
# proxy's X-Forwarded-Proto when the proxy connects from FORWARDED_ALLOW_IPS (gunicorn's, default
# 127.0.0.1), so Django needs no proxy header of its own. The health check stays reachable over plain
# http for a load balancer on the inside.
HTTPS = envbool("HTTPS", False)
SECURE_COOKIES = envbool("SECURE_COOKIES", HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)

# Content-Security-Policy on every response (django-csp): this origin's own files only, no inline
# script or style (templates carry none; a test scans them), no framing, forms post only here.
# /api/v1/docs is ninja's swagger-ui from our static files; its icons are data: images in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "policybound.mailer.backends.ConsoleBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "privacy@localhost")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30, minimum=1)  # seconds; a hung SMTP server must not hold a sender
# The outbox (policybound.mailer): retries stop after this many attempts or days (the law's limit for the
# marketing-consent result is 14 days, 정보통신망법 시행령 62의2).
POLICYBOUND_MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 20, minimum=1)
POLICYBOUND_MAIL_GIVE_UP_DAYS = envint("MAIL_GIVE_UP_DAYS", 10, minimum=1)

# policybound's own settings.
POLICYBOUND_BUNDLED_POLICY = envpath("BUNDLED_POLICY", BASE_DIR / "policies" / "kt-enterprise.yaml")
POLICYBOUND_MASTER_KEY = envsecret("MASTER_KEY")
POLICYBOUND_ARCHIVE_MASTER_KEY = envsecret("ARCHIVE_MASTER_KEY")
# Older keys that may still unwrap during a rotation (comma-separated base64url); see docs/ARCHITECTURE.md.
POLICYBOUND_MASTER_KEY_OLD = envsecret("MASTER_KEY_OLD")
POLICYBOUND_ARCHIVE_MASTER_KEY_OLD = envsecret("ARCHIVE_MASTER_KEY_OLD")
# Keys blind indexes and the audit chain; never rotates with the master key.
POLICYBOUND_INDEX_KEY = envsecret("INDEX_KEY")
POLICYBOUND_FORM_RATE_LIMIT = envint("FORM_RATE_LIMIT", 10, minimum=1)  # submissions per IP per window
POLICYBOUND_FORM_RATE_WINDOW_SECONDS = envint("FORM_RATE_WINDOW_SECONDS", 600, minimum=1)
# Collection: phone numbers without a country code, confirmation links' lifetime (double opt-in is a
# property of a purpose in the policy file).
POLICYBOUND_PHONE_REGION = envstr("PHONE_REGION", "KR")
POLICYBOUND_CONFIRM_LINK_DAYS = envint("CONFIRM_LINK_DAYS", 7, minimum=1)
# A revised policy's change notice shows on every public page from its announcement until this many
# days after it takes effect (PIPA 30②: changes are published so that people can see them).
POLICYBOUND_CHANGE_NOTICE_DAYS = envint("CHANGE_NOTICE_DAYS", 30, minimum=0)
# The privacy center (policybound.rights): one-time codes, the verified session, rate limits.
POLICYBOUND_RIGHTS_CODE_MINUTES = envint("RIGHTS_CODE_MINUTES", 15, minimum=1)
POLICYBOUND_RIGHTS_CODE_ATTEMPTS = envint("RIGHTS_CODE_ATTEMPTS", 5, minimum=1)
POLICYBOUND_RIGHTS_SESSION_MINUTES = envint("RIGHTS_SESSION_MINUTES", 30, minimum=1)
POLICYBOUND_RIGHTS_ADDRESS_LIMIT = envint("RIGHTS_ADDRESS_LIMIT", 3, minimum=1)  # codes per address per window
POLICYBOUND_RIGHTS_ADDRESS_WINDOW_SECONDS = envint("RIGHTS_ADDRESS_WINDOW_SECONDS", 3600, minimum=1)
POLICYBOUND_RIGHTS_DIGEST_DAYS = envint("RIGHTS_DIGEST_DAYS", 2, minimum=0)  # the officer's daily digest
POLICYBOUND_ACCESS_LOG_RETENTION_DAYS = envint("ACCESS_LOG_RETENTION_DAYS", 730, minimum=365)
# The audit log's chains: writers queue only when more than this many write at the same moment.
POLICYBOUND_AUDIT_CHAINS = envint("AUDIT_CHAINS", 16, minimum=1)
POLICYBOUND_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Staff console: the permission-change log (3 years at least) and the monthly access-log review.
POLICYBOUND_PERMISSION_LOG_RETENTION_DAYS = envint("PERMISSION_LOG_RETENTION_DAYS", 1095, minimum=1095)
POLICYBOUND_REVIEW_MAX_VIEWS_PER_DAY = envint("REVIEW_MAX_VIEWS_PER_DAY", 200, minimum=1)
POLICYBOUND_REVIEW_MAX_REVEALS_PER_DAY = envint("REVIEW_MAX_REVEALS_PER_DAY", 30, minimum=1)
POLICYBOUND_REVIEW_MAX_DOWNLOADED_ROWS_PER_DAY = envint("REVIEW_MAX_DOWNLOADED_ROWS_PER_DAY", 500, minimum=1)
POLICYBOUND_REVIEW_WORKING_HOURS = envstr("REVIEW_WORKING_HOURS", "08:00-20:00")
POLICYBOUND_REVIEW_WORKING_DAYS = envstr("REVIEW_WORKING_DAYS", "mon,tue,wed,thu,fri")
# Breaches (PIPA 34, 시행령 39-40): notices and the report within this many hours of discovery; the
# report is due from this many people on; a homepage posting for those the mail cannot reach stays
# up this many days.
POLICYBOUND_BREACH_NOTICE_HOURS = envint("BREACH_NOTICE_HOURS", 72, minimum=1)
POLICYBOUND_BREACH_REPORT_THRESHOLD = envint("BREACH_REPORT_THRESHOLD", 1000, minimum=1)
POLICYBOUND_BREACH_POSTING_DAYS = envint("BREACH_POSTING_DAYS", 30, minimum=7)
# Business transfers (PIPA 27, 시행령 29): the homepage posting for those the mail cannot reach.
POLICYBOUND_TRANSFER_POSTING_DAYS = envint("TRANSFER_POSTING_DAYS", 30, minimum=30)

# The worker: the daily sweep's local time, how late it may finish before health reports it, and how
# long a worker may stay silent (it beats about every 30 s) before it counts as gone.
POLICYBOUND_SWEEP_TIME = envstr("SWEEP_TIME", "03:00")
try:
    dt.time.fromisoformat(POLICYBOUND_SWEEP_TIME.strip())
except ValueError:
    raise ImproperlyConfigured(f"POLICYBOUND_SWEEP_TIME must be a time of day such as 03:00, not {POLICYBOUND_SWEEP_TIME!r}") from None
POLICYBOUND_SWEEP_GRACE_MINUTES = envint("SWEEP_GRACE_MINUTES", 120, minimum=1)
POLICYBOUND_WORKER_STALE_SECONDS = envint("WORKER_STALE_SECONDS", 300, minimum=60)

# The database cache is shared by every web process, so the forms' per-IP rate limit holds across
# gunicorn workers and hosts (a per-process cache would multiply it); `policybound migrate` creates it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "policybound_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Request bodies can hold personal data: never let Django log them.
    "loggers": {"django.request": {"level": "ERROR", "propagate": True}},
}
