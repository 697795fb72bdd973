"""A throwaway PostgreSQL cluster in a temp dir, for tests and benchmarks.

initdb refuses to run as root, and sessions and CI run as root: the data
directory belongs to the `postgres` system user and the server runs as it.
A cluster can be halted and resumed on the same port, keeping its data, for
the tests of what the app does while its database is away.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL's initdb is not installed; `make test` installs the postgresql package.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self):
        self.bindir = _bindir()
        self.dir = Path(tempfile.mkdtemp(prefix="forum-pg-"))
        self.port = free_port()
        self.user = "forum"

    def _as_postgres(self, *args: str) -> list[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        subprocess.run(
            self._as_postgres("initdb", "-D", str(data), "-A", "trust", "-U", self.user, "-E", "UTF8", "--no-sync"),
            check=True, capture_output=True,
        )
        return self.resume()

    def resume(self) -> Cluster:
        """Start the server on its data directory (again), and wait until it takes connections."""
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            self._as_postgres("pg_ctl", "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"),
                              "-w", "start"),
            check=True, capture_output=True,
        )
        return self

    def halt(self, mode: str = "fast") -> None:
        """Stop the server and keep its data: `fast` ends every session at once,
        rolling back what they had not committed, as a restart in production does."""
        subprocess.run(
            self._as_postgres("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "stop"),
            check=True, capture_output=True,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Halt the server (if it runs) and remove the cluster."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.halt("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
