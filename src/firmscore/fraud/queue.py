"""The review queue: the firms most worth an analyst's look, strongest evidence first.

A typology *fires* for a firm when its strength reaches the typology's threshold. Firms in business
with at least one typology firing are ranked by the noisy-or of the fired strengths,
``1 − Π (1 − s_t)``: two independent patterns make a firm more suspicious than either alone, and a
single strong pattern still ranks high. Firms whose fired typologies all have a verdict already are
left out (the analyst's time goes to new cases).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from firmscore.fraud.types import Typology

TYPOLOGIES: tuple[str, ...] = tuple(ty.value for ty in Typology)


def fired(indicators: pd.DataFrame, thresholds: dict[str, float]) -> pd.DataFrame:
    """Boolean frame (firm × typology): strength at or above the typology's threshold."""
    return pd.DataFrame({ty: indicators[ty].to_numpy() >= thresholds[ty] for ty in TYPOLOGIES},
                        index=indicators.index)


def queue_score(indicators: pd.DataFrame, thresholds: dict[str, float]) -> np.ndarray:
    """Noisy-or of the fired strengths per firm (0 where nothing fires or the firm is not in business)."""
    f = fired(indicators, thresholds).to_numpy()
    s = indicators[list(TYPOLOGIES)].to_numpy(dtype=np.float64)
    score = 1.0 - np.prod(np.where(f, 1.0 - s, 1.0), axis=1)
    return np.where(indicators["active"].to_numpy(dtype=bool) & f.any(axis=1), score, 0.0)


def review_queue(indicators: pd.DataFrame, evidence: pd.DataFrame, thresholds: dict[str, float], n: int,
                 verdicts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The top ``n`` firms: ``rank``, ``enterprise_id``, ``score``, ``typologies`` (fired, strongest first),
    ``explanation_zh`` / ``explanation_en`` (of the strongest fired typology) and its ``record_ids``."""
    score = queue_score(indicators, thresholds)
    f = np.array(fired(indicators, thresholds).to_numpy(), dtype=bool)  # a writable copy
    ids = indicators["enterprise_id"].astype(str).to_numpy(dtype=object)
    strength = indicators[list(TYPOLOGIES)].to_numpy(dtype=np.float64)
    if verdicts is not None and not verdicts.empty:
        judged = set(zip(verdicts["enterprise_id"].astype(str), verdicts["typology"].astype(str), strict=True))
        for k, ty in enumerate(TYPOLOGIES):
            hit = np.flatnonzero(f[:, k])
            done = np.array([(ids[i], ty) in judged for i in hit], dtype=bool)
            f[hit[done], k] = False
        score = np.where(f.any(axis=1), score, 0.0)
    order = np.lexsort((ids, -score))
    top = order[: max(0, n)]
    top = top[score[top] > 0]
    explain: dict[tuple[str, str], tuple[str, str, list[str]]] = {}
    if not evidence.empty:
        wanted = set(ids[top].tolist())
        ev = evidence[evidence["enterprise_id"].isin(wanted)]
        for eid, ty, zh, en, recs in zip(ev["enterprise_id"].astype(str), ev["typology"].astype(str),
                                         ev["explanation_zh"].astype(str), ev["explanation_en"].astype(str),
                                         ev["record_ids"], strict=True):
            explain[(eid, ty)] = (zh, en, list(recs))
    rows = []
    for rank, i in enumerate(top, 1):
        eid = str(ids[i])
        tys = [TYPOLOGIES[k] for k in np.argsort(-strength[i], kind="stable") if f[i, k]]
        zh, en, recs = explain.get((eid, tys[0]), ("", "", []))
        rows.append({"rank": rank, "enterprise_id": eid, "score": float(score[i]), "typologies": tys,
                     "explanation_zh": zh, "explanation_en": en, "record_ids": recs})
    return pd.DataFrame(rows, columns=["rank", "enterprise_id", "score", "typologies", "explanation_zh",
                                       "explanation_en", "record_ids"])
