"""Principal reasons: which features cost a row the most points, in Chinese and English.

For each row and card feature, ``points lost = best bin's points − the row's bin's points``. The
reasons are the (at most ``max_reasons``) features with the largest positive loss, ties broken by
card order so the output is deterministic. Vectorised over rows: one ``(n × p)`` loss matrix and
one stable ``argsort``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from firmscore.datamodel.specials import SPECIAL_VALUES
from firmscore.model.binning.rules import BinRule
from firmscore.model.card import CardModel

REASON_COLUMNS = [
    "row", "rank", "feature", "dimension", "bin", "points", "best_points", "points_lost", "text_zh", "text_en",
]


def _meta(metadata: Mapping[str, Any] | None, feature: str, key: str, default: Any) -> Any:
    if not metadata or feature not in metadata:
        return default
    entry = metadata[feature]
    if isinstance(entry, Mapping):
        return entry.get(key, default) or default
    return getattr(entry, key, default) or default


def principal_reasons(
    card: CardModel, X: pd.DataFrame, metadata: Mapping[str, Any] | None = None, max_reasons: int = 4
) -> pd.DataFrame:
    """Principal reasons: per row, the features losing the most points against their best bin.

    Returns one row per (input row, reason) with ``row`` (the input index), ``rank`` (1 = most
    points lost), ``feature`` (the feature id, for the evidence look-up), ``dimension``,
    ``bin``, ``points``, ``best_points``, ``points_lost`` and ``text_zh`` / ``text_en``. Only
    features that actually lose points appear, so a row may have fewer than ``max_reasons``.
    ``metadata`` maps feature id → ``{name_zh, name_en, dimension}`` (a dict or any object with
    those attributes, e.g. the feature catalog's entries).
    """
    if max_reasons < 1:
        raise ValueError(f"max_reasons must be >= 1, got {max_reasons}")
    if not card.features:
        return pd.DataFrame(columns=REASON_COLUMNS)
    idx = card.bin_indices(X)
    feats = card.features
    pts = np.column_stack([np.asarray(f.points, dtype=np.int64)[idx[f.name]] for f in feats])
    best = np.array([f.max_points for f in feats], dtype=np.int64)
    lost = best[None, :] - pts
    k = min(max_reasons, len(feats))
    order = np.argsort(-lost, axis=1, kind="stable")[:, :k]
    rows, ranks = np.nonzero(np.take_along_axis(lost, order, axis=1) > 0)
    cols = order[rows, ranks]
    bins = np.column_stack([idx[f.name] for f in feats])[rows, cols]
    names_zh = [str(_meta(metadata, f.name, "name_zh", f.name)) for f in feats]
    names_en = [str(_meta(metadata, f.name, "name_en", f.name)) for f in feats]
    dims = np.array([_meta(metadata, f.name, "dimension", f.dimension) for f in feats], dtype=object)
    # A reason's text depends only on (feature, bin): build one string per bin of the card and
    # pick them with one take, so the cost does not grow with Python work per row.
    offsets = np.concatenate([[0], np.cumsum([f.rule.n_bins for f in feats])])
    zh_texts: list[str] = []
    en_texts: list[str] = []
    en_labels: list[str] = []
    for c, f in enumerate(feats):
        for k in range(f.rule.n_bins):
            zh, en = bin_label_bilingual(f.rule, k)
            p, lo = int(f.points[k]), int(best[c] - f.points[k])
            zh_texts.append(f"{names_zh[c]}：{zh}，得 {p} 分，较最优档少 {lo} 分")
            en_texts.append(f"{names_en[c]}: {en}, {p} points, {lo} below the best bin")
            en_labels.append(en)
    key = offsets[cols] + bins
    text_zh = np.asarray(zh_texts, dtype=object)[key]
    text_en = np.asarray(en_texts, dtype=object)[key]
    labels = np.asarray(en_labels, dtype=object)[key]
    names = np.asarray([f.name for f in feats], dtype=object)
    return pd.DataFrame(
        {
            "row": X.index.to_numpy()[rows],
            "rank": ranks + 1,
            "feature": names[cols],
            "dimension": dims[cols],
            "bin": labels,
            "points": pts[rows, cols],
            "best_points": best[cols],
            "points_lost": lost[rows, cols],
            "text_zh": text_zh,
            "text_en": text_en,
        },
        columns=REASON_COLUMNS,
    )


def bin_label_bilingual(rule: BinRule, k: int) -> tuple[str, str]:
    """Label of bin ``k`` in Chinese and English (special codes named from the data contract)."""
    n_reg = rule.n_regular
    if k == rule.missing_index:
        return "缺失", "missing"
    if k >= n_reg:
        code = rule.special_codes[k - n_reg]
        known = SPECIAL_VALUES.get(float(code)) if rule.kind == "numerical" else None
        if known:
            return known[1], known[2]
        return f"特殊值 {code}", f"special value {code}"
    if rule.kind == "numerical":
        # Reasons are read by people: five significant digits, not the split's full repr (the binning
        # table keeps the exact bounds).
        bounds = [-math.inf, *rule.splits, math.inf]
        lo, hi = bounds[k], bounds[k + 1]
        lo_s = "-inf" if math.isinf(lo) else f"{lo:.5g}"
        hi_s = "inf" if math.isinf(hi) else f"{hi:.5g}"
        lab = f"({lo_s}, {hi_s}]" if not math.isinf(hi) else f"({lo_s}, inf)"
        return lab, lab
    lab = rule.labels()[k]
    return lab, lab
