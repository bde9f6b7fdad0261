"""HTTP transport: one endpoint, ``POST /federate/v1/message``, frames in and frames out.

Every request body and response body is a signed frame (:mod:`firmscore.federate.wire`); the
server authenticates the frame before it creates any session state. A rejected frame gets an RFC
9457 ``application/problem+json`` answer with the stable ``code`` (``federate.replay``,
``federate.bad_signature``, ...) and the Chinese and English texts; the client turns it back into
a :class:`FederationError`. Requests of one server are handled one at a time (the protocol is
sequential per session, and the host's work is CPU-bound anyway).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from firmscore.federate.errors import FederationError

PATH = "/federate/v1/message"
MAX_FRAME = 2 * 1024**3
TIMEOUT_SECONDS = 1800.0


def problem(code: str, zh: str, en: str, status: int) -> bytes:
    return json.dumps({"type": f"https://firmscore.dev/problems/{code}", "title": code, "status": status,
                       "code": code, "detail": en, "detail_zh": zh}, ensure_ascii=False).encode()


_STATUS = {"federate.bad_signature": 401, "federate.unknown_sender": 401, "federate.replay": 409,
           "federate.out_of_order": 409, "federate.stale": 409, "federate.no_session": 404}


def make_server(host: str, port: int, answer: Callable[[bytes], bytes]) -> ThreadingHTTPServer:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "firmscore-federate"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            if self.path != PATH:
                self._send(404, problem("federate.not_found", "没有这个接口", "no such endpoint", 404),
                           "application/problem+json")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_FRAME:
                self._send(400, problem("federate.malformed", "请求体长度无效", "bad request body length", 400),
                           "application/problem+json")
                return
            frame = self.rfile.read(length)
            try:
                with lock:
                    reply = answer(frame)
            except FederationError as exc:
                status = _STATUS.get(exc.code, 400)
                self._send(status, problem(exc.code, exc.zh, exc.en, status), "application/problem+json")
                return
            self._send(200, reply, "application/octet-stream")

    return ThreadingHTTPServer((host, port), Handler)


def http_sender(url: str, timeout: float = TIMEOUT_SECONDS) -> Callable[[bytes], bytes]:
    """``send(frame) -> reply frame`` over HTTP to the partner at ``url``."""
    target = url.rstrip("/") + PATH

    def send(frame: bytes) -> bytes:
        req = urllib.request.Request(target, data=frame, method="POST",
                                     headers={"Content-Type": "application/octet-stream"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return bytes(resp.read())
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
                detail = f"{body.get('code')}: {body.get('detail')}"
            except (ValueError, OSError):
                detail = f"HTTP {exc.code}"
            raise FederationError("federate.peer_error", detail=detail) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise FederationError("federate.peer_unreachable", url=url, detail=str(exc)) from exc

    return send
