"""Shared fixtures for tests/python (tests by area: sync/, digest/, dbt/, backtest/, dashboard/, ...).

- The code under test is the installed package `customer_health` (`make venv` installs it in
  editable mode); the shared helpers and fakes are in tests/python/support.
- `postgres_cluster`: a throwaway PostgreSQL cluster (see support/pg_cluster.py), session-scoped.
- `tls_cert`: a self-signed certificate for 127.0.0.1 (see support/tls_cert.py), session-scoped.
"""
from __future__ import annotations

import pytest

from tests.python.support.pg_cluster import postgres_cluster  # noqa: F401  (fixture re-exported for every test here)
from tests.python.support.tls_cert import Cert, make_cert


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> Cert:
    return make_cert(tmp_path_factory.mktemp("tls"))
