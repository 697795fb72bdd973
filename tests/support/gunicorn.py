"""gunicorn serving this checkout on a free port of 127.0.0.1, as `make run`
runs it (with forum/gunicorn_conf.py), for the tests that need real worker
processes."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.pg import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv running pytest holds gunicorn too


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s:\n{log.read_text(errors='replace')}")


@dataclass(frozen=True)
class Gunicorn:
    base: str  # http://127.0.0.1:PORT
    master: subprocess.Popen

    def worker_pids(self) -> set[int]:
        """The master's children: its workers (Linux's /proc)."""
        children = Path(f"/proc/{self.master.pid}/task/{self.master.pid}/children").read_text()
        return {int(pid) for pid in children.split()}

    def busy_workers(self) -> set[int]:
        """The workers serving a request now: those holding an established
        connection to the port (a sync worker holds one only while it serves)."""
        port = int(self.base.rpartition(":")[2])
        connections = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            local, state, inode = (line.split()[i] for i in (1, 3, 9))
            if int(local.rpartition(":")[2], 16) == port and state == "01":  # 01: ESTABLISHED
                connections.add(f"socket:[{inode}]")
        busy = set()
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):  # a descriptor closed (or a worker gone) while we read
                if connections & {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}:
                    busy.add(pid)
        return busy


@contextlib.contextmanager
def gunicorn(env: dict, log: Path, workers: int = 2, port: int | None = None, access_log: bool = False):
    """A running gunicorn with `env`, once it answers; its output (with the access
    log, as `make run` writes it, if asked) goes to `log` (a file, not a pipe
    nobody reads: a full pipe would hang the server)."""
    port = port or free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:forum.gunicorn_conf", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", *(["--access-logfile", "-"] if access_log else []),
             "wsgi:app"],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/healthz", process, log)
        yield Gunicorn(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(env: dict, log: Path, workers: int = 2, port: int | None = None, access_log: bool = False):
    """The base URL while gunicorn runs (see `gunicorn`)."""
    with gunicorn(env, log, workers, port, access_log) as server:
        yield server.base
