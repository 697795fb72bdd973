"""A throwaway Radicale (CalDAV) server on 127.0.0.1 with temporary storage."""
from __future__ import annotations

import base64
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.pg import free_port

USER = "tester"  # auth type "none" takes any name and password


class Radicale:
    def __init__(self, storage: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = storage / "radicale.log"
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{self.port}",
                 "--storage-filesystem-folder", str(storage / "collections"), "--auth-type", "none"],
                stdout=sink, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.request("OPTIONS", "/")
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Radicale did not start:\n{self.log.read_text(errors='replace')}")

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{USER}:x".encode()).decode())
        if body is not None:
            request.add_header("Content-Type", "text/calendar; charset=utf-8")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def new_calendar(self, name: str) -> str:
        path = f"/{USER}/{name}/"
        status, body = self.request("MKCALENDAR", path)
        assert status == 201, body
        return path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
