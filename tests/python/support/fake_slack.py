"""A Slack-incoming-webhook-like HTTP server that enforces Block Kit limits.

POST to the webhook path: 200 "ok"; 400 "invalid_blocks" when there are more than 50
blocks, a section text over 3,000 characters or a header over 150; 404 "no_service" for
another path; scripted 429 (Retry-After: 0), 5xx and dropped connections.
"""
from __future__ import annotations

import json
from typing import Any

from tests.python.support.fake_http import FakeServer, Reply


class FakeSlack(FakeServer):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = "/" + path.strip("/")
        self.webhook_url = f"{self.url}{self.path}"
        self.posts: list[dict[str, Any]] = []

    @staticmethod
    def problems(payload: dict[str, Any]) -> list[str]:
        blocks = payload.get("blocks") or []
        found = []
        if not payload.get("text") and not blocks:
            found.append("no_text")
        if len(blocks) > 50:
            found.append("too many blocks")
        for block in blocks:
            text = (block.get("text") or {}).get("text", "")
            if block.get("type") == "section" and len(text) > 3000:
                found.append("section text too long")
            if block.get("type") == "header" and (len(text) > 150 or block["text"].get("type") != "plain_text"):
                found.append("bad header")
            if block.get("type") == "context" and len(block.get("elements") or []) > 10:
                found.append("too many context elements")
        return found

    def route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        if method != "POST" or path != self.path:
            return Reply(404, "no_service", content_type="text/plain")
        fault = self.take_fault("post")
        if fault == "429":
            return Reply(429, "rate_limited", {"Retry-After": "0"}, content_type="text/plain")
        if fault in ("500", "503"):
            return Reply(int(fault), "service_unavailable", content_type="text/plain")
        if fault == "drop":
            return Reply(0, action="drop")
        try:
            payload = json.loads(body)
        except ValueError:
            return Reply(400, "invalid_payload", content_type="text/plain")
        if self.problems(payload):
            return Reply(400, "invalid_blocks", content_type="text/plain")
        with self.lock:
            self.posts.append(payload)
        return Reply(200, "ok", content_type="text/plain")
