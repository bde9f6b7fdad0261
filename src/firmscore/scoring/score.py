"""``score_enterprises``: every firm's score, grade, PD, sub-scores, reasons with evidence, receipt.

Every score is logged as a leaf of the ledger (:mod:`firmscore.scoring.receipt`): firm, as-of,
model id, feature hash, the leaf indexes of every record its card features read, and the results.
The run's receipt carries the checkpoint over those leaves, signed and cosigned by the witnesses;
with it anyone can re-prove the evidence and recompute the score (:func:`firmscore.scoring.verify_score`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.engines import DuckDBEngine
from firmscore.ledger import EvidenceLedger
from firmscore.scoring.bundle import ModelBundle, current_model
from firmscore.scoring.data import feature_frame, feature_metadata
from firmscore.scoring.evidence import install_evidence
from firmscore.scoring.receipt import log_scores
from firmscore.store.atomic import atomic_dir, write_json, write_parquet
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock
from firmscore.trust import compute_trust, write_trust

#: Trust columns shown beside every score (see docs/trust.md).
TRUST_COLUMNS = ("enterprise_id", "depth_grade", "depth_points", "quality_score", "quality_reason", "failed_checks")

Progress = Callable[[str], None]


@dataclass
class ScoreResult:
    """Where the scores went and what they were computed against."""

    path: Path
    n: int
    model_id: str
    checkpoint: str | None
    elapsed_s: float
    frame: pd.DataFrame


def scores_dir(home: DataHome, as_of: dt.date) -> Path:
    return home.root / "scores" / f"as_of={as_of.isoformat()}"


def read_scores(home: DataHome, as_of: dt.date) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Stored scores of ``as_of`` (indexed by enterprise id) and the run's receipt header."""
    d = scores_dir(home, as_of)
    if not (d / "scores.parquet").exists():
        raise FileNotFoundError(f"no scores at {d} (run: firmscore score --as-of {as_of})")
    frame = pq.read_table(d / "scores.parquet").to_pandas().set_index("enterprise_id")
    return frame, json.loads((d / "receipt.json").read_text(encoding="utf-8"))


def _reasons_json(reasons: pd.DataFrame, index: pd.Index, evidence: dict[tuple[str, str], list[str]]) -> list[str]:
    """One JSON list of reasons per firm (rank order), each with the record ids behind it.

    ``reasons["row"]`` holds the input index label, here the enterprise id.
    """
    per_row: dict[str, list[dict[str, Any]]] = {}
    for r in reasons.to_dict("records"):
        eid = str(r["row"])
        per_row.setdefault(eid, []).append(
            {
                "rank": int(r["rank"]), "feature": str(r["feature"]), "dimension": r["dimension"],
                "bin": str(r["bin"]), "points_lost": int(r["points_lost"]), "text_zh": str(r["text_zh"]),
                "text_en": str(r["text_en"]), "record_ids": evidence.get((eid, str(r["feature"])), []),
            }
        )
    return [json.dumps(per_row.get(str(e), []), ensure_ascii=False) for e in index]


@holds_writer_lock("score")
def score_enterprises(
    home: DataHome,
    as_of: dt.date,
    *,
    model_id: str | None = None,
    max_reasons: int = 4,
    progress: Progress | None = None,
) -> ScoreResult:
    """Score every firm in the feature matrix of ``as_of`` with the current (or given) model."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    bundle: ModelBundle = current_model(home, model_id)
    X, feature_meta = feature_frame(home, as_of)
    say(f"scoring {len(X):,} firms with model {bundle.model_id[:12]} / 评分")
    out = bundle.apply(X)
    reasons = bundle.card.reasons(X, feature_metadata(), max_reasons)

    say("evidence and receipts / 证据与回执")
    engine = DuckDBEngine(home)
    try:
        install_evidence(engine, bundle.card.feature_names, as_of)
        want = pd.DataFrame({"enterprise_id": reasons["row"].astype(str).to_numpy(),
                             "feature_id": reasons["feature"].astype(str).to_numpy()})
        engine.con.register("reason_keys", want)
        ev = engine.query(
            "SELECT e.enterprise_id, e.feature_id, list(e.record_id ORDER BY e.record_id) AS ids "
            "FROM evidence e SEMI JOIN reason_keys k USING (enterprise_id, feature_id) GROUP BY ALL"
        ).to_pandas()
        reason_evidence = {(a, b): list(c) for a, b, c in ev.itertuples(index=False)}
        used = engine.query("SELECT DISTINCT enterprise_id, record_id FROM evidence")
    finally:
        engine.close()
    out["reasons"] = _reasons_json(reasons, X.index, reason_evidence)

    with EvidenceLedger.for_home(home) as ledger:
        rids = used.column("record_id").to_pylist()
        leaf_of = ledger.leaf_indexes(sorted(set(rids))) if rids else {}
    leaves = np.array([leaf_of.get(r, -1) for r in rids], dtype=np.int64)
    unlogged = int((leaves < 0).sum())
    per_firm: dict[str, list[int]] = {}
    for eid, leaf in zip(used.column("enterprise_id").to_pylist(), leaves.tolist(), strict=True):
        if leaf >= 0:
            per_firm.setdefault(eid, []).append(leaf)
    out["evidence_leaves"] = [sorted(per_firm.get(str(e), [])) for e in X.index]

    say("data trust indicators / 数据可信度")
    trust = compute_trust(home, as_of)
    write_trust(home, trust, as_of)
    tf = trust.select(list(TRUST_COLUMNS)).to_pandas().set_index("enterprise_id")
    tf["failed_checks"] = tf["failed_checks"].map(lambda v: list(v) if v is not None else [])
    out = out.join(tf, how="left")
    out["model_id"] = bundle.model_id
    out["as_of"] = as_of

    say("logging the scores in the ledger / 评分上链")
    with EvidenceLedger.for_home(home) as ledger:
        out["score_leaf"] = log_scores(ledger, out, X, bundle.card.feature_names, bundle.model_id, as_of)
        witnessed = ledger.witness()  # the checkpoint over every score leaf, cosigned by the witnesses
        public_key = ledger.public_key()
    note = witnessed.note
    out["checkpoint_size"] = witnessed.checkpoint.size
    out.index.name = "enterprise_id"

    d = scores_dir(home, as_of)
    table = pa.Table.from_pandas(out.reset_index(), preserve_index=False)
    receipt: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "model_id": bundle.model_id,
        "graph_artifact_id": (feature_meta.get("graph_artifact") or {}).get("artifact_id"),
        "checkpoint": note,
        "cosigned_by": witnessed.cosigners,
        "witnesses_refused": [{"witness": w, "detail": d} for w, d in witnessed.refused],
        "ledger_public_key": public_key,
        "records_cited": len(rids),
        "records_not_in_ledger": unlogged,
        "n_scored": len(out),
    }
    with atomic_dir(d) as tmp:  # the scores and their receipt are replaced together, never one without the other
        write_parquet(tmp / "scores.parquet", table, compression="zstd")
        write_json(tmp / "receipt.json", receipt, indent=1)
    return ScoreResult(d / "scores.parquet", len(out), bundle.model_id, note,
                       time.perf_counter() - started, out)
