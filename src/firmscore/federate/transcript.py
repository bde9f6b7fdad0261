"""The transcript of a session: every frame sent and received, in order, hashed into one chain.

Each line of ``transcript.jsonl`` holds the direction, the frame's signed header (session,
sequence, timestamp, sender, kind, small fields), the SHA-256 of the whole frame and its Ed25519
signature; frames under :data:`KEEP_BYTES` are kept whole (base64), bulk ciphertext frames by
hash (their signature covers the blobs, so a party that kept them can prove them). The chain
``h_i = SHA-256(h_{i-1} || SHA-256(frame_i))`` over the frames in protocol order is the same on
both sides, and its final value is committed to each party's evidence ledger as an ``event``
leaf of type ``federated_transcript``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from firmscore.federate.wire import SIG_BYTES, decode_unverified
from firmscore.store.atomic import write_text

KEEP_BYTES = 64 * 1024
EVENT_TYPE = "federated_transcript"


@dataclass(kw_only=True)
class Transcript:
    """Collects frames in protocol order; ``digest`` is the running hash chain."""

    lines: list[dict[str, object]] = field(default_factory=list)
    chain: bytes = b"\x00" * 32
    frames: int = 0

    def record(self, direction: str, frame: bytes) -> None:
        msg, _, sig = decode_unverified(frame)
        fh = hashlib.sha256(frame).digest()
        self.chain = hashlib.sha256(self.chain + fh).digest()
        self.frames += 1
        line: dict[str, object] = {
            "dir": direction, "session": msg.session, "seq": msg.seq, "ts": msg.ts, "sender": msg.sender,
            "kind": msg.kind, "bytes": len(frame), "sha256": fh.hex(), "signature": sig.hex(),
            "chain": self.chain.hex(),
        }
        if len(frame) <= KEEP_BYTES:
            line["frame"] = base64.b64encode(frame).decode()
        assert len(sig) == SIG_BYTES
        self.lines.append(line)

    @property
    def digest(self) -> str:
        return self.chain.hex()

    def write(self, path: Path) -> None:
        write_text(path, "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in self.lines))


def commit_to_ledger(home: Path, *, session: str, role: str, digest: str, frames: int, partner: str) -> int:
    """Append the transcript's hash to the party's ledger; returns the leaf index."""
    from firmscore.ledger import EvidenceLedger
    from firmscore.store.home import DataHome

    now = datetime.now(UTC)
    table = pa.table({
        "event_type": [EVENT_TYPE], "subject_type": ["enterprise"], "subject_id": [f"federation:{partner}"],
        "amount": pa.array([None], pa.float64()), "value": [float(frames)], "code": [f"sha256:{digest}"],
        "counterparty_id": [partner], "attrs": [json.dumps({"session": session, "role": role}, sort_keys=True)],
        "source": ["firmscore.federate"], "source_record_id": [f"{session}:{role}"],
        "effective_from": pa.array([now.date()], pa.date32()), "effective_to": pa.array([None], pa.date32()),
        "legal_expiry": pa.array([None], pa.date32()),
        "record_id": [f"federated-transcript:{session}:{role}"],
        "observed_at": pa.array([now], pa.timestamp("us", tz="UTC")),
    })
    with EvidenceLedger.for_home(DataHome.open(home)) as ledger:
        return int(ledger.append_records("event", table)[0])
