"""Receipts bound to signed roots: every score is itself a leaf of the evidence ledger.

A score leaf (``type: "score"``) states the firm, the as-of date, the model id, the hash of the
feature vector the model scored, the full list of evidence leaves (every record the card's
features read), and the results (score, PD, grade, band, sub-scores, a hash of the reasons). The
stored row names its leaf (``score_leaf``), and the run's receipt carries the checkpoint — signed
by the ledger and cosigned by its witnesses — whose tree contains every score leaf. So cutting or
swapping the evidence list, editing the stored score, or pointing the row at another leaf no
longer matches a logged, signed statement (:mod:`firmscore.scoring.verify` names which).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.ledger import EvidenceLedger
from firmscore.ledger.checkpoint import Keyring, SignedCheckpoint
from firmscore.ledger.evidence import verify_leaf_proof

SCORE_KIND = "score"
#: Stored columns a score leaf fixes, compared one by one by ``verify-score``.
RESULT_FIELDS = ("score", "pd", "grade", "band")


def feature_hash(names: Sequence[str], values: npt.ArrayLike) -> str:
    """SHA-256 of the feature names and their float64 values, bit for bit (NaN included)."""
    h = hashlib.sha256(json.dumps(list(names), ensure_ascii=False).encode("utf-8") + b"\0")
    h.update(np.ascontiguousarray(np.asarray(values, dtype="<f8")).tobytes())
    return "sha256:" + h.hexdigest()


def reasons_hash(reasons_json: str) -> str:
    return "sha256:" + hashlib.sha256(reasons_json.encode("utf-8")).hexdigest()


def _number(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


def score_record(*, enterprise_id: str, as_of: dt.date, model_id: str, features_sha256: str,
                 evidence_leaves: Sequence[int], row: dict[str, Any], sub_columns: Sequence[str]) -> dict[str, Any]:
    """The document logged for one firm's score (its ``record_id`` derives from its content)."""
    doc: dict[str, Any] = {
        "enterprise_id": str(enterprise_id),
        "as_of": as_of.isoformat(),
        "model_id": str(model_id),
        "feature_hash": features_sha256,
        "evidence_leaves": [int(x) for x in evidence_leaves],
        "score": int(row["score"]),
        "pd": _number(row["pd"]),
        "grade": str(row["grade"]),
        "band": str(row["band"]),
        "sub_scores": {c: _number(row[c]) for c in sub_columns},
        "reasons_hash": reasons_hash(str(row["reasons"])),
    }
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode("utf-8")).hexdigest()[:24]
    doc["record_id"] = f"score:{doc['as_of']}:{enterprise_id}:{digest}"
    return doc


def log_scores(ledger: EvidenceLedger, out: pd.DataFrame, X: pd.DataFrame, feature_names: Sequence[str],
               model_id: str, as_of: dt.date) -> npt.NDArray[np.int64]:
    """Log one score leaf per row of ``out`` (indexed like ``X``); returns each row's leaf index."""
    subs = [c for c in out.columns if c.startswith("sub_")]
    values = X.loc[out.index, list(feature_names)].to_numpy(dtype=np.float64)
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in out.to_dict("records")]
    docs = [
        score_record(enterprise_id=str(eid), as_of=as_of, model_id=model_id,
                     features_sha256=feature_hash(feature_names, values[i]),
                     evidence_leaves=rows[i]["evidence_leaves"], row=rows[i], sub_columns=subs)
        for i, eid in enumerate(out.index)
    ]
    return ledger.append_statements(SCORE_KIND, docs)


def firm_receipt(ledger: EvidenceLedger, receipt: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A self-contained receipt of one firm's score, for the service to hand to the firm or institution.

    It carries the cosigned checkpoint, the score leaf with its inclusion proof under that
    checkpoint, and the cited leaves' indexes; :func:`verify_firm_receipt` checks it with the
    published keys alone.
    """
    note = str(receipt["checkpoint"])
    size = int(note.split("\n")[1])
    index = int(row["score_leaf"])
    leaf = ledger.read_leaf(index)
    if leaf is None:
        raise LookupError(f"score leaf {index} is not in the ledger")
    return {
        "checkpoint": note,
        "score_leaf": {"index": index, "data": leaf.decode("utf-8"),
                       "inclusion_proof": [base64.b64encode(p).decode() for p in ledger.prove_leaf(index, size)]},
        "evidence_leaves": [int(x) for x in row["evidence_leaves"]],
    }


def verify_firm_receipt(doc: dict[str, Any], keyring: Keyring) -> SignedCheckpoint:
    """Check a receipt from :func:`firm_receipt` with the published keys only (no access to the ledger)."""
    leaf = doc["score_leaf"]
    proof = [base64.b64decode(p, validate=True) for p in leaf["inclusion_proof"]]
    cp = verify_leaf_proof(doc["checkpoint"], keyring, int(leaf["index"]), str(leaf["data"]).encode("utf-8"), proof)
    logged = json.loads(leaf["data"])["record"]
    if [int(x) for x in logged["evidence_leaves"]] != [int(x) for x in doc["evidence_leaves"]]:
        raise ValueError("the receipt's evidence list is not the logged one")
    return cp
