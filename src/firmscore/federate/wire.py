"""Signed, sequenced message frames: what crosses between the two parties, byte for byte.

A frame is ``b"FSF1" | u32 header length | header JSON | blobs | Ed25519 signature (64 bytes)``.
The header names the protocol version, session id, sequence number, timestamp, sender key
fingerprint, message kind, small JSON fields (``meta``) and the lengths of the binary blobs
(ciphertexts, PSI points). The signature covers everything before it.

:class:`Channel` keeps one session's state on one side: the next sequence number to send and the
one it expects to receive. A frame is accepted only if it parses, comes from the agreed partner
key, verifies, belongs to this session, carries exactly the expected sequence number (a smaller
one is a replay, a larger one a gap) and a timestamp within ``max_skew`` seconds. Every frame
sent or accepted is handed to the transcript.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.federate.errors import FederationError
from firmscore.federate.keys import fingerprint, public_hex

MAGIC = b"FSF1"
VERSION = 1
SIG_BYTES = 64
MAX_SKEW_SECONDS = 300.0


@dataclass(kw_only=True)
class Message:
    """A decoded frame: header fields plus the binary blobs."""

    session: str
    seq: int
    ts: float
    sender: str
    kind: str
    meta: dict[str, Any] = field(default_factory=dict)
    blobs: list[bytes] = field(default_factory=list)


def encode(msg: Message, key: Ed25519PrivateKey) -> bytes:
    header = {
        "v": VERSION, "session": msg.session, "seq": msg.seq, "ts": msg.ts, "sender": msg.sender,
        "kind": msg.kind, "meta": msg.meta, "blobs": [len(b) for b in msg.blobs],
    }
    head = json.dumps(header, separators=(",", ":"), sort_keys=True, allow_nan=False).encode()
    body = b"".join([MAGIC, struct.pack(">I", len(head)), head, *msg.blobs])
    return body + key.sign(body)


def decode_unverified(frame: bytes) -> tuple[Message, bytes, bytes]:
    """Parse a frame without checking its signature: (message, signed bytes, signature)."""
    if len(frame) < 8 + SIG_BYTES or frame[:4] != MAGIC:
        raise FederationError("federate.malformed", detail="not a firmscore federation frame")
    (hlen,) = struct.unpack(">I", frame[4:8])
    if 8 + hlen + SIG_BYTES > len(frame):
        raise FederationError("federate.malformed", detail="header length beyond the frame")
    try:
        header = json.loads(frame[8 : 8 + hlen])
        lengths = [int(n) for n in header["blobs"]]
        msg = Message(session=str(header["session"]), seq=int(header["seq"]), ts=float(header["ts"]),
                      sender=str(header["sender"]), kind=str(header["kind"]), meta=dict(header["meta"]))
        if int(header["v"]) != VERSION:
            raise ValueError(f"protocol version {header['v']}, expected {VERSION}")
    except (ValueError, KeyError, TypeError) as exc:
        raise FederationError("federate.malformed", detail=f"bad header: {exc}") from exc
    pos = 8 + hlen
    end = len(frame) - SIG_BYTES
    if any(n < 0 for n in lengths) or pos + sum(lengths) != end:
        raise FederationError("federate.malformed", detail="blob lengths do not match the frame")
    for n in lengths:
        msg.blobs.append(frame[pos : pos + n])
        pos += n
    return msg, frame[:end], frame[end:]


@dataclass(kw_only=True)
class Channel:
    """One side of one session: signs what it sends, checks what it receives (see module docstring)."""

    session: str
    key: Ed25519PrivateKey
    peer: Ed25519PublicKey
    record: Callable[[str, bytes], None] | None = None  # ("sent" | "received", frame) → transcript
    max_skew: float = MAX_SKEW_SECONDS
    next_send: int = 1
    next_recv: int = 1
    bytes_sent: int = 0
    bytes_received: int = 0

    @property
    def me(self) -> str:
        return fingerprint(public_hex(self.key.public_key()))

    @property
    def partner(self) -> str:
        return fingerprint(public_hex(self.peer))

    def seal(self, kind: str, meta: dict[str, Any] | None = None, blobs: list[bytes] | None = None) -> bytes:
        msg = Message(session=self.session, seq=self.next_send, ts=time.time(), sender=self.me, kind=kind,
                      meta=meta or {}, blobs=blobs or [])
        frame = encode(msg, self.key)
        self.next_send += 1
        self.bytes_sent += len(frame)
        if self.record is not None:
            self.record("sent", frame)
        return frame

    def open(self, frame: bytes, expect: str | tuple[str, ...] | None = None) -> Message:
        msg = verify_frame(frame, self.peer)
        if msg.session != self.session:
            raise FederationError("federate.wrong_session", expected=self.session, got=msg.session)
        check_sequence(msg, self.next_recv, self.max_skew)
        kinds = (expect,) if isinstance(expect, str) else expect
        if kinds is not None and msg.kind not in kinds and msg.kind != "abort":
            raise FederationError("federate.unexpected", expected="/".join(kinds), got=msg.kind)
        self.next_recv += 1
        self.bytes_received += len(frame)
        if self.record is not None:
            self.record("received", frame)
        if msg.kind == "abort":
            raise FederationError("federate.peer_error", detail=str(msg.meta.get("detail", "aborted")))
        return msg


def verify_frame(frame: bytes, peer: Ed25519PublicKey) -> Message:
    """Parse and authenticate a frame from ``peer`` (sender fingerprint and signature)."""
    msg, signed, sig = decode_unverified(frame)
    expected = fingerprint(public_hex(peer))
    if msg.sender != expected:
        raise FederationError("federate.unknown_sender", sender=msg.sender, expected=expected)
    try:
        peer.verify(sig, signed)
    except InvalidSignature as exc:
        raise FederationError("federate.bad_signature", sender=msg.sender) from exc
    return msg


def check_sequence(msg: Message, expected: int, max_skew: float) -> None:
    if msg.seq < expected:
        raise FederationError("federate.replay", got=msg.seq, expected=expected)
    if msg.seq > expected:
        raise FederationError("federate.out_of_order", got=msg.seq, expected=expected)
    skew = abs(time.time() - msg.ts)
    if skew > max_skew:
        raise FederationError("federate.stale", skew=skew, limit=max_skew)
