"""The C2SP ``tlog-witness`` ``add-checkpoint`` rules, as a pure function of the request and the state.

Request body: ``old <size>`` line, zero to 63 base64 consistency-proof lines, an empty line, then the
signed checkpoint note. Answers (status, content type, body) exactly as the protocol says:

* 400 malformed request, or old size greater than the checkpoint size;
* 404 unknown origin; 403 no signature by a trusted key of that origin;
* 409 (``text/x.tlog.size``, the size we hold) when the old size is not our latest cosigned size,
  or when the sizes are equal and the roots are not;
* 422 when the consistency proof from our latest checkpoint does not verify;
* 200 with our cosignature line, after storing the checkpoint, atomically with the comparison.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from firmscore.ledger.checkpoint import CheckpointError, parse_checkpoint
from firmscore.ledger.cosignature import add_signature_lines
from firmscore.ledger.verify import ProofError, verify_consistency
from firmscore.witness.state import WitnessState

MAX_PROOF_LINES = 63
SIZE_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", message.rstrip("\n") + "\n")


def _parse_request(body: str) -> tuple[int, list[bytes], str]:
    head, sep, note = body.partition("\n\n")
    if not sep:
        raise ValueError("request needs an empty line before the checkpoint")
    lines = head.split("\n")
    first = lines[0]
    if not first.startswith("old "):
        raise ValueError("request must start with an 'old <size>' line")
    size_text = first[4:]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise ValueError(f"invalid old size {size_text!r}")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    try:
        proof = [base64.b64decode(p, validate=True) for p in lines[1:]]
    except binascii.Error as exc:
        raise ValueError("a consistency proof line is not base64") from exc
    return int(size_text), proof, note


def add_checkpoint(state: WitnessState, body: str) -> Answer:
    """Handle one ``add-checkpoint`` request against ``state``."""
    try:
        old, proof, note = _parse_request(body)
        origin, size, root, _ = parse_checkpoint(note)
    except (ValueError, CheckpointError) as exc:
        return _text(400, f"bad request: {exc}")
    ring = state.keyring(origin)
    if ring is None:
        return _text(404, f"unknown log origin {origin}")
    try:
        ring.verify(note)
    except CheckpointError as exc:
        return _text(403, f"no valid signature by a trusted key of {origin}: {exc}")
    if old > size:
        return _text(400, f"old size {old} is greater than the checkpoint size {size}")
    with state.exclusive():
        latest = state.latest(origin)
        held = latest.size if latest else 0
        if old != held:
            return Answer(409, SIZE_TYPE, f"{held}\n")
        if latest is not None and old == size and latest.root != root:
            return _text(409, f"size {size} was cosigned with another root")
        if old == 0 and proof:
            return _text(400, "the proof must be empty when the old size is zero")
        if latest is not None and 0 < old < size:
            try:
                verify_consistency(old, size, latest.root, root, proof)
            except ProofError as exc:
                return _text(422, f"consistency proof from {old} to {size} does not verify: {exc}")
        elif old == size and proof:
            return _text(422, "equal sizes need an empty consistency proof")
        line = state.cosigner.cosign(note)
        stamp = state.cosigner.verifier.verify(add_signature_lines(note, line))
        state.record(origin, size, root, add_signature_lines(note, line), stamp)
    return Answer(200, "text/plain; charset=utf-8", line)
