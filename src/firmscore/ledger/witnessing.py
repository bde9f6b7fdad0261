"""The ledger's side of witnessing: which witnesses it uses, submitting checkpoints, reading them back.

Witnesses are configured in the key folder (``witnesses.json``, outside the data home, so whoever
rewrites the home cannot quietly stop the audit from asking them): each entry is a URL and the
witness's cosigner key (``firmscore witness pubkey``). :func:`cosign_checkpoint` submits the log's
current checkpoint with a consistency proof from the last size that witness cosigned (learning it
from a ``409`` answer when needed), checks the returned cosignature and keeps the cosigned note in
``ledger_cosigned``. :func:`fetch_witnessed` reads back everything a witness cosigned for this log.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from firmscore.ledger.checkpoint import CheckpointError
from firmscore.ledger.cosignature import CosignerVerifier, add_signature_lines
from firmscore.ledger.log import utc_now
from firmscore.store.atomic import write_json

if TYPE_CHECKING:
    from firmscore.ledger.ledger import EvidenceLedger

WITNESS_FILE = "witnesses.json"
SIZE_TYPE = "text/x.tlog.size"
TIMEOUT_S = 10.0


class WitnessError(RuntimeError):
    """A witness refused a checkpoint or could not be reached; ``status`` 0 means no HTTP answer."""

    def __init__(self, url: str, status: int, body: str, content_type: str = "") -> None:
        self.url, self.status, self.body, self.content_type = url, status, body, content_type
        super().__init__(f"witness {url}: {status or 'unreachable'} {body.strip()}")


@dataclass(frozen=True)
class Witness:
    """A configured witness: where it listens and the key its cosignatures must verify with."""

    url: str
    key: CosignerVerifier

    @property
    def name(self) -> str:
        return self.key.name


def load_witnesses(key_folder: Path) -> list[Witness]:
    path = key_folder / WITNESS_FILE
    if not path.exists():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Witness(str(w["url"]).rstrip("/"), CosignerVerifier.parse(str(w["key"]))) for w in raw["witnesses"]]


def add_witness(key_folder: Path, url: str, key: str) -> Witness:
    """Configure a witness (replacing an entry of the same name); the file is written 0600."""
    made = Witness(url.rstrip("/"), CosignerVerifier.parse(key))
    kept = [w for w in load_witnesses(key_folder) if w.name != made.name]
    doc = {"witnesses": [{"url": w.url, "key": w.key.encode()} for w in [*kept, made]]}
    write_json(key_folder / WITNESS_FILE, doc)  # 0600 in a 0700 folder, all or nothing
    return made


# ---------------------------------------------------------------------- HTTP
def _request(req: urllib.request.Request, url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return int(resp.status), resp.headers.get("Content-Type", ""), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.headers.get("Content-Type", ""), exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        raise WitnessError(url, 0, str(exc)) from exc


def submit(url: str, old_size: int, proof: list[bytes], note: str) -> str:
    """``POST <url>/add-checkpoint``; the cosignature lines, or :class:`WitnessError` with the status."""
    body = f"old {old_size}\n" + "".join(base64.b64encode(p).decode() + "\n" for p in proof) + "\n" + note
    req = urllib.request.Request(f"{url}/add-checkpoint", data=body.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "text/plain; charset=utf-8"})
    status, ctype, text = _request(req, url)
    if status != 200:
        raise WitnessError(url, status, text, ctype)
    return text


def fetch_witnessed(witness: Witness, origin: str) -> list[str]:
    """Every checkpoint ``witness`` cosigned for ``origin`` (oldest first)."""
    query = urllib.parse.urlencode({"origin": origin})
    status, _, text = _request(urllib.request.Request(f"{witness.url}/checkpoints?{query}"), witness.url)
    if status == 404:
        return []
    if status != 200:
        raise WitnessError(witness.url, status, text)
    try:
        return [str(n) for n in json.loads(text)["checkpoints"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise WitnessError(witness.url, status, f"malformed answer: {exc}") from exc


# ---------------------------------------------------------------------- cosigning
def cosign_checkpoint(ledger: EvidenceLedger, witness: Witness) -> str:
    """Have ``witness`` cosign the ledger's current checkpoint; returns the note with its cosignature."""
    cp = ledger.checkpoint()
    known = [s for s, w, _ in ledger.storage.iter_cosigned() if w == witness.name and s <= cp.size]
    ledger.storage.end_read()
    old = max(known, default=0)
    for _ in range(3):
        proof = ledger.consistency(old, cp.size).path if 0 < old < cp.size else []
        try:
            lines = submit(witness.url, old, proof, cp.note)
            break
        except WitnessError as exc:
            if exc.status == 409 and exc.content_type.startswith(SIZE_TYPE) and exc.body.strip().isdigit():
                held = int(exc.body.strip())
                if held > cp.size:
                    raise WitnessError(witness.url, 409, f"the witness has seen size {held}, "
                                       f"larger than this log ({cp.size}): the log was cut back") from exc
                old = held
                continue
            raise
    else:
        raise WitnessError(witness.url, 409, "the witness's size kept changing")
    note = add_signature_lines(cp.note, "".join(ln + "\n" for ln in lines.splitlines()
                                                if ln.split(" ")[1:2] == [witness.name]))
    try:
        witness.key.verify(note)
    except CheckpointError as exc:
        raise WitnessError(witness.url, 200, f"returned cosignature does not verify: {exc}") from exc
    with ledger.storage.transaction():
        ledger.storage.insert_cosigned(cp.size, witness.name, note, utc_now())
    return note
