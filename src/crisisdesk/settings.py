"""One settings module, read from the environment, failing loudly on bad values."""

import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


VAR_DIR = Path(os.environ.get("CRISISDESK_VAR", PROJECT_DIR / "var"))
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("CRISISDESK_PRODUCTION", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "crisisdesk-development-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Listed for its static files only: with it, /api/docs serves Swagger UI from the package
    # instead of a CDN (the Centre's network may be cut off).
    "ninja",
    "crisisdesk.ledger",
    "crisisdesk.organization",
    "crisisdesk.accounts",
    "crisisdesk.cases",
    "crisisdesk.decisions",
    "crisisdesk.forces",
    "crisisdesk.sitreps",
    "crisisdesk.notices",
    "crisisdesk.registry",
    "crisisdesk.analytics",
    "crisisdesk.scenarios",
    "crisisdesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "crisisdesk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crisisdesk.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crisisdesk.accounts.idempotency.IdempotencyMiddleware",
    "crisisdesk.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "crisisdesk.urls"
WSGI_APPLICATION = "crisisdesk.wsgi.application"
ASGI_APPLICATION = "crisisdesk.asgi.application"

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
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'crisisdesk.sqlite3'}")
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured("DATABASE_URL must be sqlite:///PATH or postgresql://...")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue
    # instead of failing on a lock upgrade; WAL lets readers continue meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CRISISDESK_TEST_SQLITE") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("CRISISDESK_DB_POOL", True):
    # A connection pool per process: under ASGI every request would otherwise open (and close) its
    # own connection. Live streams give their connection back before they start streaming, so
    # the pool is sized for concurrent requests, not for open streams.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": env_int("CRISISDESK_DB_POOL_SIZE", 20)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# Bodies above this size are refused with 413 before any parsing.
MAX_BODY_BYTES = env_int("CRISISDESK_MAX_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
# A page's multipart upload: its files go to temporary files, and the view checks each one.
MAX_PAGE_UPLOAD_BYTES = env_int("CRISISDESK_MAX_PAGE_UPLOAD_BYTES", 64 * 1024 * 1024)

SESSION_COOKIE_AGE = env_int("CRISISDESK_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("CRISISDESK_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS

# The charter that `crisisdesk demo` and a bare `charter load` use.
DEFAULT_CHARTER = os.environ.get("CRISISDESK_CHARTER", "csto")

EMAIL_ENABLED = env_bool("EMAIL_ENABLED", False)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crisis-centre@crisisdesk.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Static files come from the app packages themselves (no collectstatic needed, no CDN), so an
# absent STATIC_ROOT is normal and WhiteNoise's warning about it is noise.
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# Content Security Policy (crisisdesk.middleware): scripts and styles only from our own static
# files, so no inline <script>, no on* attributes, no inline <style>, and no CDN. Apps that need
# more (e.g. map tiles) add sources here rather than loosening it page by page.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# -- Login and session security (issue 7) ------------------------------------------------------
# django-axes: lock a username (from one address) out after repeated failed logins. The API's
# bearer tokens do not go through password login and are not affected.
AXES_ENABLED = env_bool("CRISISDESK_AXES", True)
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["crisisdesk.accounts.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("CRISISDESK_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("CRISISDESK_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Sessions end after SESSION_COOKIE_AGE (CRISISDESK_SESSION_SECONDS) and when the browser closes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Served over HTTPS: secure cookies, HSTS, redirect plain HTTP (behind a proxy that sets the header).
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("CRISISDESK_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CRISISDESK_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REFERRER_POLICY = "same-origin"
SILENCED_SYSTEM_CHECKS = ["security.W021"] if HTTPS else []  # HSTS preload is a separate, deliberate step
# Two-factor login (django-otp, TOTP). A user with a confirmed TOTP device must give a current
# code at the login page. With CRISISDESK_REQUIRE_2FA_FOR_DELEGATES, a user holding a member
# state's (delegate) post must also have verified a second factor in the session before any
# page or session-authenticated API call (crisisdesk.web.twofactor). API bearer tokens are not
# affected: an administrator issues them (`crisisdesk token create`).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE += ["django_otp.middleware.OTPMiddleware", "crisisdesk.web.twofactor.SecondFactorMiddleware"]
CRISISDESK_REQUIRE_2FA_FOR_DELEGATES = env_bool("CRISISDESK_REQUIRE_2FA_FOR_DELEGATES", False)
# Whether users may enrol their own authenticator app on the two-factor page. A session that has
# only the password could then add a device: where that matters, set it off and let an
# administrator enrol each user (`crisisdesk otp enrol USERNAME`).
CRISISDESK_2FA_SELF_ENROL = env_bool("CRISISDESK_2FA_SELF_ENROL", True)
OTP_TOTP_ISSUER = "crisisdesk"
