"""SIGKILL at random points of ingest, graph, fraud, features, train, score: the home recovers to before or after.

Each stage starts from a small data home (800 synthetic firms, built once) in the state just
before the command, and runs the real ``firmscore`` command in a child process
(``crash_runner.py``) that is killed with SIGKILL either just before its k-th durable step (a
rename, an fsync, a folder swap: the points where its state on disk changes; k drawn at random in
one slice of the run's steps per seed, so the seeds cover the whole run) or at a random time
during its run. After the kill the next writer opens the home (recovery) and the test checks:

* the home is usable: every table, the artifact of the stage and the ledger read, and
  ``ledger verify`` passes;
* its state equals the state before the command or the state after an uninterrupted run;
* nothing acknowledged is lost: every batch committed before is still committed, every stored
  record belongs to a committed batch and is logged in the ledger;
* no staging folder and no temporary file is left.

``FIRMSCORE_CRASH_STEP_KILLS`` and ``FIRMSCORE_CRASH_TIME_KILLS`` (default 3 and 1 per stage) set
how many seeds run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmscore.datamodel import RecordType
from firmscore.features import build_labels, compute_features, write_features, write_labels
from firmscore.features.catalog import SQL_FEATURES
from firmscore.fraud.artifact import FraudArtifactError, open_fraud_artifact
from firmscore.graph.artifact import GraphArtifactError, open_graph_artifact
from firmscore.ingest import ingest_paths
from firmscore.ledger import EvidenceLedger
from firmscore.scoring import current_model, read_scores, score_enterprises, train_model
from firmscore.store import DataHome
from firmscore.store.atomic import _leftover
from firmscore.store.batches import entries, open_batches
from firmscore.store.lock import writer
from firmscore.synth import generate
from firmscore.trust.store import read_trust

AS_OF = dt.date(2025, 6, 30)
N_FIRMS = 800
STEP_KILLS = int(os.environ.get("FIRMSCORE_CRASH_STEP_KILLS", "3"))
TIME_KILLS = int(os.environ.get("FIRMSCORE_CRASH_TIME_KILLS", "1"))
RUNNER = Path(__file__).with_name("crash_runner.py")
STAGES = ("ingest", "graph", "fraud", "features", "train", "score")

pytestmark = pytest.mark.xdist_group("crash")  # one worker builds the homes once


def _copy(src: Path, dst: Path) -> DataHome:
    shutil.copytree(src, dst)
    keys = src.parent / f"{src.name}.keys"  # private keys live beside the home (config.key_dir)
    if keys.is_dir():
        shutil.copytree(keys, dst.parent / f"{dst.name}.keys")
    return DataHome(dst)


@dataclass
class Homes:
    inputs: Path
    before: dict[str, Path]  # stage → home just before its command


@pytest.fixture(scope="session")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Homes:
    root = tmp_path_factory.mktemp("crash")
    inputs = root / "in"
    generate(inputs, N_FIRMS, seed=5, as_of=AS_OF, progress=False)
    home = DataHome(root / "work")
    before: dict[str, Path] = {}

    def snapshot(stage: str) -> None:
        before[stage] = root / f"before-{stage}"
        _copy(home.root, before[stage])

    ingest_paths(home, [inputs / "enterprise", inputs / "person", inputs / "authorization_grant"], source="synth")
    snapshot("ingest")  # the crashed command ingests the events and relations
    ingest_paths(home, [inputs / "event", inputs / "relation"], source="synth")
    snapshot("graph")  # no graph output yet
    before["fraud"] = before["graph"]  # no fraud artifact yet either
    write_features(home, compute_features(home, AS_OF, features=list(SQL_FEATURES)))
    snapshot("features")  # an older matrix (SQL features only) that the command replaces
    write_features(home, compute_features(home, AS_OF))
    write_labels(home, AS_OF, "12m", build_labels(home, AS_OF, "12m"))
    train_model(home, AS_OF, challenger=False, n_bootstrap=20, long_run_default_rate=0.05)
    score_enterprises(home, AS_OF)
    snapshot("train")  # model A current; the command trains model B
    train_model(home, AS_OF, challenger=False, n_bootstrap=20)
    snapshot("score")  # model B current, scores of model A; the command scores with B
    return Homes(inputs, before)


def _command(stage: str, home: Path, inputs: Path) -> list[str]:
    h, d = ["--home", str(home)], ["--as-of", AS_OF.isoformat()]
    return {
        "ingest": ["ingest", *h, "--source", "synth", str(inputs / "event"), str(inputs / "relation")],
        "graph": ["graph", *h, *d],
        "fraud": ["fraud", *h, *d],
        "features": ["features", *h, *d],
        "train": ["train", *h, *d, "--no-challenger"],
        "score": ["score", *h, *d],
    }[stage]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "FIRMSCORE_LANG": "en"}


def _run(stage: str, home: Path, inputs: Path, kill_at: int, count_file: Path,
         kill_after_s: float | None = None) -> int:
    cmd = [sys.executable, str(RUNNER), str(kill_at), str(count_file), "--", *_command(stage, home, inputs)]
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if kill_after_s is not None:
        try:
            proc.wait(timeout=kill_after_s)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=900)
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"{stage} failed on its own ({proc.returncode}): {err.decode()[-3000:]}")
    return proc.returncode


@dataclass
class Reference:
    after: DataHome
    steps: int
    seconds: float


_references: dict[str, Reference] = {}


def _reference(stage: str, homes: Homes, root: Path) -> Reference:
    """The uninterrupted run of the stage's command: its end state, durable steps and duration."""
    if stage not in _references:
        after = _copy(homes.before[stage], root / f"after-{stage}")
        started = time.monotonic()
        assert _run(stage, after.root, homes.inputs, 0, root / f"steps-{stage}") == 0
        steps = int((root / f"steps-{stage}").read_text())
        _references[stage] = Reference(after, steps, time.monotonic() - started)
    return _references[stage]


