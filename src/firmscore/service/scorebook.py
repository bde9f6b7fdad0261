"""The scores the service answers from: the latest ``firmscore score`` run, and its consent variant.

Loaded once at start (and on :meth:`ScoreBook.reload`): the stored batch scores, the firms' names
and legal representatives, and a second variant of every score computed with the model bundle on
the stored feature row with the legal representative's personal-credit features set to the card's
"not authorized" special value. A request uses the stored score when the institution holds a valid
authorization (or the firm asks itself) and the "not authorized" variant otherwise; both come
from the same model on the same features, so the variant equals what the batch ``score`` would
give for that firm without the authorization.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from firmscore.datamodel.specials import NOT_AUTHORIZED
from firmscore.engines import DuckDBEngine
from firmscore.features import all_features
from firmscore.ledger import EvidenceLedger
from firmscore.model.reasons import principal_reasons
from firmscore.scoring import current_model, read_scores
from firmscore.scoring.data import feature_frame, feature_metadata
from firmscore.scoring.evidence import install_evidence
from firmscore.scoring.verify import latest_as_of
from firmscore.store.home import DataHome

SUBSCORES = ("basic", "behaviour", "performance", "relationship", "legal_rep")


@dataclass(frozen=True)
class FirmInfo:
    enterprise_id: str
    name: str | None
    legal_rep_id: str | None
    region: str | None
    status: str | None
    industry: str | None


class ScoreBook:
    """Stored scores by firm, in both consent variants, with names for search."""

    def __init__(self, home: DataHome) -> None:
        self.home = home
        self.reload()

    def reload(self) -> None:
        home = self.home
        self.as_of: dt.date = latest_as_of(home)
        frame, self.receipt = read_scores(home, self.as_of)
        self.model_id = str(frame["model_id"].iloc[0]) if len(frame) else ""
        bundle = current_model(home, self.model_id or None)
        X, _ = feature_frame(home, self.as_of)
        X = X.loc[frame.index]
        personal = [s.id for s in all_features() if s.personal and s.id in bundle.card.feature_names]
        self.personal_features = personal
        self.rows = self._rows(frame)
        self.position = {eid: i for i, eid in enumerate(frame.index)}
        # the "not authorized" variant, only for firms whose stored score read personal credit
        self.na_rows: dict[str, dict[str, Any]] = {}
        self.uses_personal = np.zeros(len(frame), dtype=bool)
        if personal:
            vals = X[personal].to_numpy()
            self.uses_personal = (~np.isnan(vals) & (vals != NOT_AUTHORIZED)).any(axis=1)
        if self.uses_personal.any():
            sub = X.loc[self.uses_personal].copy()
            sub[personal] = NOT_AUTHORIZED
            self.na_rows = self._variant(bundle, sub, frame)
        self.firms = self._firms()
        self.sorted_ids = sorted(self.firms)

    # ------------------------------------------------------------------ building
    @staticmethod
    def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
        cols = ["score", "band", "pd", "grade", *(f"sub_{d}" for d in SUBSCORES), "reasons", "evidence_leaves",
                "depth_grade", "depth_points", "quality_score", "quality_reason", "failed_checks", "model_id",
                "checkpoint_size"]
        cols = [c for c in cols if c in frame.columns]
        out: list[dict[str, Any]] = []
        for raw in frame[cols].to_dict("records"):
            rec: dict[str, Any] = {str(k): v for k, v in raw.items()}
            for k, v in rec.items():
                if isinstance(v, float) and v != v:
                    rec[k] = None  # NaN (no quality score, say) is "absent" in JSON
            rec["reasons"] = json.loads(rec["reasons"])
            rec["evidence_leaves"] = [int(x) for x in rec["evidence_leaves"]]
            checks = rec.get("failed_checks")
            rec["failed_checks"] = [str(x) for x in checks] if checks is not None else []
            out.append(rec)
        return out

    def _variant(self, bundle: Any, X: pd.DataFrame, frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
        """Scores of ``X`` (personal features withheld), with reasons and evidence as the batch builds them."""
        out = bundle.apply(X)
        reasons = principal_reasons(bundle.card, X, feature_metadata(), 4)
        # evidence the stored reasons do not already carry: features new among a firm's reasons, and
        # the personal-credit features (whose records leave the receipt)
        known = {(str(eid), r["feature"]): r["record_ids"] for eid in X.index
                 for r in self.rows[self.position[str(eid)]]["reasons"]}
        needed = set(self.personal_features) | {str(f) for e, f in zip(reasons["row"], reasons["feature"],
                                                                       strict=True) if (str(e), str(f)) not in known}
        engine = DuckDBEngine(self.home)
        try:
            install_evidence(engine, sorted(needed), self.as_of)
            want = pd.DataFrame({"enterprise_id": X.index.astype(str)})
            engine.con.register("na_firms", want)
            ev = engine.query("SELECT e.enterprise_id, e.feature_id, list(e.record_id ORDER BY e.record_id) AS ids "
                              "FROM evidence e SEMI JOIN na_firms USING (enterprise_id) GROUP BY ALL").to_pandas()
        finally:
            engine.close()
        evidence = {**known, **{(a, b): list(c) for a, b, c in ev.itertuples(index=False)}}
        withheld = set(self.personal_features)
        personal_ids: dict[str, set[str]] = {}
        for (e, f), ids in evidence.items():
            if f in withheld:
                personal_ids.setdefault(e, set()).update(ids)
        all_personal = sorted({r for ids in personal_ids.values() for r in ids})
        with EvidenceLedger.for_home(self.home) as ledger:
            leaf_of = ledger.leaf_indexes(all_personal) if all_personal else {}
        by_firm: dict[str, list[dict[str, Any]]] = {}
        for r in reasons.to_dict("records"):
            eid = str(r["row"])
            feature = str(r["feature"])
            by_firm.setdefault(eid, []).append({
                "rank": int(r["rank"]), "feature": feature, "dimension": r["dimension"], "bin": str(r["bin"]),
                "points_lost": int(r["points_lost"]), "text_zh": str(r["text_zh"]), "text_en": str(r["text_en"]),
                "record_ids": [] if feature in withheld else evidence.get((eid, feature), []),
            })
        variants: dict[str, dict[str, Any]] = {}
        for eid, row in out.iterrows():
            base = self.rows[self.position[str(eid)]]
            drop = {leaf_of[r] for r in personal_ids.get(str(eid), set()) if r in leaf_of}
            v = dict(base)
            v.update({"score": int(row["score"]), "band": str(row["band"]), "pd": float(row["pd"]),
                      "grade": str(row["grade"]), **{f"sub_{d}": float(row[f"sub_{d}"]) for d in SUBSCORES},
                      "reasons": by_firm.get(str(eid), []),
                      "evidence_leaves": [x for x in base["evidence_leaves"] if x not in drop]})
            variants[str(eid)] = v
        return variants

    def _firms(self) -> dict[str, FirmInfo]:
        con = self.home.connect()
        try:
            rows = con.sql("""SELECT enterprise_id, name, legal_rep_id, region, status, industry FROM (
                SELECT *, row_number() OVER (PARTITION BY enterprise_id ORDER BY version DESC, observed_at DESC) AS rn
                FROM enterprise) WHERE rn = 1""").fetchall()
        finally:
            con.close()
        return {r[0]: FirmInfo(*r) for r in rows}

    # ------------------------------------------------------------------ answering
    def has(self, enterprise_id: str) -> bool:
        return enterprise_id in self.position

    def row(self, enterprise_id: str, authorized: bool) -> tuple[dict[str, Any], str]:
        """The score row of a firm and its variant: ``stored`` or ``not_authorized``."""
        if not authorized and enterprise_id in self.na_rows:
            return self.na_rows[enterprise_id], "not_authorized"
        return self.rows[self.position[enterprise_id]], "stored"

    def reads_personal(self, enterprise_id: str) -> bool:
        """Did the stored score read the legal representative's personal credit?"""
        return bool(self.uses_personal[self.position[enterprise_id]])

    def score_id(self, enterprise_id: str, variant: str) -> str:
        return f"{self.as_of.isoformat()}/{self.model_id[:16]}/{enterprise_id}/{variant}"

    def search(self, q: str, limit: int, after: str | None) -> list[FirmInfo]:
        """Firms whose credit code starts with ``q`` or whose name contains ``q`` (ordered by id)."""
        needle = q.strip().upper()
        hits: list[FirmInfo] = []
        start = bisect.bisect_right(self.sorted_ids, after) if after is not None else 0
        for eid in self.sorted_ids[start:]:
            f = self.firms[eid]
            if eid.startswith(needle) or (f.name is not None and q.strip() in f.name):
                hits.append(f)
                if len(hits) > limit:
                    break
        return hits
