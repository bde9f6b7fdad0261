"""A real ``firmscore serve`` in a subprocess, on loopback, with its own operational store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from firmscore.service import admin
from firmscore.service.roles import Role
from firmscore.service.store.db import connect_store
from firmscore.store import DataHome


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    home: DataHome
    db_url: str
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    creds: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    extra_args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def provision(self, firm_a: str, firm_b: str) -> None:
        engine, sessions = connect_store(self.db_url)
        try:
            admin.add_institution(sessions, "bank-a", "甲银行", "Bank A")
            admin.add_institution(sessions, "bank-b", "乙银行", "Bank B")
            c = admin.add_client(sessions, "bank-a", "loans", client_id="bank-a-loans")
            self.creds["client"] = {"grant_type": "client_credentials", "client_id": c.id, "client_secret": c.secret}
            c = admin.add_client(sessions, "bank-b", "loans", client_id="bank-b-loans")
            self.creds["client-b"] = {"grant_type": "client_credentials", "client_id": c.id, "client_secret": c.secret}
            for label, firm in (("subject", firm_a), ("subject-b", firm_b)):
                s = admin.add_account(sessions, f"firm-{label}", Role.SUBJECT, enterprise_id=firm)
                self.creds[label] = {"grant_type": "password", "username": s.id, "password": s.secret}
        finally:
            engine.dispose()

    def start(self, timeout: float = 180.0) -> None:
        self.tokens.clear()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "firmscore.cli", "serve", "--home", str(self.home.root), "--database-url",
               self.db_url, "--port", str(self.port), *self.extra_args]
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.kill()  # never leave a half-started server (and its workers) running
        raise RuntimeError(f"server did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def token(self, who: str) -> str:
        """A token of ``who`` (cached: one per caller and server run)."""
        if who not in self.tokens:
            r = httpx.post(f"{self.url}/v1/oauth/token", data=self.creds[who], timeout=10)
            r.raise_for_status()
            self.tokens[who] = str(r.json()["access_token"])
        return self.tokens[who]

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def burst(server: LiveServer, ids: list[str], want: int, kill: bool) -> tuple[list[str], list[str]]:
    """Six clients asking scores of ``ids`` until ``want`` answers came (then, with ``kill``, SIGKILL the server
    and keep asking until refused); returns the query ids received (all 200) and the errors met."""
    token = server.token("client")
    received: list[str] = []
    errors: list[str] = []
    stop = threading.Event()

    def hammer(offset: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5, headers={"Authorization": f"Bearer {token}"}) as http:
            i = offset
            while not stop.is_set():
                try:
                    r = http.get(f"/v1/enterprises/{ids[i % len(ids)]}/score", params={"purpose": "loan_approval"})
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                    return
                if r.status_code != 200:  # e.g. 503 from a worker that is stopping: never an unlogged 200
                    errors.append(f"HTTP {r.status_code}")
                    return
                received.append(r.json()["query_id"])
                i += 7

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(received) < want and time.monotonic() < deadline:
        time.sleep(0.05)
    if kill:
        server.kill()
        # the workers stop gracefully (their parent's death signal): the clients keep asking until refused
        deadline = time.monotonic() + 30
        while not errors and time.monotonic() < deadline:
            time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    return received, errors
