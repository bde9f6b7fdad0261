"""``firmscore witness serve``: the witness over HTTP (C2SP tlog-witness), on the standard library server.

``POST /add-checkpoint`` is the protocol's submission call (:mod:`.protocol`). The protocol leaves
monitoring open; this witness also answers ``GET /checkpoints?origin=<origin>`` with every
checkpoint it cosigned for that origin (JSON ``{"origin": …, "checkpoints": [note, …]}``), which is
what ``firmscore ledger verify`` reads to check that the log it audits still contains them all.
A threading server is enough: requests are small and the state serialises its writes.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from firmscore.witness.protocol import Answer, add_checkpoint
from firmscore.witness.state import WitnessState

MAX_BODY = 64 * 1024


def _handler(state: WitnessState, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the protocol recommends

        def _send(self, answer: Answer) -> None:
            data = answer.body.encode("utf-8")
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/add-checkpoint":
                self._send(Answer(404, "text/plain", "not found\n"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._send(Answer(400, "text/plain", f"body must be 1..{MAX_BODY} bytes\n"))
                return
            try:
                body = self.rfile.read(length).decode("utf-8")
            except UnicodeDecodeError:
                self._send(Answer(400, "text/plain", "body is not UTF-8\n"))
                return
            with lock:  # one SQLite connection: its transactions are taken one at a time
                self._send(add_checkpoint(state, body))

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/checkpoints":
                self._send(Answer(404, "text/plain", "not found\n"))
                return
            origin = parse_qs(parts.query).get("origin", [""])[0]
            with lock:
                if state.keyring(origin) is None:
                    self._send(Answer(404, "text/plain", f"unknown log origin {origin}\n"))
                    return
                notes = state.history(origin)
            self._send(Answer(200, "application/json", json.dumps({"origin": origin, "checkpoints": notes})))

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: requests carry no secrets, but the test output stays readable."""

    return Handler


class WitnessServer:
    """A running witness: ``with WitnessServer(state) as w: w.url`` (port 0 picks a free loopback port)."""

    def __init__(self, state: WitnessState, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = state
        self.httpd = ThreadingHTTPServer((host, port), _handler(state, threading.Lock()))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> WitnessServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="witness", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> WitnessServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
