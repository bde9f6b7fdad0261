"""Analysts' verdicts on flagged firms (confirmed / cleared), kept in the home as an append-only log.

``<home>/fraud/verdicts.jsonl``: one JSON object per line — ``enterprise_id``, ``typology``, ``verdict``,
the ``as_of`` date of the artifact the analyst looked at, the ``strength`` it showed, ``analyst``,
``note`` and ``recorded_at``. The file is rewritten whole through the store's crash-safe writer (old
content plus the new line), so a crash leaves it with or without the new verdict, never half a line.
The latest verdict per (firm, typology) is the one that counts.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from firmscore.fraud.artifact import FraudArtifact, fraud_root
from firmscore.fraud.types import Typology
from firmscore.i18n import t
from firmscore.store.atomic import write_bytes
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

VERDICTS_FILE = "verdicts.jsonl"
VERDICTS = ("confirmed", "cleared")
COLUMNS = ("enterprise_id", "typology", "verdict", "as_of", "strength", "analyst", "note", "recorded_at")


class VerdictError(ValueError):
    """A verdict that cannot be recorded, or a verdict file that cannot be read (中文 / English)."""

    def __init__(self, key: str, **detail: object) -> None:
        super().__init__(t(f"fraud.verdict.{key}", lang="both", **detail))


def verdicts_path(home: DataHome) -> Path:
    return fraud_root(home) / VERDICTS_FILE


def read_verdicts(home: DataHome, *, latest_only: bool = True) -> pd.DataFrame:
    """Every recorded verdict (the latest per firm and typology by default)."""
    path = verdicts_path(home)
    rows = []
    if path.exists():
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                rows.append({c: row[c] for c in COLUMNS})
            except (ValueError, KeyError, TypeError) as exc:
                raise VerdictError("bad_file", path=path, line=line_no, detail=exc) from exc
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    if latest_only and not df.empty:
        df = df.drop_duplicates(["enterprise_id", "typology"], keep="last").reset_index(drop=True)
    return df


@holds_writer_lock("fraud")
def record_verdict(home: DataHome, artifact: FraudArtifact, *, enterprise_id: str, typology: str, verdict: str,
                   analyst: str = "", note: str = "") -> dict[str, object]:
    """Append one verdict on ``enterprise_id``'s ``typology`` as shown by ``artifact``."""
    if verdict not in VERDICTS:
        raise VerdictError("bad", value=verdict)
    if typology not in {ty.value for ty in Typology}:
        raise VerdictError("bad_typology", value=typology, choices=", ".join(ty.value for ty in Typology))
    row = artifact.indicators[artifact.indicators["enterprise_id"] == enterprise_id]
    if row.empty:
        raise VerdictError("unknown_firm", eid=enterprise_id, as_of=artifact.as_of)
    entry: dict[str, object] = {
        "enterprise_id": enterprise_id, "typology": typology, "verdict": verdict,
        "as_of": artifact.as_of.isoformat(), "strength": float(row[typology].iloc[0]), "analyst": analyst,
        "note": note, "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path = verdicts_path(home)
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    write_bytes(path, old + (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
    return entry
