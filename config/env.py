"""The node's configuration, read once from the environment into one typed object.

Development (a loopback ``HUB_BASE_URL``, the default) needs no variable at all. Any other base URL
is production: there a missing ``DJANGO_SECRET_KEY`` or ``DJANGO_DEBUG`` switched on refuses to start.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
LOOPBACK_NETWORKS = "127.0.0.1/32,::1/128"
METRICS_TOKEN_MIN_LENGTH = 32
RATE_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
              "d": 86400, "day": 86400}
FEDERATION_MODES = ("open", "allowlist")
ITEM_TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")  # as federation.codecs.unknown.TYPE_NAME
PROTOCOL_TYPES = ("Node", "Tombstone")  # no node can do without them
REDIS_SCHEMES = ("redis://", "rediss://")
# HUB_EMAIL_URL's schemes: plain SMTP, SMTP upgraded with STARTTLS, SMTP over TLS; with their usual ports.
MAIL_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False), "smtp+ssl": (465, False, True)}

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigurationError(Exception):
    """The environment describes a node that must not start."""


@dataclass(frozen=True)
class MailServer:
    """The SMTP server the node sends its mails through (HUB_EMAIL_URL)."""

    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool

    def __repr__(self) -> str:  # never the password, whoever prints the configuration
        return f"MailServer(host={self.host!r}, port={self.port}, username={self.username!r}, tls={self.use_tls}, ssl={self.use_ssl})"


@dataclass(frozen=True)
class Config:
    base_url: str
    data_dir: Path
    database_url: str
    broker_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    production: bool
    allow_private_peers: bool
    sync_interval: int
    sync_time_budget: int
    sync_page_budget: int
    federation: bool
    federation_mode: str
    fediverse: bool
    blocklist_publish: bool
    metrics_allowed_ips: tuple[IPNetwork, ...]
    metrics_trusted_proxies: tuple[IPNetwork, ...]
    metrics_token: str
    throttle_join: tuple[int, int]
    throttle_token: tuple[int, int]
    cache_url: str
    login_failures: int
    login_cooloff_minutes: int
    throttle: bool
    throttle_registration: tuple[int, int]
    throttle_ideas: tuple[int, int]
    throttle_inbox_fetch: tuple[int, int]
    throttle_feedback: tuple[int, int]
    idea_retention_days: int
    mail_server: MailServer | None
    mail_from: str
    registration_retention_days: int
    item_types_hidden: tuple[str, ...]
    catalog_page_size: int

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address points at this machine only."""
    if host in {"localhost", "localhost.localdomain"} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def _integer(env: dict[str, str], name: str, default: int, unit: str = "seconds") -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number of {unit}; got {raw!r}.") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive; got {value}.")
    return value


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first is the default)."""
    value = env.get(name, "").strip().lower() or choices[0]
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}; got {env[name]!r}.")
    return value


def _networks(env: dict[str, str], name: str, default: str) -> tuple[IPNetwork, ...]:
    raw = env.get(name)
    raw = default if raw is None or not raw.strip() else raw
    if raw.strip().lower() == "none":
        return ()
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigurationError(
            f"{name} must be comma-separated IP addresses or networks such as 10.0.0.0/8; got {raw!r}."
        ) from None


def _rate(env: dict[str, str], name: str, default: str) -> tuple[int, int]:
    """A request rate such as ``10/hour`` as (requests, seconds)."""
    raw = env.get(name, "").strip() or default
    count, _, unit = (part.strip() for part in raw.partition("/"))
    seconds = RATE_UNITS.get(unit.lower()) or RATE_UNITS.get(unit.lower().removesuffix("s"))
    if not (count.isascii() and count.isdigit()) or int(count) == 0 or seconds is None:
        raise ConfigurationError(
            f"{name} must be a rate such as 10/hour (per second, minute, hour or day); got {raw!r}."
        )
    return int(count), seconds


def _item_types(env: dict[str, str], name: str) -> tuple[str, ...]:
    """Item type names such as ``Idea,ExperienceReport`` (none when unset)."""
    names = tuple(dict.fromkeys(part.strip() for part in env.get(name, "").split(",") if part.strip()))
    wrong = [each for each in names if not ITEM_TYPE_NAME.fullmatch(each)]
    if wrong:
        raise ConfigurationError(f"{name} must name item types such as Idea or ExperienceReport, separated by commas; "
                                 f"got {wrong[0]!r}.")
    protocol = [each for each in names if each in PROTOCOL_TYPES]
    if protocol:
        raise ConfigurationError(f"{name} cannot hide {protocol[0]}: every node of the network must understand it.")
    return names


def _metrics_token(env: dict[str, str]) -> str:
    token = env.get("HUB_METRICS_TOKEN", "").strip()
    if token and len(token) < METRICS_TOKEN_MIN_LENGTH:
        raise ConfigurationError(
            f"HUB_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LENGTH} characters long, for example from: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return token


def _cache_url(env: dict[str, str], data_dir: Path, broker_url: str) -> str:
    """The cache every process of the node shares: HUB_CACHE_URL, else the broker's Redis, else a folder."""
    raw = env.get("HUB_CACHE_URL", "").strip()
    if not raw:
        return broker_url if broker_url.startswith(REDIS_SCHEMES) else (data_dir / "cache").as_uri()
    parts = urlsplit(raw)
    if (raw.startswith(REDIS_SCHEMES) and parts.hostname) or raw.startswith("file:///"):
        return raw
    raise ConfigurationError(  # the scheme only: a Redis URL may hold a password
        "HUB_CACHE_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/1, or file:/// and "
        f"an absolute folder; got a URL starting {parts.scheme or raw[:8]!r}."
    )


