"""``verify_score``: re-prove every record behind a score and recompute the score bit for bit.

The checks run in order, each named and reported separately (:data:`CHECKS`); a check whose
inputs failed is reported as skipped, and any error inside a check — a tampered model file, a
leaf that is not UTF-8, a truncated Parquet file — is that check failing, never a crash:

``receipt``      the stored row and the run's receipt can be read and name this firm;
``checkpoint``   the receipt's checkpoint is signed by a published ledger key (the keyring in
                 the key folder, never a key derived from the private key);
``witness``      each configured witness cosigned it (when witnesses are configured);
``consistency``  the ledger today extends that checkpoint (RFC 9162 consistency proof to the
                 current signed checkpoint): it was not cut back, forked or rewritten since;
``score_leaf``   the row's score leaf is included under the receipt's root and states exactly
                 this firm, date, model, evidence list and stored results;
``inclusion``    every evidence leaf the score leaf lists is included under the receipt's root;
``record_index`` the ledger's record index still points each cited record at its leaf;
``records``      every cited record, as stored in the data home today, encodes to its logged leaf
                 (or to the content behind its sealed commitment);
``unlogged``     every record the features read for this firm today is one of the logged evidence
                 leaves (an injected, unlogged record is named);
``model``        the model file loads and its content hash is the receipt's model id;
``graph``        the graph artifact the features read is the one the receipt names (its sealed
                 hashes intact);
``features``     the features recomputed from the records hash to the logged feature hash;
``recompute``    those features scored by that model give the stored score, PD, grade and
                 sub-scores exactly.

Another check is one more entry in :data:`CHECKS`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from firmscore.config import key_dir
from firmscore.datamodel import RecordType
from firmscore.features import compute_features
from firmscore.features.evidence import evidence
from firmscore.graph.artifact import GraphArtifactError
from firmscore.ledger import EvidenceLedger, verify_checkpoint
from firmscore.ledger.checkpoint import CheckpointError, Keyring, SignedCheckpoint
from firmscore.ledger.encoding import canonical_bytes, encode_table
from firmscore.ledger.hasher import hash_leaf
from firmscore.ledger.keys import load_keyring
from firmscore.ledger.ledger import LedgerError
from firmscore.ledger.verify import ProofError, verify_consistency, verify_inclusion
from firmscore.model.artifact import ArtifactError
from firmscore.scoring.bundle import ModelBundle, current_model
from firmscore.scoring.data import as_frame
from firmscore.scoring.receipt import SCORE_KIND, feature_hash, reasons_hash
from firmscore.scoring.score import read_scores, scores_dir
from firmscore.store.home import DataHome


@dataclass
class ScoreVerification:
    """The outcome of each check; ``ok`` only when every check ran and passed."""

    enterprise_id: str
    as_of: dt.date
    checks: list[dict[str, Any]] = field(default_factory=list)
    stored: dict[str, Any] = field(default_factory=dict)
    recomputed: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, ok: bool, zh: str, en: str, *, skipped: bool = False) -> None:
        self.checks.append({"check": name, "ok": bool(ok), "skipped": skipped, "zh": zh, "en": en})

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c["ok"] for c in self.checks)

    def failed(self) -> list[str]:
        """Names of the checks that ran and failed (skipped ones left out)."""
        return [c["check"] for c in self.checks if not c["ok"] and not c["skipped"]]


@dataclass(kw_only=True)
class _Context:
    """What the checks read and hand on to each other."""

    home: DataHome
    enterprise_id: str
    as_of: dt.date
    keyring: Keyring | None
    ledger: EvidenceLedger | None = None
    row: dict[str, Any] = field(default_factory=dict)
    receipt: dict[str, Any] = field(default_factory=dict)
    checkpoint: SignedCheckpoint | None = None
    logged: dict[str, Any] = field(default_factory=dict)  # the score leaf's record
    cited: dict[int, tuple[str, str, bytes, bool]] = field(default_factory=dict)  # leaf → (rid, type, data, sealed)
    bundle: ModelBundle | None = None
    frame: Any = None  # the recomputed feature matrix (DataFrame by enterprise id)
    features: Any = None  # the recomputed feature row (one-row DataFrame)
    recomputed: dict[str, Any] = field(default_factory=dict)


Outcome = tuple[bool, str, str]


def latest_as_of(home: DataHome) -> dt.date:
    dirs = sorted((home.root / "scores").glob("as_of=*"))
    if not dirs:
        raise FileNotFoundError(f"no scores in {home.root} (run: firmscore score --as-of DATE)")
    return dt.date.fromisoformat(dirs[-1].name.split("=", 1)[1])


def _led(ctx: _Context) -> EvidenceLedger:
    if ctx.ledger is None:
        ctx.ledger = EvidenceLedger.for_home(ctx.home, create_key=False)
    return ctx.ledger


def _few(items: list[Any], n: int = 5) -> str:
    return ", ".join(str(x) for x in items[:n]) + (f" … (+{len(items) - n})" if len(items) > n else "")


# ---------------------------------------------------------------------- checks
def check_receipt(ctx: _Context) -> Outcome:
    try:
        scores, receipt = read_scores(ctx.home, ctx.as_of)
    except Exception as exc:  # a missing, truncated or garbled scores file or receipt
        what = f"{type(exc).__name__}: {exc}"
        return False, f"存储的评分或回执无法读取: {what}", f"the stored scores or receipt cannot be read: {what}"
    if ctx.enterprise_id not in scores.index:
        where = scores_dir(ctx.home, ctx.as_of)
        return False, f"{where} 中没有该企业的评分", f"no score of this firm in {where}"
    ctx.row = {str(k): v for k, v in scores.loc[ctx.enterprise_id].to_dict().items()}
    ctx.receipt = receipt
    if not isinstance(receipt.get("checkpoint"), str) or "score_leaf" not in ctx.row:
        return False, "回执缺少检查点或评分叶子", "the receipt has no checkpoint or the row no score leaf"
    return True, "评分行与回执可读", "the score row and its receipt are readable"


def check_checkpoint(ctx: _Context) -> Outcome:
    if ctx.keyring is None:
        where = key_dir(ctx.home.root)
        return False, f"没有已发布的账本公钥 ({where})", f"no published ledger key ({where}): nothing to verify with"
    try:
        cp = verify_checkpoint(str(ctx.receipt["checkpoint"]), ctx.keyring)
    except CheckpointError as exc:
        return (False, f"回执的检查点不是由已发布的账本密钥签名: {exc}",
                f"the receipt's checkpoint is not signed by a published ledger key: {exc}")
    ctx.checkpoint = cp
    return (True, f"检查点由已发布密钥签名 ({cp.size} 个叶子)",
            f"checkpoint signed by a published key ({cp.size} leaves)")


def check_witness(ctx: _Context) -> Outcome:
    witnesses = _led(ctx).witnesses
    if not witnesses:
        return (True, "未配置见证方: 检查点仅凭账本密钥",
                "no witness configured: the checkpoint rests on the ledger key alone")
    note = str(ctx.receipt["checkpoint"])
    bad = []
    for w in witnesses:
        try:
            w.key.verify(note)
        except ValueError as exc:
            bad.append(f"{w.name} ({exc})")
    if bad:
        return False, f"见证方联署缺失或无效: {_few(bad)}", f"cosignature missing or invalid: {_few(bad)}"
    names = ", ".join(w.name for w in witnesses)
    return True, f"见证方已联署: {names}", f"cosigned by the witnesses: {names}"


def check_consistency(ctx: _Context) -> Outcome:
    assert ctx.checkpoint is not None and ctx.keyring is not None
    led = _led(ctx)
    stored = led.storage.read_checkpoint()
    led.storage.end_read()
    if stored is None:
        return False, "账本中没有检查点", "the ledger holds no checkpoint"
    current = verify_checkpoint(stored[1], ctx.keyring)
    old = ctx.checkpoint
    if current.size < old.size:
        return (False, f"账本只有 {current.size} 个叶子, 回执的检查点有 {old.size} 个 (账本被截断)",
                f"the ledger has {current.size} leaves, the receipt's checkpoint {old.size} (cut back)")
    proof = led.consistency(old.size, current.size).path if old.size < current.size else []
    try:
        verify_consistency(old.size, current.size, old.root, current.root, proof)
    except ProofError as exc:
        return (False, f"当前账本 (规模 {current.size}) 不是回执检查点 (规模 {old.size}) 的延续: 账本被改写或分叉",
                f"the ledger (size {current.size}) does not extend the receipt's checkpoint (size {old.size}): "
                f"it was rewritten or forked ({exc})")
    return (True, f"账本 (规模 {current.size}) 是回执检查点 (规模 {old.size}) 的延续",
            f"the ledger (size {current.size}) extends the receipt's checkpoint (size {old.size})")


def _prove_under_receipt(ctx: _Context, index: int, data: bytes) -> None:
    assert ctx.checkpoint is not None
    path = _led(ctx).prove_leaf(index, ctx.checkpoint.size)
    verify_inclusion(index, ctx.checkpoint.size, hash_leaf(data), path, ctx.checkpoint.root)


def check_score_leaf(ctx: _Context) -> Outcome:
    index = int(ctx.row["score_leaf"])
    data = _led(ctx).read_leaf(index)
    if data is None:
        return False, f"评分叶子 {index} 不在账本中", f"score leaf {index} is not in the ledger"
    try:
        _prove_under_receipt(ctx, index, data)
    except ProofError:
        return (False, f"评分叶子 {index} 不在回执检查点的树中", f"score leaf {index} is not included under the "
                f"receipt's signed root")
    doc = json.loads(data.decode("utf-8"))
    if doc.get("type") != SCORE_KIND:
        return False, f"叶子 {index} 不是评分叶子", f"leaf {index} is not a score leaf"
    logged: dict[str, Any] = doc["record"]
    ctx.logged = logged
    row = ctx.row
    subs = sorted(c for c in row if str(c).startswith("sub_"))
    stored: dict[str, Any] = {
        "enterprise_id": ctx.enterprise_id, "as_of": ctx.as_of.isoformat(), "model_id": str(row["model_id"]),
        "evidence_leaves": [int(x) for x in row["evidence_leaves"]], "score": int(row["score"]),
        "pd": float(row["pd"]), "grade": str(row["grade"]), "band": str(row["band"]),
        "sub_scores": {c: float(row[c]) for c in subs}, "reasons_hash": reasons_hash(str(row["reasons"])),
    }
    differs = [k for k, v in stored.items() if logged.get(k) != v]
    if "evidence_leaves" in differs:
        n_row, n_log = len(stored["evidence_leaves"]), len(logged.get("evidence_leaves") or [])
        return (False, f"证据清单与账本中的评分叶子不符 (存储 {n_row} 个, 入账 {n_log} 个)",
                f"the evidence list differs from the logged score leaf ({n_row} stored, {n_log} logged)")
    if differs:
        return (False, f"存储的评分与账本中的评分叶子 {index} 不符: {_few(differs)}",
                f"the stored score differs from logged score leaf {index} in: {_few(differs)}")
    return True, f"评分叶子 {index} 已入账且与存储一致", f"score leaf {index} is logged and matches the stored score"


def check_inclusion(ctx: _Context) -> Outcome:
    led = _led(ctx)
    leaves = [int(x) for x in ctx.logged["evidence_leaves"]]
    missing, bad = [], []
    for leaf in leaves:
        data = led.read_leaf(leaf)
        if data is None:
            missing.append(leaf)
            continue
        try:
            _prove_under_receipt(ctx, leaf, data)
            doc = json.loads(data.decode("utf-8"))
            sealed = "commitment" in doc
            rid = doc["record_id"] if sealed else doc["record"]["record_id"]
            ctx.cited[leaf] = (str(rid), str(doc["type"]), data, sealed)
        except Exception:  # a proof that fails, a leaf that is not UTF-8 or not a record: this leaf fails
            bad.append(leaf)
    if missing or bad:
        return (False, f"证据叶子缺失 {_few(missing)}; 证明失败 {_few(bad)}",
                f"evidence leaves missing: {_few(missing) or '-'}; not proven under the receipt's root: "
                f"{_few(bad) or '-'}")
    return (True, f"{len(leaves)} 条证据记录的包含证明均有效",
            f"inclusion proofs of all {len(leaves)} evidence records verify against the receipt's root")


def check_record_index(ctx: _Context) -> Outcome:
    rids = [rid for rid, _, _, _ in ctx.cited.values()]
    index = _led(ctx).leaf_indexes(rids)
    wrong = [f"{rid}→{index.get(rid)} (logged at {leaf})" for leaf, (rid, _, _, _) in ctx.cited.items()
             if index.get(rid) != leaf]
    if wrong:
        return False, f"记录索引指向了别的叶子: {_few(wrong)}", f"the record index points elsewhere: {_few(wrong)}"
    return True, "记录索引指向被引用的叶子", "the record index points every cited record at its leaf"


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


def check_records(ctx: _Context) -> Outcome:
    led = _led(ctx)
    stored = _stored_records(ctx.home, [r for r, _, _, _ in ctx.cited.values()])
    altered: list[str] = []
    for rid, rt, data, sealed in ctx.cited.values():
        now = stored.get(rid)
        if sealed:
            try:
                looked = led.lookup(rid)
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
    if altered:
        return False, f"记录自入账后被改动: {_few(altered)}", f"records altered since logged: {_few(altered)}"
    return True, "数据目录中的证据记录与账本一致", "evidence records in the data home match the ledger"


def check_unlogged(ctx: _Context) -> Outcome:
    assert ctx.bundle is not None
    used = evidence(ctx.home, ctx.enterprise_id, ctx.bundle.card.feature_names, ctx.as_of)
    now = sorted({rid for ids in used.values() for rid in ids})
    logged = {rid for rid, _, _, _ in ctx.cited.values()}
    extra = [rid for rid in now if rid not in logged]
    if extra:
        index = _led(ctx).leaf_indexes(extra)
        unlogged = [r for r in extra if r not in index]
        return (False, f"特征读取了未入账或未列入证据的记录: {_few(unlogged or extra)}",
                f"the features now read records that are {'not in the ledger' if unlogged else 'not in the evidence'}"
                f": {_few(unlogged or extra)}")
    return (True, f"特征读取的 {len(now)} 条记录均已入账",
            f"all {len(now)} records the features read are logged evidence")


def check_model(ctx: _Context) -> Outcome:
    want = str(ctx.receipt["model_id"])
    try:
        bundle = current_model(ctx.home, want)
    except (ArtifactError, FileNotFoundError, ValueError) as exc:
        return False, f"模型文件被改动或无法读取: {exc}", f"the model file was altered or cannot be read: {exc}"
    ctx.bundle = bundle
    ok = bundle.model_id == want == str(ctx.row["model_id"]) == str(ctx.logged.get("model_id", want))
    if not ok:
        return False, f"模型内容哈希 {bundle.model_id[:12]} 与回执不符", f"model hash {bundle.model_id[:12]} differs"
    return True, f"模型内容哈希一致 {bundle.model_id[:12]}", f"model content hash matches {bundle.model_id[:12]}"


def check_graph(ctx: _Context) -> Outcome:
    graph_id = ctx.receipt.get("graph_artifact_id")
    try:  # the graph artifact the features read is the one the receipt names, unaltered
        matrix = compute_features(ctx.home, ctx.as_of, graph_artifact_id=graph_id, build_graph=graph_id is None)
    except GraphArtifactError as exc:
        return False, exc.zh, exc.en
    ctx.frame = as_frame(matrix.table)
    short = str(graph_id)[:12]
    return True, f"图谱产物哈希一致 {short}", f"graph artifact hash matches {short}"


def check_features(ctx: _Context) -> Outcome:
    assert ctx.bundle is not None and ctx.frame is not None
    frame = ctx.frame
    if ctx.enterprise_id not in frame.index:
        return False, "重算时该企业不存在", "the firm is absent when recomputing"
    ctx.features = frame.loc[[ctx.enterprise_id]]
    names = list(ctx.bundle.card.feature_names)
    got = feature_hash(names, ctx.features[names].to_numpy(dtype=np.float64)[0])
    if got != ctx.logged.get("feature_hash"):
        return False, "重算特征的哈希与入账的不符", "the recomputed features do not hash to the logged feature hash"
    return True, "重算特征与入账的特征哈希一致", "recomputed features hash to the logged feature hash"


def check_recompute(ctx: _Context) -> Outcome:
    assert ctx.bundle is not None and ctx.features is not None
    row = ctx.row
    again: dict[Any, Any] = ctx.bundle.apply(ctx.features).iloc[0].to_dict()
    stored = {"score": int(row["score"]), "pd": float(row["pd"]), "grade": str(row["grade"])}
    recomputed = {"score": int(again["score"]), "pd": float(again["pd"]), "grade": str(again["grade"])}
    ctx.recomputed = recomputed
    subs = [c for c in row if str(c).startswith("sub_")]
    same = recomputed == stored and all(
        np.float64(again[c]).tobytes() == np.float64(row[c]).tobytes() for c in subs)
    if not same:
        return (False, f"重算结果 {recomputed} 与存储值 {stored} 不同",
                f"recomputed {recomputed} differs from stored {stored}")
    return (True, f"重算得分 {recomputed['score']} 与存储值逐位一致",
            f"recomputed score {recomputed['score']} equals the stored one bit for bit")


Check = Callable[[_Context], Outcome]

#: (name, check, names of the checks it needs). Order is the report's order.
CHECKS: list[tuple[str, Check, tuple[str, ...]]] = [
    ("receipt", check_receipt, ()),
    ("checkpoint", check_checkpoint, ("receipt",)),
    ("witness", check_witness, ("checkpoint",)),
    ("consistency", check_consistency, ("checkpoint",)),
    ("score_leaf", check_score_leaf, ("checkpoint",)),
    ("inclusion", check_inclusion, ("score_leaf",)),
    ("record_index", check_record_index, ("inclusion",)),
    ("records", check_records, ("inclusion",)),
    ("model", check_model, ("receipt",)),
    ("unlogged", check_unlogged, ("inclusion", "model")),
    ("graph", check_graph, ("model",)),
    ("features", check_features, ("graph", "score_leaf")),
    ("recompute", check_recompute, ("features",)),
]


def verify_score(
    home: DataHome, enterprise_id: str, as_of: dt.date | None = None, *, keyring: Keyring | None = None
) -> ScoreVerification:
    """Run every check of :data:`CHECKS` for one firm's stored score; never raises on hostile input.

    ``keyring`` is the published ledger key to verify with; by default the keyring of the home's
    key folder (``checkpoint.pub``), which the data home itself cannot alter.
    """
    try:
        day = as_of or latest_as_of(home)
    except (FileNotFoundError, ValueError) as exc:
        result = ScoreVerification(enterprise_id, as_of or dt.date.min)
        result.add("receipt", False, f"没有评分: {exc}", f"no scores: {exc}")
        return result
    result = ScoreVerification(enterprise_id, day)
    try:
        ring = keyring or load_keyring(key_dir(home.root))
    except ValueError:
        ring = None
    ctx = _Context(home=home, enterprise_id=enterprise_id, as_of=day, keyring=ring)
    passed: set[str] = set()
    try:
        for name, check, needs in CHECKS:
            if not all(n in passed for n in needs):
                missing = ", ".join(n for n in needs if n not in passed)
                result.add(name, False, f"未执行: 依赖的检查 {missing} 未通过", f"not run: needs {missing}",
                           skipped=True)
                continue
            try:
                ok, zh, en = check(ctx)
            except Exception as exc:  # hostile input fails the check that met it, with what went wrong
                what = f"{type(exc).__name__}: {exc}"
                ok, zh, en = False, f"无法校验: {what}", f"cannot be verified: {what}"
            result.add(name, ok, zh, en)
            if ok:
                passed.add(name)
    finally:
        if ctx.ledger is not None:
            ctx.ledger.close()
    if ctx.row:
        try:
            row = ctx.row
            result.stored = {"score": int(row["score"]), "pd": float(row["pd"]), "grade": str(row["grade"])}
        except (KeyError, TypeError, ValueError):
            result.stored = {}
    result.recomputed = ctx.recomputed
    return result

