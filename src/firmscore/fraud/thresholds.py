"""Per-typology thresholds: the strength at which a typology *fires*, re-tuned from analysts' verdicts.

Defaults are :data:`DEFAULT_THRESHOLD` for every typology. ``<home>/fraud/thresholds.json`` holds the
tuned ones. Re-tuning (:func:`retune`) looks at the verdicts of one typology (the strength the firm
had when the analyst judged it, and whether the analyst confirmed it) and picks the *lowest* threshold
at which at least :data:`TARGET_PRECISION` of the judged firms at or above it were confirmed (moved up
to the lowest confirmed strength of that tail) — the most recall for the precision the review budget
was set for. A threshold is raised only when the verdicts at or above it fall short of the target: an
analyst who confirms every firm of the queue has shown the threshold is not too low, not that it
should rise to the strongest case. With fewer than :data:`MIN_VERDICTS`
verdicts, or when no threshold reaches the target, the threshold is kept. No model is refitted: the
detectors' strengths stay what they are, only where each typology fires moves.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from firmscore.fraud.types import Typology
from firmscore.store.atomic import write_json
from firmscore.store.home import DataHome

DEFAULT_THRESHOLD = 0.5
TARGET_PRECISION = 0.8
MIN_VERDICTS = 5
THRESHOLDS_FILE = "thresholds.json"


def thresholds_path(home: DataHome) -> Path:
    return home.root / "fraud" / THRESHOLDS_FILE


def load_thresholds(home: DataHome) -> dict[str, float]:
    """The current threshold of every typology (defaults where none was tuned)."""
    out = {ty.value: DEFAULT_THRESHOLD for ty in Typology}
    path = thresholds_path(home)
    if path.exists():
        doc = json.loads(path.read_text(encoding="utf-8"))
        for k, v in doc.get("thresholds", {}).items():
            if k in out:
                out[k] = float(v["threshold"])
    return out


@dataclass(frozen=True, kw_only=True)
class Retuned:
    """The outcome of re-tuning one typology."""

    typology: str
    old: float
    new: float
    n_verdicts: int
    precision: float  # of the verdicts at or above ``new``
    changed: bool


def tune_threshold(strength: np.ndarray, confirmed: np.ndarray, *, current: float,
                   target: float = TARGET_PRECISION, min_verdicts: int = MIN_VERDICTS) -> tuple[float, float]:
    """(threshold, precision above it): the lowest judged strength whose tail precision reaches ``target``."""
    s = np.asarray(strength, dtype=np.float64)
    y = np.asarray(confirmed, dtype=bool)
    if s.size < min_verdicts:
        above = s >= current
        return current, float(y[above].mean()) if above.any() else float("nan")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tail_precision = np.cumsum(y_sorted) / np.arange(1, s.size + 1)
    # a threshold between equal strengths is not possible: only the last of a run of ties counts
    last_of_run = np.append(s_sorted[1:] != s_sorted[:-1], True)
    ok = np.flatnonzero(last_of_run & (tail_precision >= target))
    if ok.size == 0 or not y_sorted[: ok[-1] + 1].any():
        above = s >= current
        return current, float(y[above].mean()) if above.any() else float("nan")
    # the lowest confirmed strength of that tail: cleared firms below it add no recall
    threshold = float(s_sorted[: ok[-1] + 1][y_sorted[: ok[-1] + 1]].min())
    at_current = s >= current
    if threshold > current and at_current.any() and y[at_current].mean() >= target:
        threshold = current  # verdicts only above the threshold cannot justify raising it
    return threshold, float(y[s >= threshold].mean())


def retune(home: DataHome, verdicts: pd.DataFrame) -> list[Retuned]:
    """Re-tune every typology with verdicts and store the thresholds (crash-safe write)."""
    current = load_thresholds(home)
    doc: dict[str, Any] = {"tuned_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "thresholds": {}}
    out = []
    for ty in Typology:
        v = verdicts[verdicts["typology"] == ty.value] if not verdicts.empty else verdicts
        old = current[ty.value]
        new, precision = tune_threshold(v["strength"].to_numpy(dtype=np.float64) if len(v) else np.zeros(0),
                                        (v["verdict"] == "confirmed").to_numpy() if len(v) else np.zeros(0, bool),
                                        current=old)
        out.append(Retuned(typology=ty.value, old=old, new=new, n_verdicts=len(v), precision=precision,
                           changed=new != old))
        doc["thresholds"][ty.value] = {"threshold": new, "verdicts": len(v),
                                       "precision_above": None if np.isnan(precision) else round(precision, 4)}
    write_json(thresholds_path(home), doc)
    return out
