"""Salesforce destination, driven through simple-salesforce.

- Login: access token as given; or username/password/security token (SOAP login) or
  client credentials (OAuth), both of which can log in again when the session expires.
- Field check: the object's describe, before any write.
- Writes: sObject Collections PATCH (<= 200 records, allOrNone false) for small runs,
  Bulk API 2.0 ingest jobs above `bulk_threshold`; every per-record result is read.
- Failures: retry with backoff on 429, 5xx, dropped connections and UNABLE_TO_LOCK_ROW;
  log in again once on 401 INVALID_SESSION_ID; stop cleanly on REQUEST_LIMIT_EXCEEDED or
  when Sforce-Limit-Info api-usage passes the configured share.
"""
from __future__ import annotations

import base64
import csv
import io
import logging
import time
from typing import Any, Callable, Iterator, TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (SalesforceAuthenticationFailed, SalesforceError,
                                          SalesforceExpiredSession, SalesforceRefusedRequest)
from simple_salesforce.login import SalesforceLogin, token_login

from customer_health.sync.config import RetrySettings, SalesforceSettings
from customer_health.credentials import SalesforceCredentials, redact, register_secret
from customer_health.errors import ConfigError, SyncStopped
from customer_health.httpclient import RETRYABLE_NETWORK_ERRORS, make_session
from customer_health.sync.outcome import BatchOutcome
from customer_health.sync.plan import OutRecord
from customer_health.retry import Backoff
from customer_health.values import BOOLEAN, DATE, INTEGER, NUMBER, TEXT, TIMESTAMP, canonical, json_number, truncate

log = logging.getLogger(__name__)
T = TypeVar("T")

_TEXT_TYPES = {"string", "textarea", "picklist", "combobox", "email", "url", "phone", "encryptedstring"}
_NUMBER_TYPES = {"double", "percent", "currency"}
# Which Salesforce field types can hold each kind of mart column.
COMPATIBLE = {
    TEXT: _TEXT_TYPES,
    INTEGER: {"int", "long"} | _NUMBER_TYPES | _TEXT_TYPES - {"picklist"},
    NUMBER: _NUMBER_TYPES | _TEXT_TYPES - {"picklist"},
    DATE: {"date", "datetime"} | _TEXT_TYPES - {"picklist"},
    TIMESTAMP: {"datetime"} | _TEXT_TYPES - {"picklist"},
    BOOLEAN: {"boolean"} | _TEXT_TYPES,
}
BULK_NULL = "#N/A"
LOCK_ERROR = "UNABLE_TO_LOCK_ROW"


def error_code(exc: SalesforceError) -> tuple[str, str]:
    """(errorCode, message) from a simple-salesforce exception's response content."""
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode") or "UNKNOWN"), str(content[0].get("message") or "")
    if isinstance(content, dict):
        return str(content.get("errorCode") or content.get("error") or "UNKNOWN"), str(content.get("message") or "")
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return "UNKNOWN", str(content or "")[:300]


