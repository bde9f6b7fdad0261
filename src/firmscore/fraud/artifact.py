"""The fraud stage's artifact: per as-of date, every firm's strength per typology and the evidence behind it.

``firmscore fraud --as-of D`` writes, under ``<home>/fraud/as_of=D/`` (one folder replaced as a whole,
so a reader sees the old artifact or the new one, never a mix):

* ``indicators.parquet`` — one row per firm known on D: ``enterprise_id``, ``active`` and one ``float64``
  strength column per typology (:class:`~firmscore.fraud.types.Typology` values), sorted by id;
* ``evidence.parquet`` — one row per (firm, typology) with a positive strength: the strength, the record
  ids and graph paths behind it and the two explanations;
* ``fraud.json`` — the manifest: as-of date, detector parameters' version, counts, the records
  fingerprint of the home (as the graph artifact takes it) and the SHA-256 of both files.

Flags are *not* stored: a flag is a strength at or above the typology's current threshold
(:mod:`.thresholds`), so re-tuning from the analysts' verdicts takes effect without a re-run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from firmscore.fraud import messages as _messages  # noqa: F401  (registers the bilingual messages)
from firmscore.fraud.inputs import FraudInputs
from firmscore.fraud.types import Typology, TypologyResult
from firmscore.graph.artifact import records_fingerprint
from firmscore.i18n import t
from firmscore.store.atomic import atomic_dir, write_parquet, write_text
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

FORMAT_VERSION = 1
INDICATORS_FILE = "indicators.parquet"
EVIDENCE_FILE = "evidence.parquet"
MANIFEST_FILE = "fraud.json"
TYPOLOGIES: tuple[str, ...] = tuple(ty.value for ty in Typology)

EVIDENCE_SCHEMA = pa.schema([
    pa.field("enterprise_id", pa.string(), nullable=False),
    pa.field("typology", pa.string(), nullable=False),
    pa.field("strength", pa.float64(), nullable=False),
    pa.field("record_ids", pa.list_(pa.string())),
    pa.field("paths", pa.list_(pa.string())),
    pa.field("explanation_zh", pa.string()),
    pa.field("explanation_en", pa.string()),
])


class FraudArtifactError(ValueError):
    """The fraud artifact is missing or altered; the message names the file (中文 / English)."""

    def __init__(self, kind: str, path: Path, **detail: Any) -> None:
        self.kind = kind
        self.path = path
        super().__init__(t(f"fraud.{kind}", lang="both", path=path, **detail))


def fraud_root(home: DataHome) -> Path:
    """``<home>/fraud``: the artifacts, the verdicts and the thresholds."""
    return home.root / "fraud"


def artifact_dir(home: DataHome, as_of: dt.date) -> Path:
    return fraud_root(home) / f"as_of={as_of.isoformat()}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class FraudArtifact:
    """A verified fraud artifact: its folder, manifest and the two tables (pandas)."""

    directory: Path
    manifest: dict[str, Any]
    indicators: pd.DataFrame
    evidence: pd.DataFrame

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(str(self.manifest["as_of"]))


def indicator_table(inputs: FraudInputs, results: dict[Typology, TypologyResult]) -> pa.Table:
    """One row per firm: id, active and the strength of every typology (sorted by id)."""
    cols: dict[str, Any] = {"enterprise_id": pa.array(inputs.firms["enterprise_id"].astype(str).tolist()),
                            "active": pa.array(inputs.firms["active"].to_numpy(dtype=bool))}
    for ty in Typology:
        s = results[ty].strength if ty in results else np.zeros(inputs.n)
        cols[ty.value] = pa.array(s.astype(np.float64))
    table = pa.table(cols)
    return table.take(pa.compute.sort_indices(table, [("enterprise_id", "ascending")]))


def evidence_table(inputs: FraudInputs, results: dict[Typology, TypologyResult]) -> pa.Table:
    """One row per (firm, typology) with a positive strength."""
    frames = []
    ids = inputs.firms["enterprise_id"].astype(str).to_numpy(dtype=object)
    for ty, res in results.items():
        ev = res.evidence
        if ev.empty:
            continue
        firm = ev["firm"].to_numpy(dtype=np.int64)
        frames.append(pd.DataFrame({
            "enterprise_id": ids[firm], "typology": ty.value, "strength": res.strength[firm],
            "record_ids": ev["record_ids"], "paths": ev["paths"],
            "explanation_zh": ev["explanation_zh"], "explanation_en": ev["explanation_en"]}))
    if not frames:
        return EVIDENCE_SCHEMA.empty_table()
    df = pd.concat(frames, ignore_index=True).sort_values(["enterprise_id", "typology"], kind="stable")
    return pa.Table.from_pandas(df, schema=EVIDENCE_SCHEMA, preserve_index=False)


@holds_writer_lock("fraud")
def write_fraud_artifact(home: DataHome, inputs: FraudInputs, results: dict[Typology, TypologyResult], *,
                         fingerprint: dict[str, Any] | None = None) -> Path:
    """Write the artifact of ``inputs.as_of`` (the folder is replaced as a whole)."""
    out = artifact_dir(home, inputs.as_of)
    indicators = indicator_table(inputs, results)
    evidence = evidence_table(inputs, results)
    with atomic_dir(out) as staged:
        write_parquet(staged / INDICATORS_FILE, indicators, compression="zstd")
        write_parquet(staged / EVIDENCE_FILE, evidence, compression="zstd")
        manifest = {
            "format": FORMAT_VERSION,
            "as_of": inputs.as_of.isoformat(),
            "firms": inputs.n,
            "active_firms": int(inputs.firms["active"].sum()),
            "positive": {ty.value: int((r.strength > 0).sum()) for ty, r in results.items()},
            "records": fingerprint or records_fingerprint(home),
            "files": {INDICATORS_FILE: _sha256(staged / INDICATORS_FILE),
                      EVIDENCE_FILE: _sha256(staged / EVIDENCE_FILE)},
        }
        write_text(staged / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return out


def available_dates(home: DataHome) -> list[dt.date]:
    """As-of dates with a fraud artifact, oldest first."""
    root = fraud_root(home)
    if not root.exists():
        return []
    return sorted(dt.date.fromisoformat(p.name.removeprefix("as_of=")) for p in root.glob("as_of=*")
                  if (p / MANIFEST_FILE).exists())


def open_fraud_artifact(home: DataHome, as_of: dt.date | None = None) -> FraudArtifact:
    """The artifact of ``as_of`` (default: the latest), its files checked against the manifest."""
    if as_of is None:
        dates = available_dates(home)
        if not dates:
            raise FraudArtifactError("none_yet", fraud_root(home))
        as_of = dates[-1]
    out = artifact_dir(home, as_of)
    manifest_path = out / MANIFEST_FILE
    if not manifest_path.exists():
        raise FraudArtifactError("missing", manifest_path, as_of=as_of)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise FraudArtifactError("altered", manifest_path) from exc
    for name, digest in files.items():
        if not (out / name).exists() or _sha256(out / name) != digest:
            raise FraudArtifactError("altered", out / name)
    return FraudArtifact(directory=out, manifest=manifest,
                         indicators=pq.read_table(out / INDICATORS_FILE).to_pandas(),
                         evidence=pq.read_table(out / EVIDENCE_FILE).to_pandas())
