"""Credentials from the environment, and redaction of every secret from log output.

Secrets are registered once (from the environment, plus session tokens obtained at login)
and scrubbed from every log record created afterwards, whatever logger or handler it goes
to, and from every message the sync stores in the warehouse.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from customer_health.errors import ConfigError

SECRET_ENV_VARS = (
    "SALESFORCE_ACCESS_TOKEN",
    "SALESFORCE_PASSWORD",
    "SALESFORCE_SECURITY_TOKEN",
    "SALESFORCE_CLIENT_ID",
    "SALESFORCE_CLIENT_SECRET",
    "HUBSPOT_ACCESS_TOKEN",
    "SLACK_WEBHOOK_URL",
    "HEALTH_WAREHOUSE_DSN",
)
REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 4

_lock = threading.Lock()
_secrets: set[str] = set()
_factory_installed = False


def register_secret(value: str | None) -> None:
    """Remember a value that must never be shown (ignored when empty or very short)."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value)


def register_environment_secrets() -> None:
    for name in SECRET_ENV_VARS:
        value = os.environ.get(name)
        register_secret(value)
        if value and name in ("SLACK_WEBHOOK_URL",):
            # The path of an incoming webhook is the secret part.
            register_secret(urlsplit(value).path.strip("/") or None)
        if value and name == "HEALTH_WAREHOUSE_DSN":
            register_secret(_dsn_password(value))


def _dsn_password(dsn: str) -> str | None:
    if "://" in dsn:
        return urlsplit(dsn).password
    for part in dsn.split():
        key, _, value = part.partition("=")
        if key.strip() == "password":
            return value.strip("'\"")
    return None


def redact(text: object) -> str:
    """Return str(text) with every registered secret replaced."""
    result = str(text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in result:
            result = result.replace(secret, REDACTED)
    return result


def install_log_redaction() -> None:
    """Scrub secrets from every LogRecord at creation (covers all loggers and handlers)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


@dataclass(frozen=True)
class SalesforceCredentials:
    """One of three ways to authenticate; `kind` says which fields are set."""

    kind: str  # "token" | "password" | "client_credentials"
    instance_url: str | None = None
    access_token: str | None = None
    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    domain: str | None = None
    login_url: str | None = None

    def __repr__(self) -> str:  # never show secrets, even in a debugger dump
        return f"SalesforceCredentials(kind={self.kind!r})"


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def salesforce_credentials() -> SalesforceCredentials:
    """Pick the authentication method from the environment or say what is missing."""
    register_environment_secrets()
    login_url = _env("SALESFORCE_LOGIN_URL")
    domain = _env("SALESFORCE_DOMAIN")
    if _env("SALESFORCE_ACCESS_TOKEN") or _env("SALESFORCE_INSTANCE_URL"):
        missing = [n for n in ("SALESFORCE_INSTANCE_URL", "SALESFORCE_ACCESS_TOKEN") if not _env(n)]
        if missing:
            raise ConfigError(f"Salesforce token login needs {' and '.join(missing)} to be set as well.")
        instance_url = _env("SALESFORCE_INSTANCE_URL") or ""
        if not instance_url.startswith("https://"):
            raise ConfigError("SALESFORCE_INSTANCE_URL must start with https://.")
        return SalesforceCredentials(kind="token", instance_url=instance_url,
                                     access_token=_env("SALESFORCE_ACCESS_TOKEN"))
    if _env("SALESFORCE_USERNAME") or _env("SALESFORCE_PASSWORD"):
        missing = [n for n in ("SALESFORCE_USERNAME", "SALESFORCE_PASSWORD") if not _env(n)]
        if "SALESFORCE_SECURITY_TOKEN" not in os.environ:
            missing.append("SALESFORCE_SECURITY_TOKEN")
        if missing:
            raise ConfigError(f"Salesforce password login needs {', '.join(missing)} to be set as well "
                              "(SALESFORCE_SECURITY_TOKEN may be empty for a trusted IP range).")
        return SalesforceCredentials(kind="password", username=_env("SALESFORCE_USERNAME"),
                                     password=_env("SALESFORCE_PASSWORD"),
                                     security_token=os.environ.get("SALESFORCE_SECURITY_TOKEN", ""),
                                     domain=domain, login_url=login_url)
    if _env("SALESFORCE_CLIENT_ID") or _env("SALESFORCE_CLIENT_SECRET"):
        missing = [n for n in ("SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET", "SALESFORCE_DOMAIN")
                   if not _env(n)]
        if missing:
            raise ConfigError(f"Salesforce client-credentials login needs {', '.join(missing)} to be set as well.")
        return SalesforceCredentials(kind="client_credentials", client_id=_env("SALESFORCE_CLIENT_ID"),
                                     client_secret=_env("SALESFORCE_CLIENT_SECRET"),
                                     domain=domain, login_url=login_url)
    raise ConfigError(
        "No Salesforce credentials are set: set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, "
        "or SALESFORCE_USERNAME, SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN, "
        "or SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET and SALESFORCE_DOMAIN."
    )


def hubspot_token() -> str:
    register_environment_secrets()
    token = _env("HUBSPOT_ACCESS_TOKEN")
    if not token:
        raise ConfigError("HUBSPOT_ACCESS_TOKEN is not set: create a HubSpot private app token "
                          "with the crm.objects.companies.write scope and export it.")
    return token


def slack_webhook_url() -> str:
    register_environment_secrets()
    url = _env("SLACK_WEBHOOK_URL")
    if not url:
        raise ConfigError("SLACK_WEBHOOK_URL is not set: create a Slack incoming webhook and export its URL "
                          "(or use --dry-run to print the digest).")
    if not url.startswith(("https://", "http://")):
        raise ConfigError("SLACK_WEBHOOK_URL must be an http(s) URL.")
    return url
