"""Settings for stadtlage, read from the environment (see .env.example).

Fails fast: in production (DEBUG off) a missing or development SECRET_KEY refuses to start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("STADTLAGE_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("STADTLAGE_VAR_DIR", BASE_DIR / "var"))


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines of a .env file; the real environment wins."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(BASE_DIR / ".env")

DEV_SECRET_KEY = "dev-insecure-stadtlage-do-not-use-in-production"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("STADTLAGE_DEMO", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not DEMO_MODE:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = DEV_SECRET_KEY
if not DEBUG and not DEMO_MODE and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("The development SECRET_KEY must not be used in production.")
if DEBUG and env_bool("STADTLAGE_PRODUCTION", False):
    raise ImproperlyConfigured("DEBUG must be off when STADTLAGE_PRODUCTION is set.")
# Production defaults (HTTPS, JSON logs, the database task queue) apply unless DEBUG or demo.
PRODUCTION = not DEBUG and not DEMO_MODE

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "stadtlage.accounts",
    "stadtlage.organisations",
    "stadtlage.audit",
    "stadtlage.places",
    "stadtlage.taskforce",
    "stadtlage.patrols",
    "stadtlage.reports",
    "stadtlage.open311",
    "stadtlage.cleaning",
    "stadtlage.kpi",
    "stadtlage.privacy",
    "stadtlage.evaluation",
    "stadtlage.public",
    "stadtlage.hotspots",
    "stadtlage.home",
    "stadtlage.demo",
    "stadtlage.operations",
    "django_tasks",
]

MIDDLEWARE = [
    "stadtlage.operations.middleware.ProxyClientAddressMiddleware",
    # The client address for the audit trail, per request in a context variable (audit.context).
    "stadtlage.audit.context.ClientContextMiddleware",
    "stadtlage.operations.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL (%00) in the address, query or form: 400 in the interface's format, before any view.
    "stadtlage.operations.input_guard.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Logs every read of a page classified as showing non-public records (audit.access).
    "stadtlage.audit.access.AccessLogMiddleware",
]

ROOT_URLCONF = "stadtlage.urls"
WSGI_APPLICATION = "stadtlage.wsgi.application"

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
                "stadtlage.home.context_processors.navigation",
                "stadtlage.public.context_processors.disclosure",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "stadtlage.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend plus a fair (FIFO) write lock per database file within the process:
    # writers queue in arrival order instead of racing in SQLite's busy handler (stadtlage.db).
    _db["ENGINE"] = "stadtlage.db.sqlite3"
    _db["OPTIONS"] = {
        # WAL lets readers work while a writer commits; IMMEDIATE + timeout avoid
        # "database is locked" when concurrent requests write.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:start"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Throttling of failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "stadtlage.accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Failed sign-ins per client address (any usernames) within the same window; 0 = off.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))

# Session lifetime per role (stadtlage.accounts.session_policy): field and police roles at most
# one shift (hours, at most 12); others SESSION_MAX_HOURS, ending after SESSION_IDLE_MINUTES
# without a request (administration and data protection: SESSION_ADMIN_IDLE_MINUTES).
SESSION_SHIFT_HOURS = min(12, int(os.environ.get("SESSION_SHIFT_HOURS", "12")))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
SESSION_ADMIN_IDLE_MINUTES = int(os.environ.get("SESSION_ADMIN_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and not DEMO_MODE and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- Two-factor login and single sign-on (accounts; docs/architecture.md "Authentication") ----
# Second factor: TOTP (authenticator app) with recovery codes (django-otp), WebAuthn security
# keys and passkeys where the browser supports them (django-otp-webauthn). Required for the roles
# below and for every staff/superuser account (admin site). Not configurable from the
# environment: production cannot switch it off; tests switch it off per test (tests/conftest.py).
TWO_FACTOR_ENFORCED = True
TWO_FACTOR_ROLES = frozenset(
    {"kod_officer", "police_officer", "shift_lead", "analyst", "admin", "dpo"}
)
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "stadtlage.accounts.admin_apps.StadtlageAdminConfig"  # admin site behind the second factor
)
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]
_auth_middleware = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_auth_middleware + 1 : _auth_middleware + 1] = [
    "stadtlage.accounts.session_policy.SessionPolicyMiddleware",
    "stadtlage.accounts.address_throttle.LoginAddressThrottleMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "stadtlage.accounts.middleware.SignedInDeviceMiddleware",
    "stadtlage.accounts.middleware.SecondFactorMiddleware",
]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "stadtlage Dortmund")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each failure
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin never shows a person's TOTP secret or its QR code (config/qrcode pages answer 403;
# they also answered an unknown device with a 500).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_HELPER_CLASS = "stadtlage.accounts.webauthn.WebAuthnHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, not the first
# Relying party (host name) and allowed origins of WebAuthn; empty: the host and origin of the
# request, which ALLOWED_HOSTS has already checked (see accounts/webauthn.py).
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ALLOWED_ORIGINS", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "stadtlage.accounts.webauthn.relying_party_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = WEBAUTHN_ALLOWED_ORIGINS or [
    f"https://{host}" for host in ALLOWED_HOSTS if host and "*" not in host and host[0] != "."
]
# Single sign-on: identity providers are configured per organisation in the admin
# (accounts.IdentityProvider); the HTTP timeout of calls to them in seconds.
OIDC_HTTP_TIMEOUT = float(os.environ.get("OIDC_HTTP_TIMEOUT", "10"))

# --- Content Security Policy (django-csp), enforced on every page --------------------------
# Our own origin only: no inline scripts or styles anywhere (data reaches scripts through
# json_script / data- attributes). stadtlage.operations.csp adds the tile server of
# MAP_TILE_URL to img-src and connect-src. data: images are Leaflet's and geoman's CSS icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "stadtlage.operations.csp.PolicyMiddleware",
)

# --- HTTPS behind the TLS proxy --------------------------------------------------------------
# The proxy terminates TLS and tells Django the scheme in this header (it must overwrite a
# header sent by the client); empty = no proxy header is trusted.
_proxy_header = os.environ.get(
    "SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else ""
).strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
# Redirect http → https (on in production; false where the proxy does it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# The TLS proxy's addresses (see stadtlage.operations.middleware for the client address).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if PRODUCTION else "")
# Health checks and metrics are fetched over plain HTTP from inside the data centre.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is a decision for the owner of the whole domain (dortmund.de), not for this service.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if DEBUG or DEMO_MODE:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or DEMO_MODE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
# Files with a content hash in their name (everything the manifest storage writes) are sent
# with a ten-year `immutable` lifetime by whitenoise; names without a hash with this one.
WHITENOISE_MAX_AGE = 0 if DEBUG else int(os.environ.get("STATIC_MAX_AGE", "3600"))
# Source maps are only read by developer tools: not worth compressing at every deployment.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "stadtlage <noreply@stadtlage.invalid>")

# --- Background tasks (Django's tasks framework via the django-tasks backport) ---------------
# immediate: tasks run in the process that enqueues them (demo and development default).
# database: tasks are stored in the database and run by `stadtlage worker` (production default).
# Production default: "database" (`make serve` and the systemd units start the worker).
_TASKS_DEFAULT = "database" if PRODUCTION else "immediate"
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "").strip().lower() or _TASKS_DEFAULT
if TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "database":
    try:
        import django_tasks_db  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=database needs the package django-tasks-db "
            "(pip install 'django-tasks-db[compat]')."
        ) from exc
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be 'immediate' or 'database', got {TASKS_BACKEND!r}"
    )

# --- Cache ----------------------------------------------------------------------------------
# Shared by all processes and servers with REDIS_URL (Django's own Redis backend): rendered
# Open311 answers, their data version and the rate limits. Without it each process has its own
# (the zero-setup default of `make run`; a deploy check warns in production).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "stadtlage")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Operations: scheduled jobs, backups ----------------------------------------------------
# true: the worker also runs the scheduled jobs (make serve, the container); false where
# systemd timers run them (deploy/systemd sets it).
JOBS_IN_WORKER = env_bool("JOBS_IN_WORKER", True)
# Who may read /health/ready and /metrics (addresses or networks; the client address as
# resolved behind TRUSTED_PROXIES). /health/live is open.
MONITORING_ALLOWED_IPS = env_list("MONITORING_ALLOWED_IPS", "127.0.0.1,::1")
# Error reports to Sentry (or a compatible service such as GlitchTip) when set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        integrations=[DjangoIntegration()],
        # Privacy by design: no user data, no request bodies (reports, e-mail addresses), no
        # local variables of the failing frames; errors only, no performance traces.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0.0,
    )
# Directory of the daily backup job (empty = job off) and how many backups it keeps.
BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))

# --- Domain settings ------------------------------------------------------------------------
# Map tiles: any XYZ URL; empty disables the base map (our own layers still render).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap-Mitwirkende")
# Map tiles the field app keeps for offline use (only tiles seen online; 0 = none).
FIELD_TILE_CACHE_MAX = int(os.environ.get("FIELD_TILE_CACHE_MAX", "2000"))
# Seconds the patrol-plan solver may search (docs/hotspots.md); tests shorten it.
HOTSPOT_PLAN_TIME_LIMIT_S = float(os.environ.get("HOTSPOT_PLAN_TIME_LIMIT_S", "3"))
# Longest note to a partner value (screened, redacted and reviewed; docs/datenschutz.md).
PARTNER_NOTE_MAX_CHARS = int(os.environ.get("PARTNER_NOTE_MAX_CHARS", "140"))
# Public statistics suppress counts below this threshold (DOMAIN.md §4).
PUBLIC_MIN_COUNT = int(os.environ.get("STADTLAGE_PUBLIC_MIN_COUNT", "5"))
# --- Public face (stadtlage.public; docs/oeffentlichkeit.md) ---------------------------------
# Person-related reports are published in grid cells of this size (EPSG:25832, metres).
PUBLIC_CELL_METRES = int(os.environ.get("STADTLAGE_PUBLIC_CELL_METRES", "250"))
# Seconds a public map answer, export or open-data file may come from the cache (0 = off); a
# write invalidates at once in its own process and, with a shared cache, everywhere; other
# processes without a shared cache see it after at most this long.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
# New citizen reports reach the public pages and map after at most this many seconds (0 = at
# once): while reports arrive every second, public answers are rebuilt at most this often.
# Open311 and the staff pages always show the current data.
PUBLIC_REFRESH_SECONDS = int(os.environ.get("PUBLIC_REFRESH_SECONDS", "15" if PRODUCTION else "0"))
# Seconds the rendered tiles of the staff Lagebild may come from the cache (0 = off); every write
# to an indicator, definition, series or working group makes them stale at once.
KPI_DASHBOARD_CACHE_SECONDS = int(os.environ.get("KPI_DASHBOARD_CACHE_SECONDS", "3600"))
# Expensive anonymous requests (an export or map section that must be built, not cached) per
# client address and hour.
PUBLIC_EXPORT_LIMIT_PER_HOUR = int(os.environ.get("PUBLIC_EXPORT_LIMIT_PER_HOUR", "30"))
PUBLIC_MAP_LIMIT_PER_HOUR = int(os.environ.get("PUBLIC_MAP_LIMIT_PER_HOUR", "600"))
# Where built exports are kept (files; bounded, pruned oldest first).
PUBLIC_CACHE_DIR = Path(os.environ.get("PUBLIC_CACHE_DIR", VAR_DIR / "cache" / "public"))
# Legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit).
PUBLIC_OPERATOR = os.environ.get(
    "PUBLIC_OPERATOR", "Stadt Dortmund – Der Oberbürgermeister, Friedensplatz 1, 44135 Dortmund"
)
PUBLIC_CONTACT_EMAIL = os.environ.get("PUBLIC_CONTACT_EMAIL", "kontakt@stadtlage.invalid")
PUBLIC_CONTACT_PHONE = os.environ.get("PUBLIC_CONTACT_PHONE", "")
PUBLIC_EDITOR = os.environ.get(
    "PUBLIC_EDITOR", "Kommunales Lagezentrum, Sonderstab „Ordnung und Stadtleben“"
)
PUBLIC_DPO_CONTACT = os.environ.get(
    "PUBLIC_DPO_CONTACT",
    "Behördliche Datenschutzbeauftragte der Stadt Dortmund, Friedensplatz 1, 44135 Dortmund",
)
PUBLIC_ACCESSIBILITY_EMAIL = os.environ.get("PUBLIC_ACCESSIBILITY_EMAIL", PUBLIC_CONTACT_EMAIL)


def env_days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of days, got {raw!r}")
    return int(raw)


# --- Data protection: retention per data class (DOMAIN.md §4, docs/datenschutz.md) ---------
# Days each data class is kept; `stadtlage purge` deletes or blanks what is older (the rule of
# each class, registered in its app's `retention.py`, says from when the period counts). The
# order is the order of the purge and of its report. Keys and environment names are stable:
# the processing register and the public privacy page read them.
RETENTION_DAYS = {
    # Field records: counted from the moment of the record (patrols: from their end).
    "case_number": env_days("RETENTION_CASE_NUMBER_DAYS", 183),  # § 31 OWiG: 6 months
    "field_photo": env_days("RETENTION_FIELD_PHOTO_DAYS", 365),
    "measure": env_days("RETENTION_MEASURE_DAYS", 730),
    "observation": env_days("RETENTION_OBSERVATION_DAYS", 730),
    "patrol": env_days("RETENTION_PATROL_DAYS", 730),
    "patrol_track": env_days("RETENTION_PATROL_TRACK_DAYS", 1),
    "sync_conflict": env_days("RETENTION_SYNC_CONFLICT_DAYS", 90),
    # Citizen reports: the report stays (figures), personal parts go after closing.
    "report_text": env_days("RETENTION_REPORT_TEXT_DAYS", 365),
    "internal_note": env_days("RETENTION_INTERNAL_NOTE_DAYS", 365),
    "report_photo": env_days("RETENTION_REPORT_PHOTO_DAYS", 365),
    # After closing; at least the reporter's 14-day follow-up window (checked at start-up).
    "reporter_email": env_days("RETENTION_REPORTER_EMAIL_DAYS", 30),
    # From submission, also while the report stays open.
    "reporter_email_max": env_days("RETENTION_REPORTER_EMAIL_MAX_DAYS", 365),
    "cleaning_note": env_days("RETENTION_CLEANING_NOTE_DAYS", 365),
    "cleaning_photo": env_days("RETENTION_CLEANING_PHOTO_DAYS", 90),
    "partner_note": env_days("RETENTION_PARTNER_NOTE_DAYS", 365),
    # Staff accounts: anonymised when inactive and unused for this long.
    "staff_account": env_days("RETENTION_STAFF_ACCOUNT_DAYS", 365),
    # Signed-in devices (label, times): after sign-out, or after the last activity.
    "signed_in_device": env_days("RETENTION_SIGNED_IN_DEVICE_DAYS", 90),
    "api_client_contact": env_days("RETENTION_API_CLIENT_CONTACT_DAYS", 30),
    "audit": env_days("RETENTION_AUDIT_DAYS", 730),
    "access_log": env_days("RETENTION_ACCESS_LOG_DAYS", 365),
    "login_attempts": env_days("RETENTION_LOGIN_ATTEMPTS_DAYS", 90),
}
# Purpose and legal basis of each data class: shown by `stadtlage purge`, in the processing
# register (Art. 30 GDPR) and on the public privacy page. Police parts: DSG NRW / PolG NRW.
RETENTION_BASIS: dict[str, dict[str, Any]] = {
    "case_number": {
        "purpose": _("Zuordnung einer Maßnahme zum Verfahren der Bußgeldstelle"),
        "legal_basis": "§ 46 OWiG i. V. m. DSG NRW Teil 3; Verjährung § 31 OWiG",
    },
    "field_photo": {
        "purpose": _("Dokumentation des Zustands eines Ortes (keine Personen)"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW, § 24 OBG NRW",
    },
    "measure": {
        "purpose": _("Nachweis der Maßnahmen der Streifen und ihrer Wirkung (Lagebild)"),
        "legal_basis": "§ 24 OBG NRW i. V. m. PolG NRW; DSG NRW Teil 3 bei Ordnungswidrigkeiten",
    },
    "observation": {
        "purpose": _("Lagebild, Einsatzplanung und Kennzahlen der Ordnungspartnerschaft"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW, § 24 OBG NRW; "
        "Polizei: PolG NRW (Speicherung und Prüffristen)",
    },
    "patrol": {
        "purpose": _("Planung und Nachweis der Streifen und ihrer Präsenz"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW; "
        "Beschäftigtendaten: § 18 DSG NRW",
    },
    "patrol_track": {
        "purpose": _("Ableitung der Präsenzzeiten aus dem Standort (mit Einwilligung)"),
        "legal_basis": "Art. 6 Abs. 1 lit. a DSGVO (Einwilligung), § 18 DSG NRW",
    },
    "sync_conflict": {
        "purpose": _("Klärung abweichend erneut gesendeter Datensätze der Streifen-App"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "report_text": {
        "purpose": _("Bearbeitung von Bürgermeldungen und Veröffentlichung des Bearbeitungsstands"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "internal_note": {
        "purpose": _("Abstimmung der Bearbeitung einer Bürgermeldung"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "report_photo": {
        "purpose": _("Fotos des gemeldeten Ortes für Bearbeitung und Veröffentlichung"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "reporter_email": {
        "purpose": _("Rückmeldung an die meldende Person über den Bearbeitungsstand"),
        "legal_basis": "Art. 6 Abs. 1 lit. a DSGVO (freiwillige Angabe)",
    },
    "reporter_email_max": {
        "purpose": _("Höchstdauer für E-Mail-Adressen noch offener Meldungen"),
        "legal_basis": "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung)",
    },
    "cleaning_note": {
        "purpose": _("Reinigungsaufträge an die EDG"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "cleaning_photo": {
        "purpose": _("Nachweis einer Reinigung (Foto des Ortes, keine Personen)"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "partner_note": {
        "purpose": _("Erläuterung auffälliger Partner-Kennzahlen"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW (nur Aggregate)",
    },
    "staff_account": {
        "purpose": _("Anmeldung, Rollen und Zurechnung der Arbeit von Beschäftigten"),
        "legal_basis": "§ 18 DSG NRW (Beschäftigtendaten)",
    },
    "signed_in_device": {
        "purpose": _("Angemeldete Geräte anzeigen und aus der Ferne abmelden (verlorenes Telefon)"),
        "legal_basis": "Art. 32 DSGVO (Sicherheit der Verarbeitung), § 18 DSG NRW",
    },
    "api_client_contact": {
        "purpose": _("Erreichbarkeit der Betreiber angebundener Open311-Anwendungen"),
        "legal_basis": "Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 DSG NRW",
    },
    "audit": {
        "purpose": _("Nachweis, wer welchen Datensatz wann geändert hat"),
        "legal_basis": "Art. 5 Abs. 2, Art. 32 DSGVO; DSG NRW Teil 3 (Protokollierung)",
    },
    "access_log": {
        "purpose": _("Nachweis, wer welche nicht öffentlichen Daten wann gelesen hat"),
        "legal_basis": "Art. 32 DSGVO; DSG NRW Teil 3 (Protokollierung)",
    },
    "login_attempts": {
        "purpose": _("Schutz der Anmeldung vor Ausprobieren von Passwörtern"),
        "legal_basis": "Art. 32 DSGVO; Art. 6 Abs. 1 lit. e DSGVO",
    },
}

# --- Citizen reports (Bürgermeldungen, Open311) -------------------------------------------
# Absolute base of links that leave the site (status e-mails, Open311 media_url).
STADTLAGE_BASE_URL = os.environ.get("STADTLAGE_BASE_URL") or (
    "http://127.0.0.1:8000"
    if DEBUG or DEMO_MODE
    else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)
# False withholds every report description from the public.
STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS = env_bool("STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS", True)
# True: a description is published only after the work queue has reviewed it (saved/approved).
REPORT_DESCRIPTION_REVIEW = env_bool("REPORT_DESCRIPTION_REVIEW", False)
# Rate limits per client address and hour (fixed windows in the cache; see docs/open311.md).
OPEN311_IP_LIMIT_PER_HOUR = int(os.environ.get("OPEN311_IP_LIMIT_PER_HOUR", "60"))
REPORT_FORM_LIMIT_PER_HOUR = int(os.environ.get("REPORT_FORM_LIMIT_PER_HOUR", "20"))
# Look-ups of a reporter's own data by tracking key (see, download, delete the e-mail address).
REPORTER_DATA_LIMIT_PER_HOUR = int(os.environ.get("REPORTER_DATA_LIMIT_PER_HOUR", "60"))
ADDRESS_LOOKUP_LIMIT_PER_HOUR = int(os.environ.get("ADDRESS_LOOKUP_LIMIT_PER_HOUR", "300"))
# Seconds a rendered Open311 read may be served from the cache (0 = off); see docs/open311.md.
OPEN311_CACHE_SECONDS = int(os.environ.get("OPEN311_CACHE_SECONDS", "30"))
# Photos per web report and the size of each (they are re-encoded without metadata).
REPORT_PHOTO_MAX_COUNT = int(os.environ.get("REPORT_PHOTO_MAX_COUNT", "3"))
REPORT_PHOTO_MAX_BYTES = int(os.environ.get("REPORT_PHOTO_MAX_MB", "8")) * 1024 * 1024
# Seconds browsers and proxies may keep an approved public photo (a rejection takes effect
# after at most this long); field photos and unapproved ones are never cached.
PUBLIC_PHOTO_MAX_AGE = int(os.environ.get("PUBLIC_PHOTO_MAX_AGE", "300"))


# --- Cleaning tasks (EDG) ------------------------------------------------------------------
# Hours from a task's creation to its deadline, per kind (syringes first: children play there).
# Environment: CLEANING_DUE_HOURS_DRUG_WASTE=4 etc.
def env_hours(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of hours >= 1, got {raw!r}")
    return int(raw)


CLEANING_DUE_HOURS: dict[str, int] = {
    kind: env_hours(f"CLEANING_DUE_HOURS_{kind.upper()}", hours)
    for kind, hours in (
        ("drug_waste", 4),
        ("excrement", 24),
        ("litter", 48),
        ("bulky", 72),
        ("other", 48),
    )
}

# --- Logging --------------------------------------------------------------------------------
# One line per record on stderr (journald / the container runtime collect it): JSON in
# production (stadtlage.operations.logs), plain text in development. Every 500 is logged by
# `django.request` with its traceback.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower() or ("json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', got {LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "stadtlage.operations.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    # Loggers below propagate to the one handler of the root logger.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "stadtlage": {"level": LOG_LEVEL},
        "django": {"level": "INFO"},
        # 4xx answers are part of normal operation; 5xx are logged at ERROR with traceback.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "INFO"},
        "django_tasks": {"level": "INFO"},
        "django_tasks_db": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