def _mail_server(env: dict[str, str]) -> MailServer | None:
    """The SMTP server of HUB_EMAIL_URL (smtp://user:password@host:587, smtp+tls://…, smtp+ssl://…), or None."""
    raw = env.get("HUB_EMAIL_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port, scheme = None, ""  # an unreadable port: refused below, like an unknown scheme
    if scheme not in MAIL_SCHEMES or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ConfigurationError(  # the scheme only: the URL may hold a password
            "HUB_EMAIL_URL must be smtp://, smtp+tls:// (STARTTLS) or smtp+ssl:// with a host, such as "
            f"smtp+tls://user:password@mail.example.de:587; got a URL starting {parts.scheme or raw[:6]!r}."
        )
    default_port, use_tls, use_ssl = MAIL_SCHEMES[scheme]
    return MailServer(
        host=parts.hostname, port=port or default_port, username=unquote(parts.username or ""),
        password=unquote(parts.password or ""), use_tls=use_tls, use_ssl=use_ssl,
    )


def _mail_from(env: dict[str, str], host: str) -> str:
    """The sender of the node's mails: HUB_EMAIL_FROM, else a no-reply address at the node's host."""
    sender = env.get("HUB_EMAIL_FROM", "").strip()
    if sender:
        if "@" not in sender or any(character in sender for character in "\r\n"):
            raise ConfigurationError(
                f"HUB_EMAIL_FROM must be an address such as 'Stadtlabor <noreply@hub.example.de>'; got {sender!r}."
            )
        return sender
    domain = host if "." in host and not is_loopback_host(host) else "localhost"
    return f"Stadtlabor Hub <noreply@{domain}>"


def _base_url(env: dict[str, str]) -> str:
    raw = env.get("HUB_BASE_URL", "").strip() or DEFAULT_BASE_URL
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(
            f"HUB_BASE_URL must be an absolute http(s) URL such as https://hub.example.de; got {raw!r}."
        )
    if parts.query or parts.fragment or parts.path not in {"", "/"}:
        raise ConfigurationError(
            f"HUB_BASE_URL must name the site root without path, query or fragment; got {raw!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _secret_key(env: dict[str, str], data_dir: Path, production: bool) -> str:
    key = env.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        if production and len(key) < 50:
            raise ConfigurationError("DJANGO_SECRET_KEY must be at least 50 characters long.")
        return key
    if production:
        raise ConfigurationError(
            "DJANGO_SECRET_KEY is not set. A production node (HUB_BASE_URL not on loopback) needs its "
            "own secret key, for example from: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    return _development_secret_key(data_dir)


def _development_secret_key(data_dir: Path) -> str:
    """A random key kept in the data directory, so sessions survive a restart in development."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load(env: dict[str, str] | None = None) -> Config:
    """Read and check the configuration; raise ConfigurationError with a clear message if unsafe."""
    env = dict(os.environ if env is None else env)
    base_url = _base_url(env)
    host = urlsplit(base_url).hostname or ""
    production = not is_loopback_host(host)
    data_dir = Path(env.get("HUB_DATA_DIR", "").strip() or PROJECT_DIR / "var").resolve()
    debug = _flag(env, "DJANGO_DEBUG", default=not production)
    if production and debug:
        raise ConfigurationError(
            "DJANGO_DEBUG is on for a production node (HUB_BASE_URL not on loopback). "
            "Debug pages reveal settings and code to visitors: set DJANGO_DEBUG=0."
        )
    broker_url = env.get("CELERY_BROKER_URL", "").strip() or "filesystem://"
    hosts = tuple(h.strip() for h in env.get("HUB_ALLOWED_HOSTS", "").split(",") if h.strip())
    if not hosts:
        hosts = (host,) if production else (host, "localhost", "127.0.0.1", "[::1]", "testserver")
    return Config(
        base_url=base_url,
        data_dir=data_dir,
        database_url=env.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'hub.sqlite3'}",
        broker_url=broker_url,
        secret_key=_secret_key(env, data_dir, production),
        debug=debug,
        allowed_hosts=hosts,
        production=production,
        allow_private_peers=_flag(env, "HUB_ALLOW_PRIVATE_PEERS", default=not production),
        sync_interval=_integer(env, "HUB_SYNC_INTERVAL", default=300),
        sync_time_budget=_integer(env, "HUB_SYNC_TIME_BUDGET", default=120),
        sync_page_budget=_integer(env, "HUB_SYNC_PAGE_BUDGET", default=10_000, unit="pages"),
        federation=_flag(env, "HUB_FEDERATION", default=True),
        federation_mode=_choice(env, "HUB_FEDERATION_MODE", FEDERATION_MODES),
        fediverse=_flag(env, "HUB_FEDIVERSE", default=True),
        blocklist_publish=_flag(env, "HUB_BLOCKLIST_PUBLISH", default=False),
        metrics_allowed_ips=_networks(env, "HUB_METRICS_ALLOWED_IPS", default=LOOPBACK_NETWORKS),
        metrics_trusted_proxies=_networks(env, "HUB_METRICS_TRUSTED_PROXIES", default=LOOPBACK_NETWORKS),
        metrics_token=_metrics_token(env),
        throttle_join=_rate(env, "HUB_THROTTLE_JOIN", default="10/hour"),
        throttle_token=_rate(env, "HUB_THROTTLE_TOKEN", default="20/hour"),
        cache_url=_cache_url(env, data_dir, broker_url),
        login_failures=_integer(env, "HUB_LOGIN_FAILURES", default=5, unit="failed sign-ins"),
        login_cooloff_minutes=_integer(env, "HUB_LOGIN_COOLOFF", default=15, unit="minutes"),
        throttle=_flag(env, "HUB_THROTTLE", default=True),
        throttle_registration=_rate(env, "HUB_THROTTLE_REGISTRATION", default="20/hour"),
        throttle_ideas=_rate(env, "HUB_THROTTLE_IDEAS", default="10/hour"),
        throttle_inbox_fetch=_rate(env, "HUB_THROTTLE_INBOX_FETCH", default="30/hour"),
        throttle_feedback=_rate(env, "HUB_THROTTLE_FEEDBACK", default="60/hour"),
        idea_retention_days=_integer(env, "HUB_IDEA_RETENTION_DAYS", default=90, unit="days"),
        mail_server=_mail_server(env),
        mail_from=_mail_from(env, host),
        registration_retention_days=_integer(env, "HUB_REGISTRATION_RETENTION_DAYS", default=90, unit="days"),
        item_types_hidden=_item_types(env, "HUB_ITEM_TYPES_HIDDEN"),
        catalog_page_size=_integer(env, "HUB_CATALOG_PAGE_SIZE", default=100, unit="datasets"),
    )