# ---------------------------------------------------------------------------- what "the state" is, per stage


def _digest(table: pa.Table | None) -> str | None:
    if table is None:
        return None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _committed(home: DataHome) -> list[str]:
    return [b["batch_id"] for b in home.batches()]


def _state_ingest(home: DataHome) -> Any:
    with EvidenceLedger.for_home(home) as log:
        size = log.size
    return home.counts(), size, len(_committed(home))


def _state_graph(home: DataHome) -> Any:
    try:  # the seal and the data hash verify: the data file and its manifest are of one run
        return open_graph_artifact(home, AS_OF).artifact_id
    except GraphArtifactError as exc:
        assert exc.kind == "missing"
        return None


def _state_fraud(home: DataHome) -> Any:
    try:  # both files match the manifest: they are of one run
        art = open_fraud_artifact(home, AS_OF)
    except FraudArtifactError as exc:
        assert exc.kind == "missing"
        return None
    return _digest(pa.Table.from_pandas(art.indicators)), _digest(pa.Table.from_pandas(art.evidence))


def _state_features(home: DataHome) -> Any:
    d = home.root / "features" / f"as_of={AS_OF}"
    table = pq.read_table(d / "features.parquet")
    meta = json.loads((d / "features.json").read_text(encoding="utf-8"))
    assert meta["features"] == table.column_names[1:]  # the matrix and its metadata are of one run
    return _digest(table)


def _state_train(home: DataHome) -> Any:
    model = current_model(home)  # the pointer names a complete model whose content hash verifies
    report = home.root / "models" / model.model_id[:12] / "report"
    assert (report / "report.html").stat().st_size > 0 and (report / "report.md").stat().st_size > 0
    return model.model_id


def _state_score(home: DataHome) -> Any:
    scores, receipt = read_scores(home, AS_OF)
    assert set(scores["model_id"]) == {receipt["model_id"]} and receipt["n_scored"] == len(scores)
    assert read_trust(home, AS_OF).num_rows == len(scores)
    return receipt["model_id"], _digest(pa.Table.from_pandas(scores.drop(columns=["reasons"]).reset_index()))


STATE: dict[str, Callable[[DataHome], Any]] = {
    "ingest": _state_ingest, "graph": _state_graph, "fraud": _state_fraud, "features": _state_features,
    "train": _state_train, "score": _state_score,
}


def _check_usable_and_consistent(home: DataHome, before: DataHome) -> None:
    with writer(home, "crash-test"):  # the next start: recovery runs first
        pass
    assert not (home.root / ".staging").exists()
    left = [os.path.join(d, n) for d, dirs, files in os.walk(home.root) for n in dirs + files if _leftover(n)]
    assert left == []
    committed = set(_committed(home))
    assert set(_committed(before)) <= committed  # nothing acknowledged is lost
    assert open_batches(home) == []  # every batch the log names is committed or rolled back
    assert {e["batch_id"] for e in entries(home)} == committed | {
        e["batch_id"] for e in entries(home) if e["state"] == "rolled_back"}
    con = home.connect()
    with EvidenceLedger.for_home(home) as log:
        report = log.verify_all()
        assert report.ok, [p.en for p in report.problems]
        for rt in RecordType:
            rows = con.execute(f"SELECT batch_id, record_id FROM {rt.value}").fetchall()
            assert {b for b, _ in rows} <= committed, rt  # no record under a batch the log does not commit
            ids = [r for _, r in rows]
            assert len(log.leaf_indexes(ids)) == len(set(ids)), rt  # every stored record is logged
    con.close()


def _cases() -> list[Any]:
    cases = []
    for stage in STAGES:
        cases += [pytest.param(stage, "step", s, id=f"{stage}-step-{s}") for s in range(STEP_KILLS)]
        cases += [pytest.param(stage, "time", s, id=f"{stage}-time-{s}") for s in range(TIME_KILLS)]
    return cases


@pytest.mark.parametrize(("stage", "kind", "seed"), _cases())
def test_sigkill_leaves_the_home_before_or_after(homes: Homes, tmp_path_factory: pytest.TempPathFactory,
                                                 stage: str, kind: str, seed: int) -> None:
    root = tmp_path_factory.mktemp(f"{stage}-{kind}-{seed}")
    ref = _reference(stage, homes, tmp_path_factory.getbasetemp())
    before = DataHome(homes.before[stage])
    home = _copy(before.root, root / "home")
    rng = random.Random(f"{stage}-{kind}-{seed}")
    if kind == "step":
        n = STEP_KILLS
        lo, hi = 1 + (ref.steps * seed) // n, max(1 + (ref.steps * seed) // n, (ref.steps * (seed + 1)) // n)
        code = _run(stage, home.root, homes.inputs, rng.randint(lo, hi), root / "steps")
        assert code == -signal.SIGKILL
    else:
        _run(stage, home.root, homes.inputs, 0, root / "steps", kill_after_s=rng.uniform(0.2, 1.0) * ref.seconds)
    _check_usable_and_consistent(home, before)
    state = STATE[stage](home)
    assert state in (STATE[stage](before), STATE[stage](ref.after))
