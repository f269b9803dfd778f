"""HubSpot destination: company properties check, then batch update (<= 100 per call).

A 207 Multi-Status answer is read record by record: ids named in `errors[].context.ids`
were rejected, the others (listed in `results`) were accepted. A 400 for a whole batch is
split into single-record calls so that one bad record cannot block the others.
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable, Iterator

import requests

from customer_health.sync.config import HubSpotSettings, RetrySettings
from customer_health.credentials import redact
from customer_health.errors import ConfigError, SyncStopped
from customer_health.httpclient import RETRYABLE_NETWORK_ERRORS, make_session
from customer_health.sync.outcome import BatchOutcome
from customer_health.sync.plan import OutRecord
from customer_health.retry import Backoff, parse_retry_after
from customer_health.values import BOOLEAN, DATE, INTEGER, NUMBER, TEXT, TIMESTAMP, canonical, truncate

log = logging.getLogger(__name__)

COMPATIBLE = {
    TEXT: {"string", "enumeration", "phone_number"},
    INTEGER: {"number", "string"},
    NUMBER: {"number", "string"},
    DATE: {"date", "datetime", "string"},
    TIMESTAMP: {"datetime", "string"},
    BOOLEAN: {"bool", "enumeration", "string"},
}


class HubSpotDestination:
    kind = "hubspot"

    def __init__(self, settings: HubSpotSettings, retry: RetrySettings, token: str,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.base = (os.environ.get("HUBSPOT_API_BASE") or settings.api_base).rstrip("/")
        self.backoff = Backoff.from_settings(retry, sleep)
        self.session = make_session(retry.request_timeout_seconds)
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.usage: tuple[int, int] | None = None
        self.write_requests = 0
        self.truncated = 0
        self.properties: dict[str, dict[str, Any]] = {}
        self.api_used = "batch_update"

    @property
    def name(self) -> str:
        return f"hubspot:{self.settings.object}"

    def connect(self) -> None:
        """Private app tokens need no login."""

    def _read_usage(self, response: requests.Response) -> None:
        daily = response.headers.get("X-HubSpot-RateLimit-Daily")
        remaining = response.headers.get("X-HubSpot-RateLimit-Daily-Remaining")
        if daily and remaining and daily.isdigit() and remaining.isdigit() and int(daily) > 0:
            self.usage = (int(daily) - int(remaining), int(daily))

    def check_usage(self) -> None:
        share = self.settings.api_usage_max_share
        if self.usage and self.usage[0] / self.usage[1] > share:
            used, total = self.usage
            raise SyncStopped(f"HubSpot API usage is {used}/{total} ({used / total:.0%}) of the daily limit, past the "
                              f"configured {share:.0%}; the sync stopped and keeps what succeeded so far.")

    def _request(self, method: str, path: str, what: str, body: Any = None, write: bool = False) -> requests.Response:
        """One call with retries; returns 2xx and 400 answers, stops cleanly on the rest."""
        url = f"{self.base}{path}"
        for attempt in range(1, self.backoff.max_attempts + 1):
            retry_after = None
            try:
                if write:
                    self.write_requests += 1
                response = self.session.request(method, url, json=body)
            except RETRYABLE_NETWORK_ERRORS as exc:
                reason = exc.__class__.__name__
            else:
                self._read_usage(response)
                status = response.status_code
                if status < 300 or status == 400:
                    return response
                detail = _json(response)
                if status == 401:
                    raise SyncStopped("HubSpot rejected HUBSPOT_ACCESS_TOKEN (401): it is invalid or was revoked.")
                if status == 403:
                    raise SyncStopped(f"HubSpot refused to {what} (403: {redact(detail.get('message', ''))[:200]}); "
                                      "check the private app's scopes.")
                if status == 429 and str(detail.get("policyName", "")).upper() == "DAILY":
                    raise SyncStopped("HubSpot's daily API limit is reached; the sync stopped and keeps what "
                                      "succeeded so far.")
                if status != 429 and status < 500:
                    raise SyncStopped(f"HubSpot could not {what} (HTTP {status}: "
                                      f"{redact(detail.get('message', ''))[:200]}).")
                reason = f"HTTP {status}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if attempt == self.backoff.max_attempts:
                break
            log.warning("Could not %s (%s); retry %d of %d", what, reason, attempt, self.backoff.max_attempts - 1)
            self.backoff.wait(attempt, retry_after)
        raise SyncStopped(f"Gave up trying to {what} after {self.backoff.max_attempts} attempts (last error: "
                          f"{reason}); what succeeded so far is kept and the rest is sent next run.")

    # -- field check ---------------------------------------------------------------------
    def validate(self, mapping: dict[str, str], kinds: dict[str, str]) -> None:
        obj = self.settings.object
        response = self._request("GET", f"/crm/v3/properties/{obj}", f"read the {obj} properties")
        if response.status_code != 200:
            raise ConfigError(f"HubSpot did not list the {obj} properties (HTTP {response.status_code}).")
        props = {str(p.get("name")): p for p in _json(response).get("results", [])}
        problems: list[str] = []
        for column, name in mapping.items():
            spec = props.get(name)
            kind = kinds.get(column, TEXT)
            if spec is None:
                problems.append(f"{name} (from {column}) does not exist on {obj}")
            elif (spec.get("modificationMetadata") or {}).get("readOnlyValue") or spec.get("calculated"):
                problems.append(f"{name} (from {column}) is read-only")
            elif spec.get("type") not in COMPATIBLE[kind]:
                problems.append(f"{name} is a {spec.get('type')} property and cannot hold the {kind} values of {column}")
            else:
                self.properties[name] = spec
        if self.settings.match_mode == "id_property":
            spec = props.get(self.settings.id_property)
            if spec is None or not spec.get("hasUniqueValue"):
                problems.append(f"{self.settings.id_property} must exist and have unique values to match by it")
        if problems:
            raise ConfigError(f"The HubSpot property check failed on {obj}, so nothing was written: "
                              + "; ".join(problems) + ".")

    def value(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        ptype = self.properties.get(name, {}).get("type")
        text = canonical(value) or ""
        if ptype == "datetime" and len(text) == 10:
            return text + "T00:00:00Z"
        if ptype == "date":
            return text[:10]
        if ptype in ("string", None):
            text, cut = truncate(text, self.settings.max_text_length, self.settings.truncation_marker)
            self.truncated += int(cut)
        return text

    # -- sending -------------------------------------------------------------------------
    def send(self, records: list[OutRecord]) -> Iterator[BatchOutcome]:
        size = self.settings.batch_size
        for start in range(0, len(records), size):
            self.check_usage()
            yield self._batch(records[start:start + size])

    def _input(self, record: OutRecord) -> dict[str, Any]:
        item: dict[str, Any] = {"id": record.target,
                                "properties": {n: self.value(n, v) for n, v in record.values.items()}}
        if self.settings.match_mode == "id_property":
            item["idProperty"] = self.settings.id_property
        return item

    def _batch(self, chunk: list[OutRecord]) -> BatchOutcome:
        obj = self.settings.object
        outcome = BatchOutcome(api="batch_update")
        response = self._request("POST", f"/crm/v3/objects/{obj}/batch/update", f"update {len(chunk)} {obj}",
                                 {"inputs": [self._input(r) for r in chunk]}, write=True)
        body = _json(response)
        if response.status_code == 400:
            if len(chunk) > 1:
                log.info("HubSpot rejected a batch of %d as a whole; sending its records one by one", len(chunk))
                for record in chunk:
                    outcome.merge(self._batch([record]))
                return outcome
            outcome.reject(chunk[0], None, str(body.get("category") or "VALIDATION_ERROR"),
                           str(body.get("message") or "rejected"))
            return outcome
        failed: dict[str, tuple[str, str]] = {}
        for error in body.get("errors") or []:
            context = error.get("context") or {}
            for record_id in context.get("ids") or []:
                failed[str(record_id)] = (str(error.get("category") or "ERROR"), str(error.get("message") or ""))
        returned = {str(r.get("id")) for r in body.get("results") or [] if isinstance(r, dict)}
        for record in chunk:
            if record.target in failed:
                code, message = failed[record.target]
                outcome.reject(record, None, code, message)
            elif self.settings.match_mode == "id_property" or record.target in returned:
                outcome.accept(record)
            else:
                outcome.reject(record, None, "NO_RESULT", "HubSpot returned no result for this record.")
        return outcome


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
