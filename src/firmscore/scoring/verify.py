"""``verify_score``: re-prove every record behind a score and recompute the score bit for bit.

Checks, each reported separately:

1. the receipt's checkpoint is signed by the ledger's key;
2. every cited leaf is included under that checkpoint's root (RFC 9162 inclusion proof);
3. every cited record, as stored in the data home today, encodes to exactly the logged leaf (or,
   for sealed personal and negative records, to the content behind the logged commitment) — so
   the data the score used has not been altered since it was logged;
4. the model file's content hash equals the receipt's model id, and the graph artifact the features
   read is the one the receipt names (its sealed hashes intact);
5. the features recomputed from the records and scored by that model give the stored score, PD,
   grade and sub-scores exactly.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from firmscore.datamodel import RecordType
from firmscore.features import compute_features
from firmscore.graph.artifact import GraphArtifactError
from firmscore.ledger import EvidenceLedger, verify_checkpoint
from firmscore.ledger.encoding import canonical_bytes, encode_table
from firmscore.ledger.ledger import LedgerError
from firmscore.scoring.bundle import current_model
from firmscore.scoring.data import as_frame
from firmscore.scoring.score import read_scores, scores_dir
from firmscore.store.home import DataHome


@dataclass
class ScoreVerification:
    """The outcome of each check; ``ok`` only when all passed."""

    enterprise_id: str
    as_of: dt.date
    checks: list[dict[str, Any]] = field(default_factory=list)
    stored: dict[str, Any] = field(default_factory=dict)
    recomputed: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, ok: bool, zh: str, en: str) -> None:
        self.checks.append({"check": name, "ok": bool(ok), "zh": zh, "en": en})

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c["ok"] for c in self.checks)


def latest_as_of(home: DataHome) -> dt.date:
    dirs = sorted((home.root / "scores").glob("as_of=*"))
    if not dirs:
        raise FileNotFoundError(f"no scores in {home.root} (run: firmscore score --as-of DATE)")
    return dt.date.fromisoformat(dirs[-1].name.split("=", 1)[1])


def _stored_records(home: DataHome, record_ids: list[str]) -> dict[str, tuple[str, bytes]]:
    """record id → (record type, canonical bytes of the record as stored in the data home now)."""
    con = home.connect()
    out: dict[str, tuple[str, bytes]] = {}
    try:
        con.register("wanted", pa.table({"record_id": record_ids}))
        for rt in RecordType:
            table = con.sql(f"SELECT t.* FROM {rt.value} t SEMI JOIN wanted USING (record_id)").to_arrow_table()
            if rt is RecordType.EVENT:
                table = table.drop_columns([c for c in ("event_date", "end_date") if c in table.column_names])
            if table.num_rows:
                enc = encode_table(rt.value, table)
                for rid, data in zip(enc.record_ids, enc.canonical, strict=True):
                    out[rid] = (rt.value, data)
    finally:
        con.close()
    return out


def verify_score(home: DataHome, enterprise_id: str, as_of: dt.date | None = None) -> ScoreVerification:
    """Run every check of the module docstring for one firm's stored score."""
    as_of = as_of or latest_as_of(home)
    scores, receipt = read_scores(home, as_of)
    if enterprise_id not in scores.index:
        raise KeyError(f"{enterprise_id} has no score as of {as_of} in {scores_dir(home, as_of)}")
    row: dict[Any, Any] = scores.loc[enterprise_id].to_dict()
    result = ScoreVerification(enterprise_id, as_of)
    result.stored = {"score": int(row["score"]), "pd": float(row["pd"]), "grade": str(row["grade"])}
    leaves = [int(x) for x in row["evidence_leaves"]]

    with EvidenceLedger.for_home(home) as ledger:
        note = receipt["checkpoint"]
        try:
            cp = verify_checkpoint(note, ledger.verifier)
            result.add("checkpoint", True, f"检查点签名有效（{cp.size} 个叶子）",
                       f"checkpoint signature valid ({cp.size} leaves)")
        except Exception as exc:
            result.add("checkpoint", False, f"检查点无效: {exc}", f"checkpoint invalid: {exc}")
            return result
        # leaf -> (record id, record type, leaf bytes, sealed behind a commitment), each leaf parsed once
        leaf_records: dict[int, tuple[str, str, bytes, bool]] = {}
        for leaf in leaves:
            data = ledger.storage.read_leaf(leaf)
            if data is None:
                continue
            doc = json.loads(data)
            sealed = "commitment" in doc
            rid = doc["record_id"] if sealed else doc["record"]["record_id"]
            leaf_records[leaf] = (rid, doc["type"], data, sealed)
        ledger.storage.end_read()
        bad_proofs = []
        for rid, _rt, _data, _sealed in leaf_records.values():
            try:
                ledger.prove(rid, cp.size).verify(ledger.verifier)
            except Exception:
                bad_proofs.append(rid)
        missing = len(leaves) - len(leaf_records)
        if bad_proofs:
            zh, en = f"包含证明失败: {bad_proofs}", f"inclusion proof failed for {bad_proofs}"
        elif missing:
            zh, en = (f"收据引用的 {missing} 个叶子在账本中不存在",
                      f"{missing} leaves cited by the receipt are not in the ledger")
        else:
            zh = f"{len(leaf_records)} 条证据记录的包含证明均有效"
            en = f"inclusion proofs of {len(leaf_records)} evidence records verify"
        result.add("inclusion", not bad_proofs and not missing, zh, en)
        stored = _stored_records(home, [r for r, _, _, _ in leaf_records.values()])
        altered: list[str] = []
        for rid, rt, data, sealed in leaf_records.values():
            now = stored.get(rid)
            if sealed:
                try:
                    looked = ledger.lookup(rid)
                except LedgerError as exc:  # e.g. the home was copied without its key folder
                    altered.append(f"{rid} ({exc.en})")
                    continue
                if looked.erased:
                    continue  # erased under a rule and removed from the parts: the proof stands, the content is gone
            if now is None:
                altered.append(f"{rid} (gone from the data home)")
                continue
            if sealed:
                if looked.content is None or canonical_bytes(rt, looked.content) != now[1]:
                    altered.append(rid)
            elif now[1] != data:
                altered.append(rid)
        result.add("records", not altered,
                   "数据目录中的证据记录与账本一致" if not altered else f"记录被改动: {altered[:5]}",
                   "evidence records in the data home match the ledger" if not altered
                   else f"records altered since logged: {altered[:5]}")

    bundle = current_model(home, str(receipt["model_id"]))
    result.add("model", bundle.model_id == receipt["model_id"] == row["model_id"],
               f"模型内容哈希一致 {bundle.model_id[:12]}", f"model content hash matches {bundle.model_id[:12]}")
    graph_id = receipt.get("graph_artifact_id")
    try:  # the graph artifact the features read is the one the receipt names, unaltered
        matrix = compute_features(home, as_of, graph_artifact_id=graph_id, build_graph=graph_id is None)
        short = str(graph_id)[:12]
        result.add("graph", True, f"图谱产物哈希一致 {short}", f"graph artifact hash matches {short}")
    except GraphArtifactError as exc:
        result.add("graph", False, exc.zh, exc.en)
        return result
    frame = as_frame(matrix.table)
    if enterprise_id not in frame.index:
        result.add("recompute", False, "重算时该企业不存在", "the firm is absent when recomputing")
        return result
    again: dict[Any, Any] = bundle.apply(frame.loc[[enterprise_id]]).iloc[0].to_dict()
    result.recomputed = {"score": int(again["score"]), "pd": float(again["pd"]), "grade": str(again["grade"])}
    subs = [c for c in scores.columns if c.startswith("sub_")]
    same = (
        result.recomputed == result.stored
        and all(np.float64(again[c]).tobytes() == np.float64(row[c]).tobytes() for c in subs)
    )
    result.add("recompute", same,
               f"重算得分 {result.recomputed['score']} 与存储值逐位一致" if same else
               f"重算结果 {result.recomputed} 与存储值 {result.stored} 不同",
               f"recomputed score {result.recomputed['score']} equals the stored one bit for bit" if same else
               f"recomputed {result.recomputed} differs from stored {result.stored}")
    return result
