"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder.

One cluster per test session (``pg_cluster`` fixture in tests/conftest.py), a
fresh database per test. Run as the ``postgres`` user when the tests run as
root (initdb refuses root). When the server binaries are missing the fixture
fails loudly: CI installs Debian's ``postgresql`` package (.ci/run).

The server runs with ``fsync=off`` (a database per test is created in a
fraction of the time): stopping it with ``-m immediate`` kills the server
processes, which is what the crash test needs; the written pages are in the
kernel's cache either way. A machine crash is not simulated.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl: $PG_BIN, else the newest Debian install, else $PATH."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    as_user: list[str] = field(default_factory=list)
    superuser: str = "postgres"

    def url(self, db: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        who = user or self.superuser
        auth = f"{who}:{password}@" if password else f"{who}@"
        return f"postgresql://{auth}127.0.0.1:{self.port}/{db}"

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=60)

    def start(self) -> None:
        log = self.folder / "server.log"
        opts = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self.ctl("-w", "-l", str(log), "-o", opts, "start")

    def stop(self, mode: str = "fast") -> None:
        self.ctl("-w", "-m", mode, "stop", check=False)

    def sql(self, statement: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh, empty database; its URL (superuser)."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.sql(f"CREATE DATABASE {name}")
        return self.url(name)


@contextlib.contextmanager
def running_cluster():
    binary = pg_bin()
    if binary is None or not (binary / "initdb").exists():
        raise RuntimeError(
            "the PostgreSQL tests need the server binaries (initdb, pg_ctl): install Debian's "
            "`postgresql` package (apt-get install postgresql) or set PG_BIN; .ci/run installs it"
        )
    folder = Path(tempfile.mkdtemp(prefix="beliefs-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(folder=folder, port=_free_port(), bin=binary, as_user=as_user)
    subprocess.run(
        [*as_user, str(binary / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
         "--no-sync", "-E", "UTF8"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
