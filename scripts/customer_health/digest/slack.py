"""Post a payload to a Slack incoming webhook, with retries; the URL is never logged."""
from __future__ import annotations

import logging
from typing import Any

from customer_health.errors import SyncStopped
from customer_health.httpclient import RETRYABLE_NETWORK_ERRORS, make_session
from customer_health.retry import Backoff, parse_retry_after

log = logging.getLogger(__name__)


def post_webhook(url: str, payload: dict[str, Any], backoff: Backoff, timeout: float) -> None:
    """Retry 429 (honouring Retry-After), 5xx and dropped connections; other errors stop."""
    session = make_session(timeout)
    reason = "no attempt"
    for attempt in range(1, backoff.max_attempts + 1):
        retry_after = None
        try:
            response = session.post(url, json=payload)
        except RETRYABLE_NETWORK_ERRORS as exc:
            reason = exc.__class__.__name__
        else:
            if response.status_code < 300:
                return
            body = response.text.strip()[:100]
            if response.status_code != 429 and response.status_code < 500:
                raise SyncStopped(f"Slack refused the digest (HTTP {response.status_code}: {body or 'no detail'}); "
                                  "check SLACK_WEBHOOK_URL and the message format.")
            reason = f"HTTP {response.status_code}"
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if attempt < backoff.max_attempts:
            log.warning("Posting the digest failed (%s); retry %d of %d", reason, attempt, backoff.max_attempts - 1)
            backoff.wait(attempt, retry_after)
    raise SyncStopped(f"Could not post the digest to Slack after {backoff.max_attempts} attempts (last error: {reason}).")
