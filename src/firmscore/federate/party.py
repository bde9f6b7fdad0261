"""A party's node: its key, data, server answers (training as host, scoring as either) and outputs.

:class:`PartyNode` is what ``firmscore federate serve`` runs and what ``federate train`` /
``federate score`` use on the requesting side. Outputs of a finished session — the party's card,
its transcript and the transcript hash in the ledger — are written only after the last protocol
step succeeded; the card is renamed into place last, so a failed run leaves no model.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from firmscore.federate import party_card
from firmscore.federate.errors import FederationError
from firmscore.federate.guest import GuestOutcome, Progress, train_guest
from firmscore.federate.party_card import PartyCard
from firmscore.federate.scoring import JointScores, combine, partial_reply
from firmscore.federate.session import GuestLink, HostEndpoint, HostSession
from firmscore.federate.settings import FedSettings, PartyData
from firmscore.federate.transcript import Transcript, commit_to_ledger
from firmscore.federate.wire import Channel, verify_frame

TRANSCRIPT_FILE = "transcript.jsonl"


@dataclass(frozen=True, kw_only=True)
class SessionOutputs:
    card_path: Path
    transcript_path: Path
    transcript_sha256: str
    ledger_index: int


def write_outputs(home: Path, card: PartyCard, transcript: Transcript, partner: str) -> SessionOutputs:
    """Transcript, ledger commitment, then the card (atomic rename last)."""
    tpath = party_card.model_dir(home, card.model_id) / TRANSCRIPT_FILE
    transcript.write(tpath)
    index = commit_to_ledger(home, session=card.model_id, role=card.role, digest=transcript.digest,
                             frames=transcript.frames, partner=partner)
    final = PartyCard(role=card.role, model_id=card.model_id, features=card.features, base_points=card.base_points,
                      scaling=card.scaling, partner_features=card.partner_features, intercept=card.intercept,
                      transcript_sha256=transcript.digest, metadata={**card.metadata, "ledger_index": index})
    path = party_card.save(final, home)
    return SessionOutputs(card_path=path, transcript_path=tpath, transcript_sha256=transcript.digest,
                          ledger_index=index)


@dataclass(kw_only=True)
class PartyNode:
    role: str
    home: Path
    key: Ed25519PrivateKey
    peer: Ed25519PublicKey
    data: PartyData
    psi_workers: int = 1
    finished: list[SessionOutputs] = field(default_factory=list)
    _host: HostEndpoint | None = None
    _score_channels: dict[str, Channel] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.role not in ("guest", "host"):
            raise ValueError(f"role must be guest or host, got {self.role!r}")
        if self.role == "host":
            self._host = HostEndpoint(key=self.key, peer=self.peer, data=self.data, psi_workers=self.psi_workers,
                                      on_done=self._host_done)

    def _host_done(self, s: HostSession) -> None:
        assert s.training is not None and s.training.card is not None
        self.finished.append(write_outputs(self.home, s.training.card, s.transcript, s.channel.partner))

    # ------------------------------------------------------------------ server side
    def answer(self, frame: bytes) -> bytes:
        msg = verify_frame(frame, self.peer)
        if msg.kind == "score" or msg.session in self._score_channels:
            return self._answer_score(frame, msg.session)
        if self._host is None:
            raise FederationError("federate.unexpected", expected="score", got=msg.kind)
        return self._host.answer(frame)

    def _answer_score(self, frame: bytes, session: str) -> bytes:
        ch = self._score_channels.get(session)
        if ch is None:
            ch = Channel(session=session, key=self.key, peer=self.peer)
            self._score_channels[session] = ch
        msg = ch.open(frame, "score")
        card = party_card.load(self.home, str(msg.meta.get("model")))
        kind, meta, blobs = partial_reply(card, self.data, msg)
        return ch.seal(kind, meta, blobs)

    # ------------------------------------------------------------------ requesting side
    def train(self, send: Any, settings: FedSettings, paillier_bits: int = 2048,
              progress: Progress | None = None) -> tuple[GuestOutcome, SessionOutputs]:
        if self.role != "guest":
            raise FederationError("federate.unexpected", expected="guest", got=self.role)
        session = secrets.token_hex(16)
        link = GuestLink.open(session=session, key=self.key, peer=self.peer, send=send)
        kwargs: dict[str, Any] = {} if progress is None else {"progress": progress}
        outcome = train_guest(data=self.data, settings=settings, ask=link.ask, session=session,
                              psi_workers=self.psi_workers, paillier_bits=paillier_bits, **kwargs)
        outcome.card.metadata.update({"bytes_sent": link.channel.bytes_sent,
                                      "bytes_received": link.channel.bytes_received})
        out = write_outputs(self.home, outcome.card, link.transcript, link.channel.partner)
        return outcome, out

    def score(self, send: Any, model_id: str, firms: list[str]) -> JointScores:
        card = party_card.load(self.home, model_id)
        ch = Channel(session=secrets.token_hex(16), key=self.key, peer=self.peer)
        reply = ch.open(send(ch.seal("score", {"model": model_id, "firms": firms})), "score_ok")
        return combine(card, self.data, firms, reply)
