"""Principal reasons: which features cost a row the most points, in Chinese and English.

For each row and card feature, ``points lost = best bin's points − the row's bin's points``. The
reasons are the (at most ``max_reasons``) features with the largest positive loss, ties broken by
card order so the output is deterministic. Vectorised over rows: one ``(n × p)`` loss matrix and
one stable ``argsort``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
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
    """See :meth:`firmscore.model.card.CardModel.reasons`."""
    from firmscore.model.card import bin_label_bilingual

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
    dims = [_meta(metadata, f.name, "dimension", f.dimension) for f in feats]
    label_cache: dict[tuple[int, int], tuple[str, str]] = {}
    text_zh: list[str] = []
    text_en: list[str] = []
    labels: list[str] = []
    for c, b, r in zip(cols.tolist(), bins.tolist(), rows.tolist(), strict=True):
        key = (c, b)
        if key not in label_cache:
            label_cache[key] = bin_label_bilingual(feats[c].rule, b)
        zh, en = label_cache[key]
        p, lo = int(pts[r, c]), int(lost[r, c])
        labels.append(en)
        text_zh.append(f"{names_zh[c]}：{zh}，得 {p} 分，较最优档少 {lo} 分")
        text_en.append(f"{names_en[c]}: {en}, {p} points, {lo} below the best bin")
    return pd.DataFrame(
        {
            "row": X.index.to_numpy()[rows],
            "rank": ranks + 1,
            "feature": [feats[c].name for c in cols],
            "dimension": [dims[c] for c in cols],
            "bin": labels,
            "points": pts[rows, cols],
            "best_points": best[cols],
            "points_lost": lost[rows, cols],
            "text_zh": text_zh,
            "text_en": text_en,
        },
        columns=REASON_COLUMNS,
    )
