"""Per-firm rescoring: one firm's features, score and reasons as of a date, without the universe.

:func:`rescore_firm` reads the firm's feature row with
:func:`firmscore.features.firm_features` (relationship features from the stored graph artifact the
run's receipt names), applies the same model bundle and reason code as ``firmscore score``, and
cites the records behind each reason. The result equals the batch row of that firm bit for bit
(``tests/scoring/test_rescore.py``). ``withhold`` scores the firm with features set to the card's
"not authorized" special value — the consent path of the service. Trust indicators (data depth,
information quality) are the stored run's: the trust stage has no per-firm path yet.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from firmscore.datamodel.specials import NOT_AUTHORIZED
from firmscore.features import evidence, firm_features
from firmscore.ledger import EvidenceLedger
from firmscore.scoring.bundle import current_model
from firmscore.scoring.data import as_frame, feature_metadata
from firmscore.scoring.score import read_scores
from firmscore.scoring.verify import latest_as_of
from firmscore.store.home import DataHome

SUBSCORES = ("sub_basic", "sub_behaviour", "sub_performance", "sub_relationship", "sub_legal_rep")


@dataclass(frozen=True, kw_only=True)
class Rescored:
    """One firm's freshly computed score row (the columns of ``scores.parquet``) and its features."""

    enterprise_id: str
    as_of: dt.date
    row: dict[str, Any]
    features: dict[str, float]
    elapsed_s: float


def rescore_firm(home: DataHome, enterprise_id: str, as_of: dt.date | None = None, *,
                 withhold: Sequence[str] = (), max_reasons: int = 4) -> Rescored:
    """Score one firm as the batch run of ``as_of`` would, from its records and the stored graph artifact."""
    started = time.perf_counter()
    as_of = as_of or latest_as_of(home)
    _, receipt = read_scores(home, as_of)
    bundle = current_model(home, str(receipt["model_id"]))
    graph_id = receipt.get("graph_artifact_id")
    matrix = firm_features(home, as_of, [enterprise_id], graph_artifact_id=graph_id, build_graph=graph_id is None)
    X = as_frame(matrix.table)
    if enterprise_id not in X.index:
        raise KeyError(f"{enterprise_id} does not exist on {as_of} in {home.root}")
    X = X.loc[[enterprise_id]]
    for f in withhold:
        if f in X.columns:
            X[f] = NOT_AUTHORIZED
    out = bundle.apply(X).iloc[0].to_dict()
    reasons = bundle.card.reasons(X, feature_metadata(), max_reasons)
    cited = evidence(home, enterprise_id, [f for f in bundle.card.feature_names if f not in withhold], as_of)
    rows = [{"rank": int(r["rank"]), "feature": str(r["feature"]), "dimension": r["dimension"], "bin": str(r["bin"]),
             "points_lost": int(r["points_lost"]), "text_zh": str(r["text_zh"]), "text_en": str(r["text_en"]),
             "record_ids": cited.get(str(r["feature"]), [])} for r in reasons.to_dict("records")]
    used = sorted({rid for ids in cited.values() for rid in ids})
    with EvidenceLedger.for_home(home) as ledger:
        leaf_of = ledger.leaf_indexes(used) if used else {}
    row: dict[str, Any] = {
        "score": int(out["score"]), "band": str(out["band"]), "pd": float(out["pd"]), "grade": str(out["grade"]),
        **{c: float(out[c]) for c in SUBSCORES if c in out},
        "reasons": json.dumps(rows, ensure_ascii=False),
        "evidence_leaves": sorted(leaf_of[r] for r in used if r in leaf_of),
        "model_id": bundle.model_id,
    }
    feats = {str(k): float(v) for k, v in X.iloc[0].items()}
    return Rescored(enterprise_id=enterprise_id, as_of=as_of, row=row, features=feats,
                    elapsed_s=time.perf_counter() - started)


def same_bits(a: Any, b: Any) -> bool:
    """Equal as stored: floats by their IEEE bytes, everything else by value."""
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.float64(a).tobytes() == np.float64(b).tobytes())
    return bool(a == b)
