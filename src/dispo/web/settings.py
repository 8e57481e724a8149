"""Django settings, all from environment variables with safe defaults for the embedded demo.

DISPO_DATABASE_URL   sqlite:///path/to/db.sqlite3 (default var/dispo.sqlite3) or postgresql://user@host:port/db
DISPO_SECRET_KEY     required when DISPO_DEBUG is off
DISPO_DEBUG          1 for development (default 0)
DISPO_ALLOWED_HOSTS  comma separated (default 127.0.0.1,localhost)
DISPO_CPR_KEY        the HMAC key for CPR pseudonyms (default: a fixed demo key — never in production)
DISPO_MUNICIPALITY   the municipality code of this installation (default 999, "Eksempel Kommune")
DISPO_MUNICIPALITY_NAME
DISPO_IDLE_SECONDS   log a user out after this long without a request (default 1800)
DISPO_LOGIN_ATTEMPTS, DISPO_LOGIN_WINDOW_SECONDS, DISPO_LOGIN_LOCK_SECONDS
                     lock-out: this many failed logins within the window lock the user name (or the address)
                     for the lock time (defaults 5, 900, 900)
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DISPO_VAR_DIR", Path.cwd() / "var"))

DEBUG = os.environ.get("DISPO_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("DISPO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("DISPO_DEMO", "1") != "1":
        raise ImproperlyConfigured("DISPO_SECRET_KEY must be set outside the demo")
    SECRET_KEY = "dispo-demo-only-not-secret"
ALLOWED_HOSTS = os.environ.get("DISPO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

MUNICIPALITY = os.environ.get("DISPO_MUNICIPALITY", "999")
MUNICIPALITY_NAME = os.environ.get("DISPO_MUNICIPALITY_NAME", "Eksempel Kommune")
CPR_KEY = os.environ.get("DISPO_CPR_KEY", "dispo-demo-cpr-key").encode()


def database_from_url(url: str) -> dict[str, object]:
    """A Django DATABASES entry from a URL: sqlite:///relative/or//absolute/path or postgresql://..."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # WAL lets readers go on while a request writes its audit row; IMMEDIATE takes the write lock at the
        # start of a transaction instead of failing half-way with "database is locked".
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parsed.path[1:]) or ":memory:",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parsed.path.lstrip("/") or "dispo",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    raise ImproperlyConfigured(f"DISPO_DATABASE_URL: unknown scheme '{parsed.scheme}' (sqlite or postgresql)")


DATABASES = {
    "default": database_from_url(os.environ.get("DISPO_DATABASE_URL", f"sqlite:///{VAR_DIR / 'dispo.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dispo.store",
    "dispo.store.population",
    "dispo.store.screening",
    "dispo.store.staircases",
    "dispo.store.followups",
    "dispo.store.reviews",
    "dispo.store.sources",
    "dispo.store.knowledge",
    "dispo.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dispo.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dispo.web.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dispo.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dispo.web.context.municipality",
            ]
        },
    }
]
WSGI_APPLICATION = "dispo.web.wsgi.application"

LANGUAGE_CODE = "da"
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
# Static files are served from the package by WhiteNoise's finders; a collected copy (collectstatic) is only
# needed behind a separate web server, which then names its folder here.
STATIC_ROOT = os.environ.get("DISPO_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "followup"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("DISPO_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
DISPO_IDLE_SECONDS = int(os.environ.get("DISPO_IDLE_SECONDS", 30 * 60))
DISPO_LOGIN_ATTEMPTS = int(os.environ.get("DISPO_LOGIN_ATTEMPTS", 5))
DISPO_LOGIN_WINDOW_SECONDS = int(os.environ.get("DISPO_LOGIN_WINDOW_SECONDS", 15 * 60))
DISPO_LOGIN_LOCK_SECONDS = int(os.environ.get("DISPO_LOGIN_LOCK_SECONDS", 15 * 60))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DISPO_LOG_LEVEL", "WARNING")},
}
