"""Configuration from ``APDOCS_*`` environment variables.

Everything an operator may change lives here, read once when the app is created, so that the same
code runs embedded on one machine (SQLite, files under the repository) and scaled out (PostgreSQL,
Redis, shared storage) by configuration alone. The README lists every variable.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(f"APDOCS_{name}")
    return default if value is None or value == "" else value


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


def instance_dir_from_env() -> Path:
    """``APDOCS_INSTANCE_DIR``, or ``instance/`` in the repository: where local state lives."""
    return Path(_env("INSTANCE_DIR", str(REPO_ROOT / "instance"))).resolve()


def embedded_database_url(instance_dir: Path) -> str:
    """The embedded default database: a SQLite file in the instance folder, for one machine and the demo."""
    return f"sqlite:///{instance_dir / 'apdocs.sqlite3'}"


def queue_url_from_env(instance_dir: Path) -> str:
    """``APDOCS_QUEUE_URL`` (``immediate``, ``redis://…`` or ``sqlite:///…``), or a SQLite file in the instance folder.

    A function of its own because the queue is built when ``service.queue`` is imported (tasks are declared at
    import), also in a process that only enqueues and never builds an app.
    """
    return _env("QUEUE_URL", f"sqlite:///{instance_dir / 'queue.sqlite3'}")


@dataclass(frozen=True)
class WebServer:
    """Where gunicorn's web processes listen and how many there are (``gunicorn.conf.py``)."""

    host: str
    port: int
    #: ``APDOCS_WEB_PROCESSES``: web processes (gunicorn workers) on this machine; each is a whole app.
    processes: int
    #: ``APDOCS_WEB_THREADS``: threads per web process, each answering one request at a time.
    threads: int

    @classmethod
    def from_env(cls) -> WebServer:
        return cls(
            host=_env("HOST", "127.0.0.1"),
            port=int(_env("PORT", "5000")),
            processes=int(_env_number("WEB_PROCESSES", 2, 1)),
            threads=int(_env_number("WEB_THREADS", 4, 1)),
        )


def _secret_key(instance_dir: Path) -> str:
    """A stable secret key for the embedded installation.

    Sessions and CSRF tokens must survive a restart, and no key may ever be committed: when
    ``APDOCS_SECRET_KEY`` is unset, a random key is created once in the instance directory with
    owner-only permissions and reused.
    """
    configured = os.environ.get("APDOCS_SECRET_KEY")
    if configured:
        return configured
    instance_dir.mkdir(parents=True, exist_ok=True)
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def _env_number(name: str, default: float, minimum: float) -> float:
    """A positive number from ``APDOCS_<name>``; refuse nonsense at start-up rather than run without a limit."""
    raw = _env(name, str(default)).strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"APDOCS_{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"APDOCS_{name} must be at least {minimum:g}, got {raw!r}")
    return value


@dataclass(frozen=True)
class RenderLimits:
    """What filling in one Word template may take, in the render worker (service/documents/engine/render_pool.py).

    An uploaded template is code. Every render (the trial render at upload and every production render) runs in
    a worker process under these limits, so a template that loops for ever or builds a huge text fails that one
    document with a plain reason instead of exhausting the process that serves the web. The defaults leave a
    wide margin over the slowest realistic render measured (docs/templates.md, "The trial render and the
    limits"): the AP Support Plan with 10,000 characters in every text field and 30 rows in every list took
    0.78 s of processor time, 171 MB of memory and made 8.5 MB of document text.
    """

    #: Processor time one render may use (the kernel's RLIMIT_CPU, set afresh before each render).
    cpu_s: float = 10.0
    #: Memory one render may use on top of what the worker needs when idle (RLIMIT_AS, address space).
    memory_mb: int = 512
    #: Longest one render may take by the clock, however busy the machine; the worker is then killed.
    timeout_s: float = 30.0
    #: Largest filled-in document, counted as its text (the XML of each part) and as the .docx file.
    max_output_mb: int = 50
    #: Render worker processes per service process (started when first needed).
    workers: int = 2

    @classmethod
    def from_env(cls) -> RenderLimits:
        return cls(
            cpu_s=_env_number("RENDER_CPU_S", cls.cpu_s, 1),
            memory_mb=int(_env_number("RENDER_MEMORY_MB", cls.memory_mb, 64)),
            timeout_s=_env_number("RENDER_TIMEOUT_S", cls.timeout_s, 1),
            max_output_mb=int(_env_number("RENDER_MAX_OUTPUT_MB", cls.max_output_mb, 1)),
            workers=int(_env_number("RENDER_WORKERS", cls.workers, 1)),
        )


def _env_date(name: str) -> date | None:
    """An ISO date (YYYY-MM-DD) from ``APDOCS_<name>``, or None when unset; refuse anything else at start-up."""
    raw = _env(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"APDOCS_{name} must be a date written YYYY-MM-DD, got {raw!r}") from None


def _env_hours(name: str, default: str) -> Decimal:
    """Hours a week from ``APDOCS_<name>``: more than 0 and at most 168, or the service refuses to start.

    A Decimal, as the rules take hours (a float such as 18.000000001 must not tip a provider over a line).
    """
    raw = _env(name, default).strip()
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"APDOCS_{name} must be a number of hours a week, got {raw!r}") from None
    if not hours.is_finite() or not 0 < hours <= 168:
        raise ValueError(f"APDOCS_{name} must be more than 0 and at most 168 hours a week, got {raw!r}")
    return hours


