"""Configuration, read from the environment (see docs/operations.md).

Nothing secret lives in code: SECRET_KEY is generated once and kept under
instance/ when the environment does not provide one.
"""
import os
import secrets
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _secret_key():
    """SECRET_KEY from the environment, else one generated and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    try:
        # Created readable by us only, and only once: when the web server and the
        # mail worker start together, the second one reads what the first wrote.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    key = key_file.read_text().strip()
    if not key:  # the other process is between creating and writing the file
        import time

        time.sleep(0.2)
        key = key_file.read_text().strip()
    if not key:
        raise RuntimeError(f"{key_file} is empty: delete it to have a new key made")
    return key


def database_url(value):
    """postgresql:// means psycopg 3 here (the driver we ship), not psycopg2."""
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://"):]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://"):]
    return value


class Config:
    APP_NAME = "Backoffice"
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'backoffice.db'}"
    ))
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # SQLite: how long a writer waits for another before "database is locked".
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))
    # Several processes or hosts: Redis for rate limits, sessions and the cache.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Prefix of every key this app writes in Redis (several apps may share one server).
    REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "backoffice")
    PORT = int(os.environ.get("PORT", "8080"))
    # Log lines on stderr: "json" (one object a line, for a collector) or "plain".
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
    # Without Redis the cache lives in each process: another worker sees a change (a
    # permission taken away) after at most this long.
    CACHE_LOCAL_TTL_SECONDS = int(os.environ.get("CACHE_LOCAL_TTL_SECONDS", "10"))
    # Used for every absolute link that leaves the app: mails, QR codes, PDFs.
    PUBLIC_BASE_URL = os.environ.get(
        "PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8080')}"
    ).rstrip("/")
    # Behind a reverse proxy: how many proxies to trust for X-Forwarded-For/Proto.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Times are stored in UTC and shown in this zone (shared screens: audit, outbox).
    DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Europe/Amsterdam")
    # Per domain: the currency amounts are in (ISO 4217) and the zone its times show in.
    SERVICE_REQUESTS_CURRENCY = os.environ.get("SERVICE_REQUESTS_CURRENCY", "SRD")
    SERVICE_REQUESTS_TIMEZONE = os.environ.get("SERVICE_REQUESTS_TIMEZONE", "America/Paramaribo")
    FAULTS_CURRENCY = os.environ.get("FAULTS_CURRENCY", "EUR")
    FAULTS_TIMEZONE = os.environ.get("FAULTS_TIMEZONE", "Europe/Amsterdam")
    # The request clock: a target in working days per urgency, optionally per product kind
    # ({"survey_map": {"normal": 15}}); the office's holidays (YYYY-MM-DD, comma-separated).
    SR_TARGET_DAYS = {"urgent": 1, "normal": 5, "online": 10}
    SR_TARGET_DAYS_BY_KIND = {}
    OFFICE_HOLIDAYS = os.environ.get("OFFICE_HOLIDAYS", "")

    # Service requests: the office as customers see it, in every mail, on the track page
    # and on receipts.
    SR_OFFICE_NAME = os.environ.get("SR_OFFICE_NAME", "Kantoor Hypotheken en Kadaster")
    SR_OFFICE_ADDRESS = os.environ.get("SR_OFFICE_ADDRESS", "Dr. Sophie Redmondstraat 1, Paramaribo")
    SR_OFFICE_HOURS = os.environ.get("SR_OFFICE_HOURS", "maandag t/m vrijdag 07:30–14:30")
    SR_OFFICE_CONTACT = os.environ.get("SR_OFFICE_CONTACT", "tel. +597 470000 · info@example.org")
    SR_PAYMENT_INSTRUCTIONS = os.environ.get(
        "SR_PAYMENT_INSTRUCTIONS",
        "Betalen kan aan de balie (contant of pin) of per bank; vermeld uw bestelnummer.")

    # Files
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
    # Whole request body limit: a few uploads plus form fields.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(32 * 1024 * 1024)))
    MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", str(40_000_000)))

    # Mail out (empty MAIL_SERVER: mail stays in the Outbox screen, nothing is sent)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "backoffice@example.org")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    # The language of every mail (subjects and bodies); empty: BABEL_DEFAULT_LOCALE (Dutch).
    MAIL_LOCALE = os.environ.get("MAIL_LOCALE", "")
    # Inbound: replies go to <local>+<token>@<domain> so they find their request.
    MAIL_REPLY_ADDRESS = os.environ.get("MAIL_REPLY_ADDRESS", "")
    # The authserv-id our MTA writes in Authentication-Results (e.g. "mx.example.org").
    # Set: mail whose From domain passed DMARC/DKIM there may match a request by the
    # order number in its subject. Empty: only the reply address (with its token) matches.
    MAIL_AUTHSERV_ID = os.environ.get("MAIL_AUTHSERV_ID", "")
    # `flask mail receive` gives up on a locked table after this long (exit 75: the MTA retries).
    MAIL_RECEIVE_LOCK_TIMEOUT_MS = int(os.environ.get("MAIL_RECEIVE_LOCK_TIMEOUT_MS", "10000"))
    # A customer's track link stops working this many days after the request closed.
    TRACK_LINK_DAYS_AFTER_CLOSE = int(os.environ.get("TRACK_LINK_DAYS_AFTER_CLOSE", "60"))
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "12"))
    OUTBOX_BACKOFF_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_SECONDS", "30"))
    OUTBOX_BACKOFF_MAX_SECONDS = int(os.environ.get("OUTBOX_BACKOFF_MAX_SECONDS", "3600"))
    # How long a worker holds the mails it claimed; a worker killed mid-batch leaves
    # them to another after this. Longer than a batch takes (MAIL_TIMEOUT per mail).
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "600"))
    # A scheduled job's claim; a worker killed mid-job frees the job after this.
    JOBS_LEASE_SECONDS = int(os.environ.get("JOBS_LEASE_SECONDS", "3600"))

    # Fault reports (KlusHeeren)
    # The office that hears of complaints, low ratings, declined and late orders.
    FAULTS_OFFICE_EMAIL = os.environ.get("FAULTS_OFFICE_EMAIL", "info@klusheeren.nl")
    # What the contractor must fill in before AFMELDEN (any of the contractor's fields).
    FAULTS_COMPLETE_REQUIRED = tuple(
        f.strip() for f in os.environ.get("FAULTS_COMPLETE_REQUIRED",
                                          "invoice_total,warranty").split(",") if f.strip())
    # Targets per priority: accept within accept_hours (else a reminder to the contractor),
    # the office is alerted after alert_hours; orders accepted / with parts on order get a
    # follow-up after accepted_days / parts_days; complete within complete_days of the
    # order (else it is late: the "Te laat" list and badge).
    FAULTS_TARGETS = {
        "urgent": {"accept_hours": 4, "alert_hours": 8, "accepted_days": 2, "parts_days": 7,
                   "complete_days": int(os.environ.get("FAULTS_URGENT_COMPLETE_DAYS", "2"))},
        "normal": {"accept_hours": int(os.environ.get("FAULTS_ACCEPT_HOURS", "24")),
                   "alert_hours": int(os.environ.get("FAULTS_ALERT_HOURS", "48")),
                   "accepted_days": 7, "parts_days": 14,
                   "complete_days": int(os.environ.get("FAULTS_COMPLETE_DAYS", "14"))},
    }
    # Device types whose reports are urgent unless the reporter says otherwise.
    FAULTS_URGENT_DEVICE_TYPES = tuple(
        t.strip().lower() for t in os.environ.get(
            "FAULTS_URGENT_DEVICE_TYPES", "lift,deur,toegangsdeur,brandmelder").split(",")
        if t.strip())
    # A rating whose average is below this flags the order and tells the office.
    FAULTS_LOW_RATING = float(os.environ.get("FAULTS_LOW_RATING", "3"))
    # The maintenance partner's portal link (/p/...): valid this many days; its "recently
    # finished" list goes back this many days.
    FAULTS_PORTAL_LINK_DAYS = int(os.environ.get("FAULTS_PORTAL_LINK_DAYS", "365"))
    FAULTS_PORTAL_RECENT_DAYS = int(os.environ.get("FAULTS_PORTAL_RECENT_DAYS", "90"))
    # A photo kept after a refused report form and never sent is deleted after this many
    # hours (the form's signed key to it is valid for one hour).
    FAULTS_KEPT_PHOTO_HOURS = int(os.environ.get("FAULTS_KEPT_PHOTO_HOURS", "24"))
    # Report and order numbers start here when their series is new (go-live).
    FAULTS_REPORT_NUMBER_START = int(os.environ.get("FAULTS_REPORT_NUMBER_START", "1"))
    FAULTS_ORDER_NUMBER_START = int(os.environ.get("FAULTS_ORDER_NUMBER_START", "1"))

    # Flask-AppBuilder
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    # Schema and permissions are written by migrations and `flask roles sync`,
    # never as a side effect of starting a web worker.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    # FAB 5.3 security REST API fails to build its schemas with marshmallow 4
    # (KeyError: permission_id); role managers use the screens instead.
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_PASSWORD_HASH_METHOD = os.environ.get("FAB_PASSWORD_HASH_METHOD", "scrypt")

    # Security
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # valid for the session; a clerk's form may stay open for hours
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # Empty: counted in Redis when REDIS_URL is set (a limit holds across processes and
    # hosts), else in memory (per process). create_app decides, so an app built with
    # another REDIS_URL counts there too.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per minute")
    PUBLIC_FORM_RATE_LIMIT = os.environ.get("PUBLIC_FORM_RATE_LIMIT", "20 per minute")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    # Languages: Dutch first, English available.
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "nl": {"flag": "nl", "name": "Nederlands"},
        "en": {"flag": "gb", "name": "English"},
    }


class TestConfig(Config):
    """Used by tests/conftest.py, which also points the DB and uploads at temp paths."""

    TESTING = True
    # The suite's app runs on the one-host defaults (sessions in the table, cache in the
    # process) whatever the shell has; tests of Redis build apps with TEST_REDIS_URL.
    REDIS_URL = ""
    MAIL_SUPPRESS_SEND = False  # tests deliver to a real SMTP server (aiosmtpd)
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    MAIL_SERVER = ""
    PUBLIC_BASE_URL = "http://backoffice.test"
    OUTBOX_BACKOFF_SECONDS = 0
