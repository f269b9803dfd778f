"""A throwaway PostgreSQL cluster for tests (initdb + pg_ctl), always stopped afterwards.

Use the `postgres_cluster` fixture (re-exported by conftest.py); it yields a DSN for a
fresh database on 127.0.0.1 and skips when the server binaries are not installed.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

PASSWORD = "pg-test-pass-4d1f"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[str]:
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    base = Path(tempfile.mkdtemp(prefix="pgtest-"))
    data, log_file, pwfile = base / "data", base / "server.log", base / "pwfile"
    pwfile.write_text(PASSWORD)
    os.chmod(pwfile, 0o600)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    port = _free_port()
    subprocess.run(_as_postgres(["initdb", "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}",
                                 "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                                 "--locale=C.UTF-8"]), check=True, capture_output=True)
    started = False
    try:
        subprocess.run(_as_postgres(["pg_ctl", "-D", str(data), "-l", str(log_file), "-w", "-o",
                                     f"-c listen_addresses=127.0.0.1 -p {port} -k {base}", "start"]),
                       check=True, capture_output=True)
        started = True
        dsn = f"host=127.0.0.1 port={port} user=postgres password={PASSWORD} dbname=postgres"
        yield dsn
    finally:
        if started:
            subprocess.run(_as_postgres(["pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"]),
                           capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