SMTP_SECURITY = ("starttls", "tls", "none")


def _smtp_security(value: str) -> str:
    """Refuse an unknown value at start-up rather than send mail in the clear by mistake."""
    value = value.strip().lower()
    if value not in SMTP_SECURITY:
        raise ValueError(f"APDOCS_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")
    return value


def _storage_url(value: str) -> str:
    """Refuse a storage URL that is not ``s3://bucket/prefix`` at start-up, rather than at the first document."""
    value = value.strip()
    if value:  # the same rule as service.storage.s3.parse_s3_url (settings imports no store: the engine reads it)
        bucket, _, prefix = value.removeprefix("s3://").partition("/")
        parts = prefix.strip("/").split("/") if prefix.strip("/") else []
        if not value.startswith("s3://") or not bucket or any(part in ("", ".", "..") for part in parts):
            raise ValueError("APDOCS_STORAGE_URL must look like s3://bucket/prefix (or be unset: the output folder)")
    return value


@dataclass(frozen=True)
class Settings:
    """The service's configuration, resolved from the environment."""

    instance_dir: Path
    database_url: str
    secret_key: str
    output_dir: Path
    host: str
    port: int
    session_idle_minutes: int
    session_max_hours: int
    cookie_secure: bool
    ratelimit_storage_url: str
    login_rate_limit: str
    log_level: str
    trusted_proxies: int
    #: Outgoing mail (service/mail, docs/mail.md). No SMTP host: messages are written as .eml files.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_s: int = 60
    mail_from: str = "apdocs@localhost"
    mail_max_attempts: int = 5
    mail_retry_base_s: int = 60
    link_expiry_days: int = 7
    #: The background queue (service/queue.py): ``immediate`` (run at once, tests), ``redis://…`` (shared between
    #: machines) or ``sqlite:///…`` (the default: a file in the instance folder).
    queue_url: str = ""
    #: Where people reach apdocs, for links in emails sent from a background job (no request to ask).
    base_url: str = ""
    #: The seal on signed PDFs (service/signing, docs/signing.md). No PKCS#12: a self-signed certificate,
    #: generated once into the instance directory. No TSA: a PAdES B-B seal without a trusted timestamp.
    signing_pkcs12: str = ""
    signing_pkcs12_password: str = ""
    signing_tsa_url: str = ""
    #: Working days after which a signer who has not signed is reminded (with a new link).
    signing_reminder_working_days: int = 3
    #: A visit is due this many working days after the last one; 0 means half a term (from the term dates).
    visit_working_days: int = 0
    #: A bearer token that lets a monitor read /healthz's details; unset: only a signed-in admin sees them.
    health_token: str = ""
    #: The Children's Wellbeing and Schools Act 2026 s43 (independent-school registration, rules/registration.py):
    #: the day it commences (None until commencement regulations set one: the current law applies) and, from that
    #: day, the hours a week above which education counts as full time.
    cwsa_s43_commencement: date | None = None
    registration_full_time_hours: Decimal = Decimal(18)
    #: Limits on filling in a Word template (the render worker): processor time, memory, clock, output size.
    #: Read here so a nonsense value stops the service starting; the render pool reads the same variables.
    render_limits: RenderLimits = field(default_factory=RenderLimits)
    #: Generated files (service/storage): empty for the local folder ``output_dir`` (the embedded default), or
    #: ``s3://bucket/prefix`` for an S3-compatible object store shared by every machine, at ``s3_endpoint_url``
    #: (empty: AWS itself). Credentials come from the usual AWS variables, never from here.
    storage_url: str = ""
    s3_endpoint_url: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def uses_embedded_database(self) -> bool:
        """Whether the database is the embedded default (the only one demo data goes into without being told)."""
        return self.database_url == embedded_database_url(self.instance_dir)

    @classmethod
    def from_env(cls) -> Settings:
        instance_dir = instance_dir_from_env()
        return cls(
            instance_dir=instance_dir,
            database_url=_env("DATABASE_URL", embedded_database_url(instance_dir)),
            secret_key=_secret_key(instance_dir),
            output_dir=Path(_env("OUTPUT_DIR", str(REPO_ROOT / "output"))).resolve(),
            host=_env("HOST", "127.0.0.1"),
            port=int(_env("PORT", "5000")),
            session_idle_minutes=int(_env("SESSION_IDLE_MINUTES", "30")),
            session_max_hours=int(_env("SESSION_MAX_HOURS", "10")),
            cookie_secure=_env_bool("COOKIE_SECURE", True),
            ratelimit_storage_url=_env("RATELIMIT_STORAGE_URL", "memory://"),
            login_rate_limit=_env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
            log_level=_env("LOG_LEVEL", "INFO"),
            trusted_proxies=int(_env("TRUSTED_PROXIES", "0")),
            smtp_host=_env("SMTP_HOST", ""),
            smtp_port=int(_env("SMTP_PORT", "587")),
            smtp_security=_smtp_security(_env("SMTP_SECURITY", "starttls")),
            smtp_user=_env("SMTP_USER", ""),
            smtp_password=_env("SMTP_PASSWORD", ""),
            smtp_timeout_s=int(_env("SMTP_TIMEOUT_S", "60")),
            mail_from=_env("MAIL_FROM", "apdocs@localhost"),
            mail_max_attempts=max(1, int(_env("MAIL_MAX_ATTEMPTS", "5"))),
            mail_retry_base_s=max(1, int(_env("MAIL_RETRY_BASE_S", "60"))),
            link_expiry_days=max(1, int(_env("LINK_EXPIRY_DAYS", "7"))),
            base_url=_env("BASE_URL", ""),
            queue_url=queue_url_from_env(instance_dir),
            signing_pkcs12=_env("SIGNING_PKCS12", ""),
            signing_pkcs12_password=_env("SIGNING_PKCS12_PASSWORD", ""),
            signing_tsa_url=_env("SIGNING_TSA_URL", ""),
            signing_reminder_working_days=int(_env("SIGNING_REMINDER_WORKING_DAYS", "3")),
            visit_working_days=int(_env("VISIT_WORKING_DAYS", "0")),
            health_token=_env("HEALTH_TOKEN", "").strip(),
            cwsa_s43_commencement=_env_date("CWSA_S43_COMMENCEMENT"),
            registration_full_time_hours=_env_hours("REGISTRATION_FULL_TIME_HOURS", "18"),
            render_limits=RenderLimits.from_env(),
            storage_url=_storage_url(_env("STORAGE_URL", "")),
            s3_endpoint_url=_env("S3_ENDPOINT_URL", "").strip(),
        )

    @property
    def resolved_base_url(self) -> str:
        """``APDOCS_BASE_URL`` without a trailing slash, or where ``apdocs serve`` listens."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    def flask_config(self) -> dict[str, object]:
        """The Flask config keys derived from these settings."""
        engine_options: dict[str, object] = {"pool_pre_ping": True}
        if self.database_url.startswith("sqlite"):
            engine_options = {"connect_args": {"timeout": 30}}
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "SESSION_COOKIE_NAME": "apdocs_session",
            "SESSION_COOKIE_SECURE": self.cookie_secure,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.cookie_secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "PERMANENT_SESSION_LIFETIME": self.session_max_hours * 3600,
            # The largest upload is a 50,000-pupil MIS export (forms.pupils.MAX_IMPORT_BYTES, 24MB); each file field
            # keeps its own smaller limit, and non-file fields Werkzeug's MAX_FORM_MEMORY_SIZE.
            "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
            "WTF_CSRF_TIME_LIMIT": self.session_max_hours * 3600,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_url,
            "RATELIMIT_HEADERS_ENABLED": False,
            "APDOCS_OUTPUT_DIR": str(self.output_dir),
            "APDOCS_STORAGE_URL": self.storage_url,
            "APDOCS_S3_ENDPOINT_URL": self.s3_endpoint_url,
            "APDOCS_SESSION_IDLE_MINUTES": self.session_idle_minutes,
            "APDOCS_SESSION_MAX_HOURS": self.session_max_hours,
            "APDOCS_LOGIN_RATE_LIMIT": self.login_rate_limit,
            "APDOCS_SMTP_HOST": self.smtp_host,
            "APDOCS_SMTP_PORT": self.smtp_port,
            "APDOCS_SMTP_SECURITY": self.smtp_security,
            "APDOCS_SMTP_USER": self.smtp_user,
            "APDOCS_SMTP_PASSWORD": self.smtp_password,
            "APDOCS_SMTP_TIMEOUT_S": self.smtp_timeout_s,
            "APDOCS_MAIL_FROM": self.mail_from,
            "APDOCS_MAIL_MAX_ATTEMPTS": self.mail_max_attempts,
            "APDOCS_MAIL_RETRY_BASE_S": self.mail_retry_base_s,
            "APDOCS_LINK_EXPIRY_DAYS": self.link_expiry_days,
            "APDOCS_BASE_URL": self.resolved_base_url,
            "APDOCS_SIGNING_PKCS12": self.signing_pkcs12,
            "APDOCS_SIGNING_PKCS12_PASSWORD": self.signing_pkcs12_password,
            "APDOCS_SIGNING_TSA_URL": self.signing_tsa_url,
            "APDOCS_SIGNING_REMINDER_WORKING_DAYS": self.signing_reminder_working_days,
            "APDOCS_VISIT_WORKING_DAYS": self.visit_working_days,
            "APDOCS_HEALTH_TOKEN": self.health_token,
            "APDOCS_CWSA_S43_COMMENCEMENT": self.cwsa_s43_commencement,
            "APDOCS_REGISTRATION_FULL_TIME_HOURS": self.registration_full_time_hours,
            **self.extra,
        }
