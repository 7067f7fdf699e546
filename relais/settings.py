"""Settings, read from the environment (see README, "Configuration").

Long on purpose: one settings file, healthchecks-style, where an operator finds every setting.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from core import keys

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def envbool(name: str, default: str = "False") -> bool:
    """A yes or a no; anything else stops start-up (a typo must not read as False)."""
    value = os.getenv(name, default).strip().lower()
    if value not in TRUE + FALSE:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}.")
    return value in TRUE


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


RELAIS_ENV = os.getenv("RELAIS_ENV", "development")
if RELAIS_ENV not in ("development", "production"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("RELAIS_ENV must be 'development' or 'production'.")
PRODUCTION = RELAIS_ENV == "production"
VAR_DIR = Path(os.getenv("RELAIS_VAR_DIR", BASE_DIR / "var"))

_secrets = keys.load(os.environ, VAR_DIR, PRODUCTION)
SECRET_KEY = _secrets.secret_key
RELAIS_FIELD_KEYS = _secrets.field_keys
RELAIS_AUDIT_KEY = _secrets.audit_key
RELAIS_SIGNING_KEY = _secrets.signing_key
RELAIS_CHECKPOINT_KEY = _secrets.checkpoint_key
RELAIS_CHECKPOINT_PUBLIC_KEY = _secrets.checkpoint_public_key

DEBUG = envbool("DEBUG", "False" if PRODUCTION else "True")
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    # Its error pages show what a request held: a note, an address.
    raise ImproperlyConfigured("DEBUG cannot be on in production (RELAIS_ENV=production).")
# An error answer after a write the view did not undo raises (tests, development) rather than being
# only logged and rolled back (production): see audit.recorder.error_answer.
RELAIS_STRICT_ROLLBACK = envbool("RELAIS_STRICT_ROLLBACK", "False" if PRODUCTION else "True")
# Behind this many reverse proxies, the client's address is read from X-Forwarded-For (see
# web.client_address); with none, that header is ignored.
RELAIS_TRUSTED_PROXIES = envint("RELAIS_TRUSTED_PROXIES", "0")
ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "relais.apps.RelaisAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "teams",
    "records",
    "consent",
    # Before audit: its export_audit adds --fhir to the log's own command.
    "interop",
    "audit",
    "relais",
]

MIDDLEWARE = [
    # First: every later layer sees the client's real address (from the trusted proxies only).
    "web.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "web.request_guards.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.request_guards.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.middleware.AuditedRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "web.error_responses.PageErrorsMiddleware",
]

ROOT_URLCONF = "relais.urls"
WSGI_APPLICATION = "relais.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "relais" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "teams.context_processors.roles",
                "consent.context_processors.acting_for",
            ],
        },
    },
]

# Widgets rendered by Jinja2 where Django ships their templates so (web.form_renderer): the same
# HTML, in a fraction of the time (issue "Faster still").
FORM_RENDERER = "web.form_renderer.JinjaWidgets"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{VAR_DIR / 'relais.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "relais.db.sqlite3"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Every transaction takes the write lock when it begins: two requests cannot both read the audit
    # chain's head and then link to it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        # A write-ahead log: each commit is one durable append instead of a journal and a page rewrite.
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    )
    # The test database is a file (in memory where the system offers it): the live server's threads
    # then each have a connection of their own and wait for each other's locks, as in production.
    # Only the test database (made and deleted by the test run) goes there: no fsync to wait for.
    _shm = Path("/dev/shm")  # noqa: S108
    _test_dir = _shm if _shm.is_dir() else Path(tempfile.gettempdir())
    DATABASES["default"]["TEST"] = {"NAME": str(_test_dir / f"relais-test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and envbool("RELAIS_PG_PREPARE", "True"):
    # Server-side binding lets psycopg prepare the policy's statements once per connection: their
    # planning costs more than their execution.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
if os.getenv("DATABASE_OWNER_URL"):
    # The tables' owner: migrations and purges run as it; the service runs as DATABASE_URL's role,
    # which owns nothing and may only read and append audit rows (see "Running it for real").
    DATABASES["owner"] = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"], conn_max_age=0)
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    # Locks an account and address out after repeated failures, before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "teams.backends.UserBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["relais.formats"]  # English times on a 24-hour clock (relais/formats/en)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "relais" / "static"]
# Files browsers ask for at the site's root (``/favicon.ico``), served by whitenoise as they are.
WHITENOISE_ROOT = BASE_DIR / "relais" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# API tokens: kept as hashes, ending after RELAIS_TOKEN_HOURS, one per sign-in.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=envint("RELAIS_TOKEN_HOURS", "10")),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
REST_FRAMEWORK = {
    # Throttles count by REMOTE_ADDR, which only the trusted proxies may set (web.client_address).
    "NUM_PROXIES": 0,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teams.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "web.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "web.schema.RelaisAutoSchema",
    "DEFAULT_METADATA_CLASS": "web.metadata.Metadata",
    "EXCEPTION_HANDLER": "web.error_responses.handle_api_exception",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["web.parsers.LimitedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relais API",
    "DESCRIPTION": "Consent-aware information sharing for support teams. Every access is audited.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# A note body or an address has no reason to exceed this; larger requests are refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("RELAIS_MAX_REQUEST_BYTES", str(256 * 1024))
RELAIS_NOTE_MAX_CHARS = envint("RELAIS_NOTE_MAX_CHARS", "20000")
RELAIS_PORTAL_CODE_TTL_HOURS = envint("RELAIS_PORTAL_CODE_TTL_HOURS", "72")
# A space reopened with a code its worker handed over stays restricted this long, unless the person
# confirms sooner; its acts name the reset and the code's maker as long (R10, ``consent.recovery.services``).
RELAIS_RESET_COOLING_HOURS = envint("RELAIS_RESET_COOLING_HOURS", "72")
# Signed checkpoints of the audit chain: keep this folder on other storage than the database.
RELAIS_AUDIT_CHECKPOINT_DIR = Path(os.getenv("RELAIS_AUDIT_CHECKPOINT_DIR", VAR_DIR / "checkpoints"))
# The log is this many hash chains side by side: appends take whichever is free instead of queueing
# behind one lock (issue "Faster", §3). Raising it later is safe; lowering it leaves chains unused.
RELAIS_AUDIT_CHAINS = envint("RELAIS_AUDIT_CHAINS", "8")
# How long access events are kept; the CNIL recommends 6 to 12 months.
RELAIS_AUDIT_RETENTION_DAYS = envint("RELAIS_AUDIT_RETENTION_DAYS", "365")
# How long a person's record is kept once every follow-up ended (issue 24; ``relais.retention``),
# after the CNIL's framework for the social and medico-social sector: the record stays in use while
# the person is accompanied, then ``RELAIS_ARCHIVE_AFTER_YEARS`` (default 2) after the last follow-up
# ended it is archived (no team reads it), then ``RELAIS_ERASE_AFTER_YEARS`` (default 5, the civil
# limitation period) after that it is erased. A person whose space is open is told
# ``RELAIS_RETENTION_NOTICE_DAYS`` (default 30) before each step. The deployer sets them for its own
# duties; per organisation once organisations hold their own settings.
RELAIS_ARCHIVE_AFTER_YEARS = envint("RELAIS_ARCHIVE_AFTER_YEARS", "2")
RELAIS_ERASE_AFTER_YEARS = envint("RELAIS_ERASE_AFTER_YEARS", "5")
RELAIS_RETENTION_NOTICE_DAYS = envint("RELAIS_RETENTION_NOTICE_DAYS", "30")

# A second factor (TOTP with recovery codes, or a passkey) for every staff account: workers, peer
# workers, managers, auditors. Required by default in production; optional in the demo and tests, where
# an account that enrolled one is asked for it all the same (``teams.factors``).
RELAIS_MFA_REQUIRED = envbool("RELAIS_MFA_REQUIRED", "True" if PRODUCTION else "False")
# How long a staff account's setup or recovery code stays usable (``teams.recovery``).
RELAIS_ACCOUNT_CODE_TTL_HOURS = envint("RELAIS_ACCOUNT_CODE_TTL_HOURS", "72")
# Passkeys (WebAuthn): the site's domain, as browsers see it; empty, the host the request came to.
RELAIS_WEBAUTHN_RP_ID = os.getenv("RELAIS_WEBAUTHN_RP_ID", "")
# The name authenticators and TOTP applications show for this service.
RELAIS_MFA_ISSUER = os.getenv("RELAIS_MFA_ISSUER", "Relais")
OTP_TOTP_ISSUER = RELAIS_MFA_ISSUER
# django-otp's own delays after failures are rows that a refused request rolls back: the sign-in
# limits (in the cache) count failures of a second factor instead, as they count wrong passwords.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

SESSION_COOKIE_AGE = envint("RELAIS_SESSION_SECONDS", str(8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "web.error_responses.csrf_failure"  # a refusal on the record, like any other
X_FRAME_OPTIONS = "DENY"
# The legal basis recorded on a consent a person gives in their space, when no earlier consent to the
# team names one (``consent.models.LegalBasis``): "csp_l1110_4" (GDPR art. 9(2)(h) with the Public
# Health Code's L.1110-4: care and medico-social teams) or "casf_l121_6_2" (with the Social Action and
# Families Code's L.121-6-2: social action). Workers choose it on each consent they record.
RELAIS_LEGAL_BASIS = os.getenv("RELAIS_LEGAL_BASIS", "csp_l1110_4")
# Who answers for the processing, as the record of processing activities (GDPR art. 30) names them:
# ``manage.py processing_record`` prints it from this configuration. Empty, it says what is missing.
RELAIS_CONTROLLER = os.getenv("RELAIS_CONTROLLER", "")  # the data controller: name and address
RELAIS_CONTROLLER_CONTACT = os.getenv("RELAIS_CONTROLLER_CONTACT", "")
RELAIS_DPO_CONTACT = os.getenv("RELAIS_DPO_CONTACT", "")  # the data protection officer
RELAIS_HOSTING = os.getenv("RELAIS_HOSTING", "")  # the host, certified HDS for health data (CSP L.1111-8)
# Consent evidence (a scan or photo of a signed form), stored encrypted in the database.
RELAIS_EVIDENCE_MAX_BYTES = envint("RELAIS_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = RELAIS_EVIDENCE_MAX_BYTES + 1024 * 1024

# Nothing inline: scripts and styles come from our own static files only.
CONTENT_SECURITY_POLICY = {
    # The API's interactive documentation starts Swagger UI with an inline script.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Where the service is reached: the link an e-mail to a person points to (``consent.notices.inbox``).
RELAIS_SITE_URL = os.getenv("RELAIS_SITE_URL", "http://127.0.0.1:8000")
# E-mails to persons who asked for them (a notice, never its content). Development prints them.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.getenv("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Relais <noreply@relais.invalid>")

# Single sign-on for staff through OpenID Connect (``teams.oidc``): off unless an issuer is set.
# The provider's endpoints are read from its discovery document; an account is matched by one claim
# (``email``, which the provider must mark verified, or another claim matched to the username), never
# created. The local second factor still follows unless RELAIS_OIDC_TRUST_SECOND_FACTOR says the
# provider's own stands for it (and the provider says it asked for one).
RELAIS_OIDC_ISSUER = os.getenv("RELAIS_OIDC_ISSUER", "")
RELAIS_OIDC_CLIENT_ID = os.getenv("RELAIS_OIDC_CLIENT_ID", "")
RELAIS_OIDC_CLIENT_SECRET = os.getenv("RELAIS_OIDC_CLIENT_SECRET", "")
RELAIS_OIDC_CLAIM = os.getenv("RELAIS_OIDC_CLAIM", "email")
RELAIS_OIDC_SCOPES = os.getenv("RELAIS_OIDC_SCOPES", "openid email profile")
RELAIS_OIDC_SIGN_ALGO = os.getenv("RELAIS_OIDC_SIGN_ALGO", "RS256")
RELAIS_OIDC_LABEL = os.getenv("RELAIS_OIDC_LABEL", "")
RELAIS_OIDC_TRUST_SECOND_FACTOR = envbool("RELAIS_OIDC_TRUST_SECOND_FACTOR", "False")
if RELAIS_OIDC_ISSUER and not (RELAIS_OIDC_CLIENT_ID and RELAIS_OIDC_CLIENT_SECRET):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "RELAIS_OIDC_ISSUER needs RELAIS_OIDC_CLIENT_ID and RELAIS_OIDC_CLIENT_SECRET."
    )
if PRODUCTION and RELAIS_OIDC_ISSUER and not RELAIS_OIDC_ISSUER.startswith("https://"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("RELAIS_OIDC_ISSUER must be an https:// address in production.")

CACHES = {
    # Sign-in limits and throttles are counted here: Redis (REDIS_URL) shares one count between every
    # worker and every host, atomically; without it, a folder shared by one host's workers.
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    if os.getenv("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
# Five failed sign-ins for one username from one address lock them out for 15 minutes. Counted in
# the cache, not the database: a failed request's transaction is rolled back.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = envint("RELAIS_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is REMOTE_ADDR, which ClientAddressMiddleware sets from the trusted proxies only.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Beyond axes' count: failures of one account from any address, and from one address across accounts.
RELAIS_LOGIN_ACCOUNT_LIMIT = envint("RELAIS_LOGIN_ACCOUNT_LIMIT", "20")
RELAIS_LOGIN_ADDRESS_LIMIT = envint("RELAIS_LOGIN_ADDRESS_LIMIT", "50")
AXES_LOCKOUT_CALLABLE = "web.error_responses.locked_out"  # JSON under the API, the page elsewhere
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Sign-in attempts are in the access log; axes' own tables are not edited by hand.
AXES_ENABLE_ADMIN = False
# axes warns that a file cache's counters are not atomic across processes: two simultaneous attempts
# may count as one, which costs an attacker's guesses little. With REDIS_URL the gap is gone.
SILENCED_SYSTEM_CHECKS = ["axes.W001"]
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # The access log records sign-ins; axes' own lines would only repeat them.
    "loggers": {"axes": {"level": "WARNING"}},
}
