"""A HubSpot-like HTTP server: company properties and companies batch update.

- GET  /crm/v3/properties/companies: name, type, fieldType, options, hasUniqueValue,
  modificationMetadata.readOnlyValue;
- POST /crm/v3/objects/companies/batch/update: at most 100 inputs; 200 when all succeed,
  207 Multi-Status with errors[].context.ids for unknown ids, 400 for the whole batch when
  a property value is invalid (e.g. not one of an enumeration's options);
- 401 for a wrong token, 429 (SECONDLY with Retry-After, or DAILY), 5xx and dropped
  connections as scripted faults; X-HubSpot-RateLimit-Daily(-Remaining) headers.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from tests.python.support.fake_http import FakeServer, Reply


def prop(name: str, ptype: str, field_type: str = "text", options: list[str] | None = None,
         read_only: bool = False, unique: bool = False) -> dict[str, Any]:
    return {"name": name, "label": name, "type": ptype, "fieldType": field_type, "hasUniqueValue": unique,
            "calculated": False, "options": [{"label": o, "value": o} for o in options or []],
            "modificationMetadata": {"readOnlyValue": read_only, "archivable": True, "readOnlyDefinition": False}}


def default_properties() -> list[dict[str, Any]]:
    return [
        prop("name", "string"), prop("hs_object_id", "number", "number", read_only=True),
        prop("health_score", "number", "number"),
        prop("health_band", "enumeration", "select", ["green", "yellow", "red"]),
        prop("health_drivers", "string", "textarea"), prop("health_score_change_7d", "number", "number"),
        prop("feature_adoption_pct", "number", "number"), prop("activation_pct", "number", "number"),
        prop("active_user_pct", "number", "number"), prop("last_active_date", "date", "date"),
        prop("coverage_tier", "enumeration", "select", ["high_touch", "pooled", "tech_touch"]),
        prop("is_at_risk", "bool", "booleancheckbox", ["true", "false"]),
        prop("is_expansion_ready", "bool", "booleancheckbox", ["true", "false"]),
        prop("health_as_of", "date", "date"), prop("health_score_version", "string"),
        prop("health_account_key", "string", unique=True),
    ]


class FakeHubSpot(FakeServer):
    def __init__(self, token: str, properties: list[dict[str, Any]] | None = None, daily_limit: int = 250000):
        super().__init__()
        self.token = token
        self.properties = {p["name"]: p for p in (properties or default_properties())}
        self.companies: dict[str, dict[str, str]] = {}
        self.accepted: Counter[str] = Counter()
        self.write_requests = 0
        self.daily_used = 0
        self.daily_limit = daily_limit

    def route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        path = path.split("?")[0]
        kind = "batch" if path.endswith("/batch/update") else "properties" if "/properties/" in path else "other"
        with self.lock:
            self.daily_used += 1
        limits = {"X-HubSpot-RateLimit-Daily": str(self.daily_limit),
                  "X-HubSpot-RateLimit-Daily-Remaining": str(max(self.daily_limit - self.daily_used, 0))}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"status": "error", "message": "Authentication credentials not found.",
                               "category": "INVALID_AUTHENTICATION"}, limits)
        fault = self.take_fault(kind)
        if fault == "429":
            return Reply(429, {"status": "error", "message": "You have reached your secondly limit.",
                               "errorType": "RATE_LIMIT", "policyName": "SECONDLY"}, {**limits, "Retry-After": "0"})
        if fault == "daily":
            return Reply(429, {"status": "error", "message": "You have reached your daily limit.",
                               "errorType": "RATE_LIMIT", "policyName": "DAILY"}, limits)
        if fault in ("500", "502", "503"):
            return Reply(int(fault), {"status": "error", "message": "internal error", "category": "INTERNAL_ERROR"}, limits)
        if fault == "drop":
            return Reply(0, action="drop")
        if method == "GET" and path == "/crm/v3/properties/companies":
            return Reply(200, {"results": list(self.properties.values())}, limits)
        if method == "POST" and path == "/crm/v3/objects/companies/batch/update":
            reply = self._batch_update(json.loads(body or b"{}"))
            reply.headers = limits
            return reply
        return Reply(404, {"status": "error", "message": "not found", "category": "OBJECT_NOT_FOUND"}, limits)

    def _invalid(self, name: str, value: str) -> str | None:
        spec = self.properties.get(name)
        if spec is None:
            return f'Property "{name}" does not exist'
        if spec["modificationMetadata"]["readOnlyValue"]:
            return f'"{name}" is a read only property; its value cannot be set.'
        if value == "":
            return None
        if spec["type"] == "enumeration" and value not in [o["value"] for o in spec["options"]]:
            return f"{value} was not one of the allowed options: {[o['value'] for o in spec['options']]}"
        if spec["type"] == "number":
            try:
                float(value)
            except ValueError:
                return f"{value} is not a valid number"
        if spec["type"] == "bool" and value not in ("true", "false"):
            return f"{value} is not a valid boolean"
        return None

    def _batch_update(self, payload: dict[str, Any]) -> Reply:
        inputs = payload.get("inputs") or []
        with self.lock:
            self.write_requests += 1
        if len(inputs) > 100:
            return Reply(400, {"status": "error", "category": "VALIDATION_ERROR",
                               "message": "Batch input cannot exceed 100 items."})
        problems = []
        for item in inputs:
            for name, value in (item.get("properties") or {}).items():
                problem = self._invalid(name, str(value))
                if problem:
                    problems.append(f"Property values were not valid: {problem}")
        if problems:
            return Reply(400, {"status": "error", "category": "VALIDATION_ERROR", "message": "; ".join(problems)})
        results, missing = [], []
        with self.lock:
            for item in inputs:
                record_id = str(item.get("id"))
                if item.get("idProperty"):
                    record_id = next((cid for cid, c in self.companies.items()
                                      if c.get(item["idProperty"]) == record_id), "")
                if record_id not in self.companies:
                    missing.append(str(item.get("id")))
                    continue
                self.companies[record_id].update({k: str(v) for k, v in item["properties"].items()})
                self.accepted[record_id] += 1
                results.append({"id": record_id, "properties": self.companies[record_id], "archived": False})
        body: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": "2025-03-01T00:00:00Z",
                                "completedAt": "2025-03-01T00:00:01Z"}
        if missing:
            body["numErrors"] = 1
            body["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND",
                               "message": "Could not get some COMPANY objects, they may be deleted or not exist. "
                                          "Check that ids are valid.", "context": {"ids": missing}}]
            return Reply(207, body)
        return Reply(200, body)
