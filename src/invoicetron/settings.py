"""Invoicetron's one settings module: everything comes from the environment, read at run time.

The same image serves every environment; nothing here is decided at build time. See the
configuration table in README.md for every variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from invoicetron.envconfig import Env, parse_database_url, validate_secret_key
from invoicetron.localdata import dev_secret_key

env = Env()
PACKAGE_DIR = Path(__file__).resolve().parent

# -- Mode ------------------------------------------------------------------------------------------
# Production is the default: a forgotten variable must never switch debugging on.
INVOICETRON_ENV = env.choice("INVOICETRON_ENV", ("production", "development", "test"), "production")
PRODUCTION = INVOICETRON_ENV == "production"
DEBUG = env.flag("DEBUG", default=INVOICETRON_ENV == "development")
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured(
        "DEBUG is on while INVOICETRON_ENV is production. Unset DEBUG, or set "
        "INVOICETRON_ENV=development for a local run."
    )

# -- Secret key ------------------------------------------------------------------------------------
# BETTER_AUTH_SECRET is the name the original deployment's Kubernetes secret uses.
_secret_key = env.secret("SECRET_KEY", "BETTER_AUTH_SECRET")
if _secret_key is not None:
    SECRET_KEY = validate_secret_key("SECRET_KEY", _secret_key)
elif PRODUCTION:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (BETTER_AUTH_SECRET and SECRET_KEY_FILE are accepted too). "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
else:
    SECRET_KEY = dev_secret_key()

# -- URLs, hosts and origins -----------------------------------------------------------------------


def _origin(variable: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"{variable} must be an absolute http(s) URL such as https://invoices.example.com, "
            f"got {url!r}."
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{variable} must be an origin without a path, query or fragment, got {url!r}."
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


if PRODUCTION:
    APP_URL = _origin(
        "APP_URL",
        env.required(
            "APP_URL",
            "Set it to the public URL of this installation, e.g. https://invoices.example.com.",
        ),
    )
else:
    APP_URL = _origin("APP_URL", env.text("APP_URL", "http://127.0.0.1:3000") or "")

ADDITIONAL_TRUSTED_ORIGINS = [
    _origin("ADDITIONAL_TRUSTED_ORIGINS", item) for item in env.items("ADDITIONAL_TRUSTED_ORIGINS")
]
CSRF_TRUSTED_ORIGINS = [APP_URL, *ADDITIONAL_TRUSTED_ORIGINS]
ALLOWED_HOSTS = sorted({urlsplit(origin).hostname or "" for origin in CSRF_TRUSTED_ORIGINS})
if INVOICETRON_ENV == "development":
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]
elif INVOICETRON_ENV == "test":
    ALLOWED_HOSTS += ["testserver"]  # Django's test client

HTTPS = APP_URL.startswith("https://")
TRUST_PROXY_HEADERS = env.flag("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# -- Applications ----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Trigram indexes for search (billing migration 0007); its ready() teaches indexes OpClass.
    "django.contrib.postgres",
    "axes",
    # Two-factor sign-in: authenticator-app (TOTP) devices and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "invoicetron.accounts",
    "invoicetron.health",
    "invoicetron.web",
    "invoicetron.billing",
    "invoicetron.einvoicing",
    "ninja",  # its templates and the Swagger UI assets it ships, served from /static/
    "invoicetron.api",
    "invoicetron.reports",
    # Before the apps that define jobs: its ready() collects their `tasks` modules.
    "procrastinate.contrib.django",
    "invoicetron.automation",
    "invoicetron.messaging",
    "invoicetron.quotes",
    "invoicetron.portal",
]

MIDDLEWARE = [
    # Before anything reads a body (the CSRF check parses a form before the view asks who sent it).
    "invoicetron.health.bodylimit.RequestBodyLimitMiddleware",
    # Early, so that kubelet probes (Host: <pod IP>) are answered before host validation.
    "invoicetron.health.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language) until a signed-in user's own choice replaces it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Unknown paths and wrong methods under /api/ answer in the API's JSON error shape.
    "invoicetron.api.errors.ApiErrorMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # which device, if any, verified this session
    # Sessions a second factor has not verified, and users the owner requires it of: see accounts.
    "invoicetron.accounts.middleware.TwoFactorMiddleware",
    "invoicetron.billing.language.UserLanguageMiddleware",  # the user's, else the business's
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "invoicetron.urls"
WSGI_APPLICATION = "invoicetron.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # LANGUAGE_CODE: part of every {% cache %} fragment's key.
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# -- Database --------------------------------------------------------------------------------------
_database_url = env.secret("DATABASE_URL")
if _database_url is None:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Set it to postgresql://user:password@host:5432/database, "
        "or start Invoicetron with its own CLI (`invoicetron dev`), which runs an embedded "
        "PostgreSQL 18 when DATABASE_URL is unset."
    )
_database = parse_database_url(_database_url)
DATABASES = {
    "default": {
        **_database.django_config(),
        "CONN_MAX_AGE": env.number("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        # Fail fast rather than hang when the database is unreachable.
        "OPTIONS": {
            "connect_timeout": str(env.number("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)),
            **_database.options,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- Caches ----------------------------------------------------------------------------------------
# Local memory, so each gunicorn and worker process has its own; nothing here needs sharing.
# `billing` keeps counts and dashboard figures, each checked against a change marker read from
# the database on every use (billing/caching.py), so a write by any process shows at once in all.
# `fragments` keeps pieces of billing pages (`{% cache %}` blocks keyed by that marker, e.g. the
# invoice list's rows), apart from `billing` so that many searched pages cannot push the
# dashboard's figures out. `pdfs` keeps rendered PDFs by the digest of their HTML
# (billing/pdf.py): never stale, only bounded. `sessions` keeps sessions read for seconds
# (accounts/sessions.py). `default` holds the password-reset throttle counters
# (accounts/password_reset.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "billing": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "billing",
        "OPTIONS": {"MAX_ENTRIES": 256},
    },
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 512},
    },
    "sessions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sessions",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    "pdfs": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pdfs",
        "OPTIONS": {"MAX_ENTRIES": 32},
    },
}

# -- Authentication --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock an account after repeated failures, from any address. See
# accounts/lockout.py: failures count per normalised email, with the client address behind the
# trusted proxy, and a lock ends LOGIN_LOCKOUT_MINUTES after it began whatever is tried meanwhile.
AXES_FAILURE_LIMIT = env.number("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.number("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "invoicetron.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "invoicetron.accounts.lockout.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Password reset links: single-use (they hash the password and the last sign-in) and valid this
# long, in seconds.
PASSWORD_RESET_TIMEOUT = 3600
# Two-factor sign-in (django-otp). Wrong codes count as failed sign-ins in the lockout above, with
# its message and its time; the devices' own back-off would also refuse a right code typed within
# seconds of a wrong one, without saying why, so it is off.
OTP_TOTP_ISSUER = "Invoicetron"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# -- Sessions, cookies and security headers --------------------------------------------------------
# Sessions live in the database, and each process reuses a session it read for a few seconds
# (accounts/sessions.py says why not Django's cached_db or signed cookies: signing out,
# deactivation and accounts.services.end_sessions must end a session for good).
SESSION_ENGINE = "invoicetron.accounts.sessions"
SESSION_CACHE_ALIAS = "sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = env.number("SESSION_DAYS", 14, minimum=1) * 24 * 3600
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# TLS ends at the gateway or tunnel; redirecting inside the cluster would break probes.
SECURE_SSL_REDIRECT = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# -- Request bodies --------------------------------------------------------------------------------
# Every body is capped before anything parses it (invoicetron/health/bodylimit.py): a form with an
# upload may send its file's limit plus FORM_FIELDS_BYTES, every other request at most
# DATA_UPLOAD_MAX_MEMORY_SIZE (Django's default, stated here: the 413 answers quote it).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB
FORM_FIELDS_BYTES = 64 * 1024
# path → (what is uploaded there, its limit): the forms' own MAX_LOGO_BYTES and MAX_FILE_BYTES.
UPLOAD_LIMITS = {
    "/settings/": ("the logo", 512 * 1024),
    "/data/": ("the CSV file", 5 * 1024 * 1024),
    # billing.rate_files.MAX_FILE_BYTES, on the page and through the API.
    "/settings/exchange-rates/import/": ("the rates file", 5 * 1024 * 1024),
    "/api/v1/exchange-rates/import": ("the rates file", 5 * 1024 * 1024),
}
# Uploads within those limits stay in memory: nothing a client sends is ever written to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = (
    max(limit for _what, limit in UPLOAD_LIMITS.values()) + FORM_FIELDS_BYTES
)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# -- Background jobs and email ---------------------------------------------------------------------
# Jobs live in PostgreSQL (procrastinate); `invoicetron worker` runs them. Queueing and retries:
# jobs/; the worker: automation/worker.py.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"
EMAIL_HOST = env.text("EMAIL_HOST")
EMAIL_PORT = env.number("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.text("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env.secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env.flag("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env.flag("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on; use TLS (STARTTLS, port 587) or SSL "
        "(implicit TLS, port 465), not both."
    )
EMAIL_TIMEOUT = env.number("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "Invoicetron <invoices@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Locally, without an SMTP server, emails are printed by the worker instead of sent.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if EMAIL_HOST is None and INVOICETRON_ENV == "development"
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
# Webhooks go to the owner's receivers on the internet. Loopback, private, link-local (cloud
# metadata) and other non-global addresses are refused unless this says the receivers live there.
WEBHOOKS_ALLOW_PRIVATE = env.flag("WEBHOOKS_ALLOW_PRIVATE", default=False)

# -- Static files, i18n ----------------------------------------------------------------------------
STATIC_URL = "/static/"
# Production serves what `collectstatic` gathered (the image does it at build time); local runs
# serve straight from the apps' static folders.
_static_root = env.text("STATIC_ROOT", str(PACKAGE_DIR / "staticfiles") if PRODUCTION else None)
STATIC_ROOT = Path(_static_root) if _static_root else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not PRODUCTION
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# The UI and documents speak these languages. Each app keeps its catalogues in its own `locale/`
# (`make messages` extracts them, the Makefile and the image compile them with Babel, and
# tests/test_translations.py fails when one misses a message). Which language a request gets:
# billing/language.py; documents use their client's language (billing).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
TIME_ZONE = env.text("TIME_ZONE", "UTC") or "UTC"
USE_I18N = True
USE_TZ = True

# -- Logging: one JSON object per line on stdout -------------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "filters": {"public_links": {"()": "invoicetron.portal.redaction.RedactPublicLinks"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["public_links"],  # a link's token is its credential: never in a log
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Request bodies and headers never reach the logs; 4xx noise stays out of them too.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # WeasyPrint reports every rendering step at INFO: noise, not operations news.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Procrastinate announces its task registry on every start-up, even for `--help`.
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}
