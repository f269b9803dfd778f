"""A requests.Session with a default timeout and TLS verification left on.

A custom CA bundle is honoured through the standard REQUESTS_CA_BUNDLE variable (requests
reads it itself); verification is never switched off.
"""
from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

RETRYABLE_NETWORK_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class _TimeoutAdapter(HTTPAdapter):
    def __init__(self, timeout: float) -> None:
        super().__init__(max_retries=0)
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def make_session(timeout: float, user_agent: str = "customer-health-reverse-etl") -> requests.Session:
    session = requests.Session()
    adapter = _TimeoutAdapter(timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = user_agent
    return session
