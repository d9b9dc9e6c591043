"""Configuration classes, chosen by ``create_app(config_class)`` or ``PLENARIA_CONFIG``.

Every setting can be overridden through an environment variable of the same name;
README.md lists them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on", "sim"}


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'plenaria.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 30_000)
    # Seconds a worker keeps the anonymous results page of a closed round (app/votes/shared_pages.py).
    RESULTS_CACHE_SECONDS = _env_int("RESULTS_CACHE_SECONDS", 60)

    BABEL_DEFAULT_LOCALE = "pt_BR"
    BABEL_DEFAULT_TIMEZONE = "America/Sao_Paulo"
    LANGUAGES = ("pt_BR", "en")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 120))
    SESSION_REFRESH_EACH_REQUEST = True

    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes")
    REGISTER_LIMIT = os.environ.get("REGISTER_LIMIT", "10 per hour")
    # Per account (a plenary shares one address behind the venue's NAT): submitting proposals
    # and posting comments or replies. The conference's own rule caps proposals per participant.
    PROPOSAL_LIMIT = os.environ.get("PROPOSAL_LIMIT", "5 per minute; 30 per hour")
    COMMENT_LIMIT = os.environ.get("COMMENT_LIMIT", "10 per minute; 120 per hour")
    # Per address, for the whole read-only API: generous, since 2,000 delegates behind one NAT
    # may read it at once. Ballots and pages are never rate-limited.
    API_LIMIT = os.environ.get("API_LIMIT", "6000 per minute")
    # Keys in a shared Redis are prefixed; a storage failure lets requests through (with the
    # process's own memory as a fallback) rather than stopping a plenary.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "plenaria")
    RATELIMIT_SWALLOW_ERRORS = _env_bool("RATELIMIT_SWALLOW_ERRORS", True)
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = _env_bool("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)

    # Public base URL, used in share links and Open Graph tags when set.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "cmas@prefeitura.example")
    # Where vulnerabilities are reported (/.well-known/security.txt, docs/security.md); empty:
    # PRIVACY_CONTACT. An e-mail address (security@…) or an https:// address.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
    # Behind a reverse proxy (nginx, a load balancer): how many proxies to trust for the
    # client address and scheme (X-Forwarded-For/-Proto). 0: none (direct exposure).
    TRUST_PROXY_HOPS = _env_int("TRUST_PROXY_HOPS", 0)
    HSTS = False
    # Importing another Plenária's report by URL: refuse private, loopback and link-local
    # addresses (server-side request forgery) unless this is set, e.g. on a closed network.
    REPORT_IMPORT_ALLOW_PRIVATE_URLS = _env_bool("REPORT_IMPORT_ALLOW_PRIVATE_URLS", False)
    # How long after the report's publication participants' personal data is kept.
    PRIVACY_RETENTION_DAYS = _env_int("PRIVACY_RETENTION_DAYS", 365)


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_FAST = True  # argon2 with minimal cost: hashing is not under test
    RESULTS_CACHE_SECONDS = 0  # each test's database reuses ids: a cached page would leak between tests


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError("ProductionConfig needs " + ", ".join(missing))


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
