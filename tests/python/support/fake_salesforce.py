"""A Salesforce-like HTTPS server for the reverse-ETL tests.

Behaves like the real REST API for what the sync uses:
- login: OAuth client-credentials token endpoint and the SOAP partner login;
- GET  /services/data/vXX.X/sobjects/Account/describe (name, type, length, updateable,
  createable, externalId, picklistValues, restrictedPicklist);
- PATCH /services/data/vXX.X/composite/sobjects[/Account/ExtField] (sObject Collections
  update / upsert, at most 200 records, per-record SaveResult/UpsertResult with errors);
- Bulk API 2.0 ingest: create job, PUT CSV (201), PATCH UploadComplete, job status
  (InProgress first, then JobComplete/Failed), successfulResults / failedResults /
  unprocessedrecords CSV files;
- Sforce-Limit-Info: api-usage=N/M on every API answer, 401 INVALID_SESSION_ID for unknown
  or expired sessions, and scripted faults (503, 429, REQUEST_LIMIT_EXCEEDED, session expiry,
  dropped connections, per-record UNABLE_TO_LOCK_ROW).
"""
from __future__ import annotations

import base64
import csv
import io
import itertools
import json
import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

from tests.python.support.fake_http import FakeServer, Reply

API = re.compile(r"^/services/data/v(?P<version>\d+\.\d)(?P<rest>/.*)$")
SF_ID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")


def field(name: str, ftype: str, length: int = 0, updateable: bool = True, external_id: bool = False,
          picklist: list[str] | None = None, restricted: bool = False) -> dict[str, Any]:
    return {"name": name, "type": ftype, "length": length, "updateable": updateable, "createable": updateable,
            "externalId": external_id, "nillable": True, "restrictedPicklist": restricted,
            "picklistValues": [{"value": v, "label": v, "active": True} for v in picklist or []]}


def default_fields() -> list[dict[str, Any]]:
    return [
        field("Id", "id", 18, updateable=False),
        field("Name", "string", 255),
        field("Health_Score__c", "double"),
        field("Health_Band__c", "picklist", 255, picklist=["green", "yellow", "red"], restricted=True),
        field("Health_Drivers__c", "textarea", 255),
        field("Health_Score_Change_7d__c", "double"),
        field("Feature_Adoption__c", "percent"),
        field("Activation__c", "percent"),
        field("Active_User_Pct__c", "percent"),
        field("Last_Active_Date__c", "date"),
        field("Coverage_Tier__c", "picklist", 255, picklist=["high_touch", "pooled", "tech_touch"]),
        field("At_Risk__c", "boolean"),
        field("Expansion_Ready__c", "boolean"),
        field("Health_As_Of__c", "date"),
        field("Health_Score_Version__c", "string", 20),
        field("Health_Account_Key__c", "string", 64, external_id=True),
    ]


def error(code: str, message: str, fields: list[str] | None = None) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": fields or []}