class SalesforceDestination:
    """Holds the client, the session (re-login replaces it) and the last API usage seen."""

    kind = "salesforce"

    def __init__(self, settings: SalesforceSettings, retry: RetrySettings, credentials: SalesforceCredentials,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.credentials = credentials
        self.backoff = Backoff.from_settings(retry, sleep)
        self.lock_attempts = retry.lock_retry_attempts
        self.session = make_session(retry.request_timeout_seconds)
        self.session.hooks["response"].append(self._read_usage)
        self.usage: tuple[int, int] | None = None
        self.write_requests = 0
        self.truncated = 0
        self.fields: dict[str, dict[str, Any]] = {}
        self.sf: Salesforce | None = None
        self.api_used = ""

    @property
    def name(self) -> str:
        return f"salesforce:{self.settings.object}"

    # -- session -------------------------------------------------------------------------
    def _read_usage(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        header = response.headers.get("Sforce-Limit-Info")
        if header:
            usage = Salesforce.parse_api_usage(header).get("api-usage")
            if usage is not None:
                self.usage = (usage.used, usage.total)

    def _login(self) -> Salesforce:
        settings, creds = self.settings, self.credentials
        if creds.kind == "token":
            return Salesforce(session_id=creds.access_token, instance_url=creds.instance_url,
                              session=self.session, version=settings.api_version)
        base = (creds.login_url or f"https://{creds.domain or 'login'}.salesforce.com").rstrip("/")
        if creds.kind == "password":
            session_id, instance = SalesforceLogin(
                username=creds.username, password=creds.password, security_token=creds.security_token,
                domain=creds.domain or "login", sf_version=settings.api_version, session=self.session,
                scratch_url=base)
        else:
            basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
            register_secret(basic)
            session_id, instance = token_login(f"{base}/services/oauth2/token", {"grant_type": "client_credentials"},
                                               creds.domain or "login", creds.client_id or "",
                                               {"Authorization": f"Basic {basic}"}, None, self.session)
        register_secret(session_id)
        return Salesforce(session_id=session_id, instance_url=f"https://{instance}", session=self.session,
                          version=settings.api_version)

    def _login_with_retry(self, first: bool) -> Salesforce:
        for attempt in range(1, self.backoff.max_attempts + 1):
            try:
                return self._login()
            except SalesforceAuthenticationFailed as exc:
                message = f"Salesforce login failed ({exc.code}: {redact(exc.auth_message)[:200]}); check the SALESFORCE_* credentials."
                raise (ConfigError(message) if first else SyncStopped(message)) from None
            except RETRYABLE_NETWORK_ERRORS as exc:
                reason = exc.__class__.__name__
            except requests.RequestException as exc:
                raise ConfigError(f"Salesforce login failed ({exc.__class__.__name__}).") from None
            if attempt == self.backoff.max_attempts:
                break
            log.warning("Salesforce login failed (%s); retrying (%d/%d)", reason, attempt, self.backoff.max_attempts)
            self.backoff.wait(attempt)
        error = f"Could not reach Salesforce to log in after {self.backoff.max_attempts} attempts."
        raise ConfigError(error) if first else SyncStopped(error)

    def connect(self) -> None:
        self.sf = self._login_with_retry(first=True)

    def _client(self) -> Salesforce:
        assert self.sf is not None, "connect() first"
        return self.sf

    def _call(self, what: str, fn: Callable[[], T], write: bool = False) -> T:
        """Run one API call with retries, one re-login on an expired session, clean stops."""
        attempt = 0
        relogged = False
        while True:
            attempt += 1
            try:
                if write:
                    self.write_requests += 1
                return fn()
            except SalesforceExpiredSession as exc:
                code, _ = error_code(exc)
                if self.credentials.kind == "token":
                    raise SyncStopped("Salesforce rejected SALESFORCE_ACCESS_TOKEN "
                                      f"({code}): it expired or was revoked; set a fresh token, or use "
                                      "password or client-credential login so the sync can log in again.") from None
                if relogged:
                    raise SyncStopped(f"Salesforce rejected the session again right after a new login ({code}) "
                                      f"while trying to {what}.") from None
                log.warning("Salesforce session expired (%s) while trying to %s; logging in again", code, what)
                self.sf = self._login_with_retry(first=False)
                relogged = True
                attempt -= 1
                continue
            except SalesforceRefusedRequest as exc:
                code, message = error_code(exc)
                if code == "REQUEST_LIMIT_EXCEEDED":
                    raise SyncStopped("Salesforce refused the request because the org's API request limit is "
                                      "exceeded (REQUEST_LIMIT_EXCEEDED); the sync stopped and keeps what "
                                      "succeeded so far.") from None
                raise SyncStopped(f"Salesforce refused to {what} (HTTP 403, {code}: {redact(message)[:200]}).") from None
            except SalesforceError as exc:
                code, message = error_code(exc)
                if not (exc.status == 429 or exc.status >= 500 or code == LOCK_ERROR):
                    raise SyncStopped(f"Salesforce could not {what} (HTTP {exc.status}, {code}: "
                                      f"{redact(message)[:200]}).") from None
                reason = f"HTTP {exc.status} {code}"
            except RETRYABLE_NETWORK_ERRORS as exc:
                reason = exc.__class__.__name__
            if attempt >= self.backoff.max_attempts:
                raise SyncStopped(f"Gave up trying to {what} after {attempt} attempts (last error: {reason}); "
                                  "what succeeded so far is kept and the rest is sent next run.")
            log.warning("Could not %s (%s); retry %d of %d", what, reason, attempt, self.backoff.max_attempts - 1)
            self.backoff.wait(attempt)

    def check_usage(self) -> None:
        share = self.settings.api_usage_max_share
        if self.usage and self.usage[1] > 0 and self.usage[0] / self.usage[1] > share:
            used, total = self.usage
            raise SyncStopped(f"Salesforce API usage is {used}/{total} ({used / total:.0%}), past the configured "
                              f"{share:.0%} of the daily limit; the sync stopped and keeps what succeeded so far.")

    # -- field check ---------------------------------------------------------------------
    def validate(self, mapping: dict[str, str], kinds: dict[str, str]) -> None:
        obj = self.settings.object
        describe = self._call(f"read the {obj} describe", lambda: self._client().restful(f"sobjects/{obj}/describe"))
        fields = {str(f["name"]).lower(): f for f in (describe or {}).get("fields", [])}
        problems: list[str] = []
        upsert = self.settings.match_mode == "external_id"
        for column, name in mapping.items():
            spec = fields.get(name.lower())
            kind = kinds.get(column, TEXT)
            if spec is None:
                problems.append(f"{name} (from {column}) does not exist on {obj}")
            elif not spec.get("updateable"):
                problems.append(f"{name} (from {column}) is not updateable")
            elif upsert and spec.get("createable") is False:
                problems.append(f"{name} (from {column}) is not createable, which upsert needs")
            elif spec.get("type") not in COMPATIBLE[kind]:
                problems.append(f"{name} is a {spec.get('type')} field and cannot hold the {kind} values of {column}")
            else:
                self.fields[name] = spec
        if upsert:
            ext = self.settings.external_id_field
            spec = fields.get(ext.lower())
            if spec is None:
                problems.append(f"external id field {ext} does not exist on {obj}")
            elif not (spec.get("externalId") or spec.get("idLookup")):
                problems.append(f"{ext} is not marked as an External ID field")
        if problems:
            raise ConfigError(f"The Salesforce field check failed on {obj}, so nothing was written: "
                              + "; ".join(problems) + ".")

    # -- value formatting ----------------------------------------------------------------
    def _text(self, field_name: str, value: Any) -> str:
        text = canonical(value) or ""
        spec = self.fields.get(field_name, {})
        if spec.get("type") in _TEXT_TYPES:
            text, cut = truncate(text, spec.get("length"), self.settings.truncation_marker)
            self.truncated += int(cut)
        return text

    def json_value(self, field_name: str, value: Any) -> Any:
        ftype = self.fields.get(field_name, {}).get("type")
        if ftype == "boolean":
            return bool(value) if value is not None else False  # a checkbox cannot be empty
        if value is None:
            return None
        if ftype in ("int", "long"):
            number = json_number(value)
            return int(number) if number is not None else None
        if ftype in _NUMBER_TYPES:
            return json_number(value)
        if ftype == "datetime":
            text = canonical(value) or ""
            return text + "T00:00:00.000Z" if len(text) == 10 else text + "Z"
        if ftype == "date":
            return (canonical(value) or "")[:10]
        return self._text(field_name, value)

    def csv_value(self, field_name: str, value: Any) -> str:
        formatted = self.json_value(field_name, value)
        if formatted is None:
            return BULK_NULL
        if isinstance(formatted, bool):
            return "true" if formatted else "false"
        return canonical(formatted) or ""

    def _match_field(self) -> str:
        return "Id" if self.settings.match_mode == "id" else self.settings.external_id_field

    # -- sending -------------------------------------------------------------------------
    def send(self, records: list[OutRecord]) -> Iterator[BatchOutcome]:
        """Yield one outcome per request batch (collections) or per job (bulk)."""
        use_bulk = len(records) > self.settings.bulk_threshold
        self.api_used = "bulk2" if use_bulk else "collections"
        size = self.settings.bulk_job_size if use_bulk else self.settings.collections_batch_size
        for start in range(0, len(records), size):
            self.check_usage()
            chunk = records[start:start + size]
            yield self._bulk_job(chunk) if use_bulk else self._collection(chunk)

    def _collection(self, chunk: list[OutRecord]) -> BatchOutcome:
        outcome = BatchOutcome(api="collections")
        obj = self.settings.object
        path = ("composite/sobjects" if self.settings.match_mode == "id"
                else f"composite/sobjects/{obj}/{self.settings.external_id_field}")
        bodies = {r.key: self._sobject(r) for r in chunk}
        pending = chunk
        for attempt in range(1, self.lock_attempts + 1):
            payload = {"allOrNone": False, "records": [bodies[r.key] for r in pending]}
            results = self._call(f"send {len(pending)} {obj} records", lambda: self._client().restful(
                path, method="PATCH", json=payload), write=True)
            results = results if isinstance(results, list) else []
            locked: list[OutRecord] = []
            for index, record in enumerate(pending):
                result = results[index] if index < len(results) and isinstance(results[index], dict) else None
                if result is None:
                    outcome.reject(record, None, "NO_RESULT", "Salesforce returned no result for this record.")
                elif result.get("success"):
                    outcome.accept(record, created=bool(result.get("created")))
                else:
                    errors = result.get("errors") or [{"statusCode": "UNKNOWN", "message": "rejected without detail"}]
                    if attempt < self.lock_attempts and all(e.get("statusCode") == LOCK_ERROR for e in errors):
                        locked.append(record)
                        continue
                    for error in errors:
                        for field_name in error.get("fields") or [None]:
                            outcome.reject(record, field_name, str(error.get("statusCode") or "UNKNOWN"),
                                           str(error.get("message") or ""))
            if not locked:
                break
            log.info("%d record(s) hit %s; retrying them (%d/%d)", len(locked), LOCK_ERROR, attempt,
                     self.lock_attempts - 1)
            self.backoff.wait(attempt)
            pending = locked
        return outcome

    def _sobject(self, record: OutRecord) -> dict[str, Any]:
        body: dict[str, Any] = {"attributes": {"type": self.settings.object}, self._match_field(): record.target}
        for name, value in record.values.items():
            body[name] = self.json_value(name, value)
        return body

    def _bulk_client(self) -> Any:
        # simple-salesforce's own Bulk 2.0 client, step by step, so that each step retries on its own.
        return getattr(self._client().bulk2, self.settings.object)._client

    def _bulk_job(self, chunk: list[OutRecord]) -> BatchOutcome:
        match_field = self._match_field()
        fields = list(chunk[0].values) if chunk else []
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([match_field, *fields])
        for record in chunk:
            writer.writerow([record.target, *(self.csv_value(f, record.values.get(f)) for f in fields)])
        data = buffer.getvalue()
        operation = "update" if self.settings.match_mode == "id" else "upsert"
        external_id = self.settings.external_id_field if operation == "upsert" else None

        def start() -> str:
            client = self._bulk_client()
            job = client.create_job(operation, external_id_field=external_id)
            job_id = str(job["id"])
            try:
                client.upload_job_data(job_id, data)
                client.close_job(job_id)
            except (SalesforceError, requests.RequestException):
                self._abort_quietly(job_id)
                raise
            return job_id

        job_id = self._call(f"start a Bulk API 2.0 {operation} job for {len(chunk)} records", start, write=True)
        log.info("Bulk API 2.0 job %s: %d records uploaded", job_id, len(chunk))
        info = self._wait_for_job(job_id)
        state = str(info.get("state"))

        def results(kind: str) -> list[dict[str, str]]:
            text = self._call(f"read the {kind} of job {job_id}",
                              lambda: self._bulk_client().get_ingest_results(job_id, kind))
            text = (text or "").lstrip("\ufeff")
            return list(csv.DictReader(io.StringIO(text))) if text.strip() else []

        succeeded, failed, unprocessed = (results("successfulResults"), results("failedResults"),
                                          results("unprocessedrecords"))
        accounted = len(succeeded) + len(failed) + len(unprocessed)
        if accounted != len(chunk):
            log.warning("Bulk API 2.0 job %s: sent %d records but succeeded %d + failed %d + unprocessed %d = %d",
                        job_id, len(chunk), len(succeeded), len(failed), len(unprocessed), accounted)
        by_target = {r.target: r for r in chunk}
        seen: set[str] = set()
        outcome = BatchOutcome(api="bulk2")
        locked: list[OutRecord] = []

        def find(row: dict[str, str]) -> OutRecord | None:
            for candidate in (row.get(match_field), row.get("sf__Id")):
                if candidate and candidate in by_target and candidate not in seen:
                    seen.add(candidate)
                    return by_target[candidate]
            return None

        for row in succeeded:
            record = find(row)
            if record is not None:
                outcome.accept(record, created=str(row.get("sf__Created", "")).lower() == "true")
        for row in failed:
            record = find(row)
            if record is None:
                continue
            code, _, message = str(row.get("sf__Error") or "UNKNOWN:").partition(":")
            if code == LOCK_ERROR:
                locked.append(record)
            else:
                outcome.reject(record, None, code or "UNKNOWN", message.rstrip(": -"))
        for row in unprocessed:
            record = find(row)
            if record is not None:
                outcome.reject(record, None, "UNPROCESSED",
                               f"Bulk API job {job_id} ended {state} before processing this record.")
        for target, record in by_target.items():
            if target not in seen:
                message = str(info.get("errorMessage") or f"no result for this record in job {job_id}")
                outcome.reject(record, None, "JOB_" + state.upper() if state != "JobComplete" else "NO_RESULT",
                               message)
        if locked:
            log.info("%d record(s) of job %s hit %s; retrying them through sObject Collections",
                     len(locked), job_id, LOCK_ERROR)
            self.backoff.wait(1)
            size = self.settings.collections_batch_size
            for start_at in range(0, len(locked), size):
                outcome.merge(self._collection(locked[start_at:start_at + size]))
        return outcome

    def _abort_quietly(self, job_id: str) -> None:
        try:
            self._bulk_client().abort_job(job_id, False)
        except (SalesforceError, requests.RequestException) as exc:
            log.warning("Could not abort Bulk API job %s (%s)", job_id, exc.__class__.__name__)

    def _wait_for_job(self, job_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.settings.bulk_timeout_seconds
        while True:
            info = self._call(f"check Bulk API job {job_id}", lambda: self._bulk_client().get_job(job_id, False))
            if info.get("state") in ("JobComplete", "Failed", "Aborted"):
                return dict(info)
            if time.monotonic() > deadline:
                raise SyncStopped(f"Bulk API job {job_id} did not finish within "
                                  f"{self.settings.bulk_timeout_seconds:.0f} s; its records will be sent again next run.")
            self.backoff.sleep(self.settings.bulk_poll_seconds)
