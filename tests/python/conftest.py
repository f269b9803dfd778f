"""Shared fixtures for tests/python.

- scripts/ is importable (the reverse_etl package), as are the helper modules here.
- `postgres_cluster`: a throwaway PostgreSQL cluster (see pg_cluster.py), session-scoped.
- `tls_cert`: a self-signed certificate for 127.0.0.1 (see tls_cert.py), session-scoped.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
sys.path.insert(0, str(HERE))

from pg_cluster import postgres_cluster  # noqa: E402,F401  (fixture re-exported for every test here)
from tls_cert import Cert, make_cert  # noqa: E402


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> Cert:
    return make_cert(tmp_path_factory.mktemp("tls"))
