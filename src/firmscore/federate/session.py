"""Glue between the protocol state machines and a transport: sealing, opening, transcripts.

:class:`GuestLink` turns ``ask(kind, meta, blobs, expect)`` into a signed frame, hands it to a
``send`` function (HTTP in production, a direct call in unit tests) and opens the signed reply.
:class:`HostEndpoint` does the reverse for every session the host serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.federate.errors import FederationError
from firmscore.federate.host import HostTraining
from firmscore.federate.settings import PartyData
from firmscore.federate.transcript import Transcript
from firmscore.federate.wire import Channel, Message, decode_unverified, verify_frame

Send = Callable[[bytes], bytes]


@dataclass(kw_only=True)
class GuestLink:
    channel: Channel
    send: Send
    transcript: Transcript

    @classmethod
    def open(cls, *, session: str, key: Ed25519PrivateKey, peer: Ed25519PublicKey, send: Send) -> GuestLink:
        tr = Transcript()
        return cls(channel=Channel(session=session, key=key, peer=peer, record=tr.record), send=send, transcript=tr)

    def ask(self, kind: str, meta: dict[str, Any], blobs: list[bytes], expect: str) -> Message:
        reply = self.send(self.channel.seal(kind, meta, blobs))
        return self.channel.open(reply, expect)


@dataclass(kw_only=True)
class HostSession:
    channel: Channel
    transcript: Transcript
    training: HostTraining | None = None
    failed: str | None = None


@dataclass(kw_only=True)
class HostEndpoint:
    """Answers frames for any number of sessions; a session that failed once answers nothing more."""

    key: Ed25519PrivateKey
    peer: Ed25519PublicKey
    data: PartyData
    psi_workers: int = 1
    on_done: Callable[[HostSession], None] | None = None
    sessions: dict[str, HostSession] = field(default_factory=dict)

    def answer(self, frame: bytes) -> bytes:
        """The signed reply to ``frame``; raises :class:`FederationError` when it must be rejected."""
        msg = verify_frame(frame, self.peer)  # authenticate before creating any state
        s = self.sessions.get(msg.session)
        if s is None:
            if msg.kind != "hello" or msg.seq != 1:
                raise FederationError("federate.no_session", session=msg.session)
            tr = Transcript()
            s = HostSession(channel=Channel(session=msg.session, key=self.key, peer=self.peer, record=tr.record),
                            transcript=tr)
            s.training = HostTraining(data=self.data, session=msg.session, psi_workers=self.psi_workers)
            self.sessions[msg.session] = s
        if s.failed:
            raise FederationError("federate.peer_error", detail=f"session failed earlier: {s.failed}")
        opened = s.channel.open(frame)
        assert s.training is not None
        try:
            kind, meta, blobs = s.training.handle(opened)
        except FederationError as exc:
            s.failed = exc.code
            raise
        except (ValueError, KeyError, TypeError, IndexError, RuntimeError) as exc:
            s.failed = "federate.malformed"
            raise FederationError("federate.malformed", detail=f"{opened.kind}: {exc}") from exc
        reply = s.channel.seal(kind, meta, blobs)
        if s.training.step == "done" and self.on_done is not None:
            self.on_done(s)
        return reply


def peek(frame: bytes) -> Message:
    """The header of a frame, unauthenticated (for logs and error messages only)."""
    return decode_unverified(frame)[0]