class FakeSalesforce(FakeServer):
    def __init__(self, certfile: str, keyfile: str, *, token: str | None = None, client_id: str | None = None,
                 client_secret: str | None = None, username: str | None = None, password: str | None = None,
                 security_token: str = "", daily_limit: int = 100000, fields: list[dict[str, Any]] | None = None):
        super().__init__(certfile, keyfile)
        self.fields = {f["name"]: f for f in (fields or default_fields())}
        self.records: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()
        self.accepted: Counter[str] = Counter()          # record id -> writes applied
        self.write_requests = 0                          # collection PATCHes + bulk job creations
        self.collection_batches = 0
        self.bulk_jobs: dict[str, dict[str, Any]] = {}
        self.lock_failures: dict[str, int] = {}          # record id -> times to answer UNABLE_TO_LOCK_ROW
        self.custom_rejections: dict[tuple[str, Any], tuple[str, str]] = {}
        self.echo_authorization = False                  # put the caller's Authorization header in errors
        self.bulk_unprocessed = 0                        # last N rows of the next job are left unprocessed
        self.hold_on_collection: int | None = None       # hold (apply, never answer) the Nth collection PATCH
        self.tokens: set[str] = {token} if token else set()
        self.client_id, self.client_secret = client_id, client_secret
        self.username, self.password, self.security_token = username, password, security_token
        self.logins = 0
        self.api_used = 0
        self.api_total = daily_limit
        self._ids = itertools.count(1)
        self._last_auth = ""

    # -- test helpers --------------------------------------------------------------------
    def new_id(self) -> str:
        return f"001NEWX{next(self._ids):011d}"

    def add_account(self, record_id: str, **values: Any) -> None:
        self.records[record_id] = {"Id": record_id, **values}

    def expire_sessions(self) -> None:
        with self.lock:
            self.tokens.clear()

    # -- routing -------------------------------------------------------------------------
    def route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        path = path.split("?")[0]
        if path == "/services/oauth2/token" and method == "POST":
            return self._token_login(headers, body)
        if path.startswith("/services/Soap/u/") and method == "POST":
            return self._soap_login(body)
        match = API.match(path)
        if not match:
            return Reply(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
        rest = match.group("rest")
        request_type = self._request_type(method, rest)
        with self.lock:
            self.api_used += 1
        usage = {"Sforce-Limit-Info": f"api-usage={self.api_used}/{self.api_total}"}
        fault = self.take_fault(request_type)
        if fault == "expire":
            self.expire_sessions()
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            message = "Session expired or invalid"
            if self.echo_authorization:
                message += f" ({auth})"
            return Reply(401, [{"message": message, "errorCode": "INVALID_SESSION_ID"}], usage)
        if fault in ("503", "500"):
            return Reply(int(fault), [{"errorCode": "SERVER_UNAVAILABLE", "message": "try again later"}], usage)
        if fault == "429":
            return Reply(429, [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "ConcurrentPerOrgLongTxn Limit exceeded."}], usage)
        if fault == "lock":
            return Reply(400, [{"errorCode": "UNABLE_TO_LOCK_ROW",
                                "message": "unable to obtain exclusive access to this record"}], usage)
        if fault == "limit":
            return Reply(403, [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}], usage)
        if fault == "drop":
            return Reply(0, action="drop")
        self._last_auth = auth
        reply = self._dispatch(method, rest, body)
        reply.headers = {**usage, **(reply.headers or {})}
        if fault == "drop_after":
            reply.action = "drop"
        if request_type == "collections" and self.hold_on_collection == self.collection_batches:
            reply.action = "hold"
        return reply

    @staticmethod
    def _request_type(method: str, rest: str) -> str:
        if rest.endswith("/describe"):
            return "describe"
        if rest.startswith("/composite/sobjects"):
            return "collections"
        if rest == "/jobs/ingest" and method == "POST":
            return "bulk_create"
        if rest.endswith("/batches"):
            return "bulk_upload"
        if rest.startswith("/jobs/ingest/") and method == "PATCH":
            return "bulk_close"
        if rest.startswith("/jobs/ingest/") and rest.count("/") == 3:
            return "bulk_status"
        if rest.startswith("/jobs/ingest/"):
            return "bulk_results"
        return "other"

    def _dispatch(self, method: str, rest: str, body: bytes) -> Reply:
        if method == "GET" and rest == "/sobjects/Account/describe":
            return Reply(200, {"name": "Account", "updateable": True, "fields": list(self.fields.values())})
        if method == "PATCH" and rest.startswith("/composite/sobjects"):
            parts = rest.strip("/").split("/")
            external = parts[3] if len(parts) == 4 else None
            return self._collections(json.loads(body or b"{}"), external)
        if rest.startswith("/jobs/ingest"):
            return self._bulk(method, rest, body)
        return Reply(404, [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])

    # -- login ---------------------------------------------------------------------------
    def _issue_token(self) -> str:
        with self.lock:
            self.logins += 1
            token = f"00DFAKE!session{self.logins}x{len(self.tokens)}"
            self.tokens.add(token)
            return token

    def _token_login(self, headers: dict[str, str], body: bytes) -> Reply:
        form = parse_qs(body.decode())
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if form.get("grant_type") != ["client_credentials"] or headers.get("Authorization") != f"Basic {expected}":
            return Reply(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
        return Reply(200, {"access_token": self._issue_token(), "instance_url": self.url, "token_type": "Bearer",
                           "id": f"{self.url}/id/00D/005", "issued_at": "1700000000000"})

    def _soap_login(self, body: bytes) -> Reply:
        text = body.decode()
        user = re.search(r"<n1:username>(.*?)</n1:username>", text)
        secret = re.search(r"<n1:password>(.*?)</n1:password>", text)
        if not user or not secret or user.group(1) != self.username or \
                secret.group(1) != f"{self.password}{self.security_token}":
            fault = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
                     '"http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com">'
                     "<soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN</faultcode><detail><sf:LoginFault>"
                     "<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, "
                     "password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail>"
                     "</soapenv:Fault></soapenv:Body></soapenv:Envelope>")
            return Reply(500, fault, content_type="text/xml")
        token = self._issue_token()
        ok = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
              '"http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><loginResponse><result>'
              f"<serverUrl>{self.url}/services/Soap/u/62.0/00DFAKE</serverUrl><sessionId>{token}</sessionId>"
              "</result></loginResponse></soapenv:Body></soapenv:Envelope>")
        return Reply(200, ok, content_type="text/xml")

    # -- record writes -------------------------------------------------------------------
    def _check_value(self, name: str, value: Any) -> dict[str, Any] | None:
        spec = self.fields.get(name)
        if spec is None:
            return error("INVALID_FIELD", f"No such column '{name}' on sobject of type Account", [name])
        if not spec["updateable"]:
            return error("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {name}.", [name])
        if (name, value) in self.custom_rejections:
            code, message = self.custom_rejections[(name, value)]
            return error(code, message, [name])
        if value is None:
            return None
        ftype = spec["type"]
        if ftype in ("string", "textarea", "picklist") and len(str(value)) > spec["length"]:
            return error("STRING_TOO_LONG", f"{name}: data value too large", [name])
        if ftype == "picklist" and spec["restrictedPicklist"] and \
                value not in [p["value"] for p in spec["picklistValues"]]:
            return error("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f"bad value for restricted picklist field: {value}", [name])
        if ftype in ("double", "percent", "currency") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return error("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name}: value not of required type: {value}", [name])
        if ftype == "boolean" and not isinstance(value, bool):
            return error("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name}: value not of required type: {value}", [name])
        if ftype == "date" and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
            return error("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name}: value not of required type: {value}", [name])
        return None

    def _write(self, record_id: str | None, values: dict[str, Any], external: str | None) -> dict[str, Any]:
        """Apply one record; returns a SaveResult / UpsertResult."""
        created = False
        with self.lock:
            if external is not None:
                key = values.get(external)
                record_id = next((rid for rid, rec in self.records.items() if rec.get(external) == key), None)
                if record_id is None:
                    record_id, created = self.new_id(), True
            if record_id is None or not SF_ID.match(record_id):
                return {"id": None, "success": False, "errors": [error("MALFORMED_ID", f"bad id {record_id}", ["Id"])]}
            if record_id in self.deleted:
                return {"id": record_id, "success": False, "errors": [error("ENTITY_IS_DELETED", "entity is deleted")]}
            if not created and record_id not in self.records:
                return {"id": record_id, "success": False,
                        "errors": [error("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")]}
            if self.lock_failures.get(record_id, 0) > 0:
                self.lock_failures[record_id] -= 1
                return {"id": record_id, "success": False, "errors": [error(
                    "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records")]}
            errors = [e for name, value in values.items() if name != "Id" and (e := self._check_value(name, value))]
            if errors:
                return {"id": record_id, "success": False, "errors": errors}
            record = self.records.setdefault(record_id, {"Id": record_id})
            record.update({k: v for k, v in values.items() if k != "Id"})
            self.accepted[record_id] += 1
        result = {"id": record_id, "success": True, "errors": []}
        if external is not None:
            result["created"] = created
        return result

    def _collections(self, payload: dict[str, Any], external: str | None) -> Reply:
        records = payload.get("records") or []
        with self.lock:
            self.write_requests += 1
            self.collection_batches += 1
        if len(records) > 200:
            return Reply(400, [{"errorCode": "EXCEEDED_ID_LIMIT",
                                "message": "record limit reached. cannot submit more than 200 records into this call"}])
        if payload.get("allOrNone"):
            return Reply(400, [{"errorCode": "UNSUPPORTED", "message": "the fake supports allOrNone=false only"}])
        results = []
        for record in records:
            values = {k: v for k, v in record.items() if k != "attributes"}
            if (record.get("attributes") or {}).get("type") != "Account":
                results.append({"success": False, "errors": [error("INVALID_TYPE", "attributes.type must be Account")]})
                continue
            results.append(self._write(values.get("Id"), values, external))
        if self.echo_authorization:  # a careless server: echo the caller's credentials in error messages
            for result in results:
                for item in result.get("errors") or []:
                    item["message"] += f" (request {self._last_auth})"
        return Reply(200, results)

    # -- Bulk API 2.0 --------------------------------------------------------------------
    def _job_info(self, job: dict[str, Any]) -> dict[str, Any]:
        return {key: job[key] for key in ("id", "operation", "object", "state", "externalIdFieldName",
                                          "numberRecordsProcessed", "numberRecordsFailed", "errorMessage",
                                          "contentType", "lineEnding", "columnDelimiter")}

    def _bulk(self, method: str, rest: str, body: bytes) -> Reply:
        parts = rest.strip("/").split("/")  # jobs, ingest, [id], [results]
        if method == "POST" and len(parts) == 2:
            spec = json.loads(body)
            with self.lock:
                self.write_requests += 1
                job_id = f"750FAKE{len(self.bulk_jobs) + 1:011d}"
                self.bulk_jobs[job_id] = {
                    "id": job_id, "operation": spec["operation"], "object": spec["object"], "state": "Open",
                    "externalIdFieldName": spec.get("externalIdFieldName"), "contentType": "CSV",
                    "lineEnding": spec.get("lineEnding", "LF"), "columnDelimiter": spec.get("columnDelimiter", "COMMA"),
                    "numberRecordsProcessed": 0, "numberRecordsFailed": 0, "errorMessage": None,
                    "data": None, "results": None, "polls": 0}
            return Reply(200, self._job_info(self.bulk_jobs[job_id]))
        job = self.bulk_jobs.get(parts[2]) if len(parts) > 2 else None
        if job is None:
            return Reply(404, [{"errorCode": "NOT_FOUND", "message": "job not found"}])
        if len(parts) == 4 and parts[3] == "batches" and method == "PUT":
            if job["state"] != "Open" or job["data"] is not None:
                return Reply(400, [{"errorCode": "INVALIDJOBSTATE", "message": "job is not open for data"}])
            job["data"] = body.decode("utf-8")
            return Reply(201, b"", content_type="text/plain")
        if len(parts) == 3 and method == "PATCH":
            state = json.loads(body).get("state")
            if state == "UploadComplete" and job["state"] == "Open":
                self._process_job(job)
                job["state"] = "UploadComplete"
            elif state == "Aborted":
                job["state"] = "Aborted"
            return Reply(200, self._job_info(job))
        if len(parts) == 3 and method == "GET":
            if job["state"] == "UploadComplete":
                job["state"] = "InProgress"
            elif job["state"] == "InProgress":
                job["state"] = job["final_state"]
            return Reply(200, self._job_info(job))
        if len(parts) == 4 and method == "GET":
            kind = parts[3].lower()
            results = job["results"] or {}
            text = {"successfulresults": results.get("success", ""), "failedresults": results.get("failed", ""),
                    "unprocessedrecords": results.get("unprocessed", "")}.get(kind)
            if text is None:
                return Reply(404, [{"errorCode": "NOT_FOUND", "message": "unknown result set"}])
            return Reply(200, text, content_type="text/csv")
        return Reply(405, [{"errorCode": "METHOD_NOT_ALLOWED", "message": "not supported"}])

    def _csv_value(self, name: str, raw: str) -> Any:
        if raw == "#N/A":
            return None
        ftype = self.fields.get(name, {}).get("type")
        if ftype in ("double", "percent", "currency"):
            try:
                return float(raw)
            except ValueError:
                return raw
        if ftype == "boolean":
            return {"true": True, "false": False}.get(raw.lower(), raw)
        return raw

    def _process_job(self, job: dict[str, Any]) -> None:
        rows = list(csv.DictReader(io.StringIO(job["data"] or "")))
        columns = list(rows[0].keys()) if rows else []
        cut = len(rows) - self.bulk_unprocessed if self.bulk_unprocessed else len(rows)
        self.bulk_unprocessed = 0
        external = job["externalIdFieldName"] if job["operation"] == "upsert" else None
        success, failed, unprocessed = io.StringIO(), io.StringIO(), io.StringIO()
        ok_writer = csv.writer(success, lineterminator="\n")
        bad_writer = csv.writer(failed, lineterminator="\n")
        rest_writer = csv.writer(unprocessed, lineterminator="\n")
        ok_writer.writerow(["sf__Id", "sf__Created", *columns])
        bad_writer.writerow(["sf__Id", "sf__Error", *columns])
        rest_writer.writerow(columns)
        processed = failures = 0
        for index, row in enumerate(rows):
            if index >= cut:
                rest_writer.writerow([row[c] for c in columns])
                continue
            values = {c: self._csv_value(c, v) for c, v in row.items()}
            result = self._write(row.get("Id"), values, external)
            processed += 1
            if result["success"]:
                ok_writer.writerow([result["id"], "true" if result.get("created") else "false",
                                    *[row[c] for c in columns]])
            else:
                failures += 1
                first = result["errors"][0]
                bad_writer.writerow([result["id"] or "", f"{first['statusCode']}:{first['message']}:--",
                                     *[row[c] for c in columns]])
        job.update(numberRecordsProcessed=processed, numberRecordsFailed=failures,
                   final_state="JobComplete" if cut == len(rows) else "Failed",
                   errorMessage=None if cut == len(rows) else "InvalidBatch : job stopped before the last records",
                   results={"success": success.getvalue(), "failed": failed.getvalue(),
                            "unprocessed": unprocessed.getvalue()})
