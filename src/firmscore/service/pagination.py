"""Opaque, tamper-evident cursors for paginated lists (a position signed with a server key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from firmscore.service.problems import ProblemError


class Cursors:
    def __init__(self, key_dir: Path) -> None:
        path = key_dir / "cursor.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        self._key = path.read_bytes()

    def _sig(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, body, hashlib.sha256).digest()[:16]).rstrip(b"=").decode()

    def encode(self, position: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).rstrip(b"=")
        return f"{body.decode()}.{self._sig(body)}"

    def decode(self, cursor: str | None) -> dict[str, Any] | None:
        if cursor is None:
            return None
        body, _, sig = cursor.partition(".")
        try:
            raw = body.encode("ascii")
            if not hmac.compare_digest(sig, self._sig(raw)):
                raise ValueError("signature")
            out = json.loads(base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)))
            if not isinstance(out, dict):
                raise ValueError("shape")
            return out
        except (ValueError, UnicodeError) as exc:
            raise ProblemError(400, "invalid_cursor") from exc
