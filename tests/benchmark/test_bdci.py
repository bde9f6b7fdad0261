"""bdci2017 in the real-data benchmark: labels against the README, and the whole path on a slice of the data.

The slice keeps the first 3,000 labelled firms of ``train.csv`` and every side-table row about them (the
investment rows where either end is one of them), copied line by line with each file's own encoding,
BOM and quoting, so ingestion reads the real formats.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from firmscore.benchmark.bdci import (
    AS_OF,
    GRAPH_IDS,
    RELATIONSHIP_IDS,
    BdciDataError,
    load_bdci,
    own_exits_seen,
    read_labels,
)
from firmscore.benchmark.datasets import BenchDataset, bdci2017
from firmscore.benchmark.run import lifts, run_dataset
from firmscore.features import compute_features, write_features
from firmscore.ingest import ingest_paths
from firmscore.store import DataHome

SLICE = 3000
#: file → (encoding, columns naming a firm)
SIDE_TABLES = {"4invest.csv": ("utf-8-sig", ("EID", "BTEID")), "6project.csv": ("utf-8-sig", ("EID",)),
               "7lawsuit.csv": ("utf-8-sig", ("EID",)), "8breakfaith.csv": ("utf-8-sig", ("EID",)),
               "10qualification.csv": ("gbk", ("EID",))}


def _filtered_copy(src: Path, dst: Path, encoding: str, columns: tuple[str, ...], keep: set[str]) -> int:
    """Copy the header and the rows whose ``columns`` name a kept firm, bytes unchanged; return rows kept."""
    raw = src.read_bytes().splitlines(keepends=True)
    header = next(csv.reader([raw[0].decode(encoding)]))
    at = [header.index(c) for c in columns]
    kept = [raw[0]]
    for line in raw[1:]:
        row = next(csv.reader([line.decode(encoding)]), [])
        if row and any(row[i] in keep for i in at):
            kept.append(line)
    dst.write_bytes(b"".join(kept))
    return len(kept) - 1


@pytest.fixture(scope="module")
def bdci_slice(datasets_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[DataHome, Path]:
    root = tmp_path_factory.mktemp("bdci-slice")
    folder = root / "bdci2017"
    folder.mkdir()
    train = (datasets_dir / "bdci2017" / "train.csv").read_bytes().splitlines(keepends=True)
    (folder / "train.csv").write_bytes(b"".join(train[: SLICE + 1]))
    keep = {line.decode().split(",")[0] for line in train[1: SLICE + 1]}
    for name, (encoding, columns) in SIDE_TABLES.items():
        _filtered_copy(datasets_dir / "bdci2017" / name, folder / name, encoding, columns, keep)
    home = DataHome(root / "home")
    report = ingest_paths(home, [folder], source="bdci2017", ledger=False)
    assert report.reconciled
    write_features(home, compute_features(home, AS_OF))
    return home, root


@pytest.mark.shared_data
def test_bdci_labels_match_the_readme(datasets_dir: Path) -> None:
    labels = read_labels(datasets_dir / "bdci2017")
    assert len(labels) == 152_301  # README: 152,301 labelled enterprises, 13.6 % exited
    assert int(labels.sum()) == 20_645 and round(float(labels.mean()), 3) == 0.136
    assert labels.index.str.startswith("bdci:").all()


def test_read_labels_names_the_bad_line(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("EID,TARGET,ENDDATE\np1,0,\np2,yes,\n", encoding="utf-8")
    with pytest.raises(BdciDataError, match=r"train.csv: line 3"):
        read_labels(tmp_path)


@pytest.mark.shared_data
def test_bdci_slice_nested_feature_sets(bdci_slice: tuple[DataHome, Path]) -> None:
    home, root = bdci_slice
    no_rel, without, with_graph = bdci2017(home, root)
    truth = read_labels(root / "bdci2017")
    for ds in (no_rel, without, with_graph):
        assert len(ds.y) == SLICE and int(ds.y.sum()) == int(truth.sum())  # every labelled firm, its own label
        assert list(ds.X.index) == list(truth.index)
        assert len(ds.folds) == 5
        assert sorted(np.concatenate([te for _, te in ds.folds]).tolist()) == list(range(SLICE))
        assert [te.tolist() for _, te in ds.folds] == [te.tolist() for _, te in without.folds]
    assert (no_rel.lift_of, without.lift_of, with_graph.lift_of) == (None, no_rel.name, without.name)
    assert not set(no_rel.X.columns) & RELATIONSHIP_IDS
    assert any(c.startswith("perf_enforcement") for c in no_rel.X.columns)  # lawsuits through the catalog
    sql_rel = set(without.X.columns) - set(no_rel.X.columns)
    assert sql_rel and sql_rel <= RELATIONSHIP_IDS - GRAPH_IDS  # direct investments, from the relation table
    graph = set(with_graph.X.columns) - set(without.X.columns)
    assert graph and graph <= GRAPH_IDS  # the graph stage's investment-network features, nothing else
    assert set(no_rel.X.columns) <= set(without.X.columns) <= set(with_graph.X.columns)


@pytest.mark.shared_data
def test_bdci_lift_is_paired_on_the_same_rows(bdci_slice: tuple[DataHome, Path]) -> None:
    home, root = bdci_slice
    datasets = bdci2017(home, root)
    models = ("firmscore scorecard", "firmscore challenger")
    results = [run_dataset(ds, models=models) for ds in datasets]
    found = lifts(results)
    assert [(lift.dataset, lift.base) for lift in found] == [("bdci2017", "bdci2017 no relationship")] * 2 + [
        ("bdci2017 + graph", "bdci2017")] * 2
    auc = {(r.dataset.name, m): r.auc[m].value for r in results for m in models}
    for lift in found:
        assert lift.diff.value == pytest.approx(auc[(lift.dataset, lift.model)] - auc[(lift.base, lift.model)])
        assert lift.diff.low <= lift.diff.value <= lift.diff.high
        assert lift.met == (lift.diff.low > 0)
    other = BenchDataset(name="bdci2017 + graph", X=datasets[2].X.iloc[:100], y=datasets[2].y[:100],
                         folds=[(np.arange(50), np.arange(50, 100))], protocol="", lift_of="bdci2017")
    with pytest.raises(ValueError, match="same rows"):
        lifts([results[1], run_dataset(other, models=("firmscore scorecard",))])


@pytest.mark.shared_data
def test_bdci_features_cannot_see_the_label(bdci_slice: tuple[DataHome, Path]) -> None:
    home, root = bdci_slice
    labels = read_labels(root / "bdci2017")
    assert own_exits_seen(home, labels.index) == 0  # every exit is dated after 2015-08-01
    # two years on, every exited firm's own exit is in the snapshot: the check sees what it must refuse
    assert own_exits_seen(home, labels.index, dt.date(2017, 9, 1)) == int(labels.sum())


@pytest.mark.shared_data
def test_bdci_loader_names_firms_without_features(bdci_slice: tuple[DataHome, Path], tmp_path: Path) -> None:
    home, root = bdci_slice
    folder = tmp_path / "bdci2017"
    folder.mkdir()
    train = (root / "bdci2017" / "train.csv").read_text(encoding="utf-8")
    (folder / "train.csv").write_text(train + "nobody1,0,\n", encoding="utf-8")
    with pytest.raises(BdciDataError, match=r"1 firms of .*train.csv have no feature row as of 2015-08-01"):
        load_bdci(home, folder)


@pytest.mark.shared_data
def test_benchmark_real_command_on_the_slice(bdci_slice: tuple[DataHome, Path], tmp_path: Path,
                                             requirement: Callable[[bool, str], None]) -> None:
    from typer.testing import CliRunner

    from firmscore.benchmark.models import peers_python
    from firmscore.benchmark.run import KEEP_MARKER
    from firmscore.cli import app

    requirement(peers_python() is not None, "optbinning venv missing (scripts/peers-venv.sh, FIRMSCORE_PEERS_VENV)")
    home, root = bdci_slice
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# old\n{KEEP_MARKER}\nnotes by hand\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["benchmark", "real", "--datasets", str(root), "--only", "bdci2017",
                                      "--bdci-home", str(home.root), "--out", str(page)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    for name in ("bdci2017 no relationship", "bdci2017", "bdci2017 + graph"):
        for model in ("firmscore scorecard", "firmscore challenger", "optbinning scorecard", "plain LightGBM"):
            assert f"| {name} | " in text and f"| {model} | " in text
    assert "## Feature lift / 特征增益" in text
    assert "| bdci2017 + graph | bdci2017 | firmscore challenger |" in text
    assert text.endswith(f"{KEEP_MARKER}\nnotes by hand\n") and "# old" not in text
    bad = CliRunner().invoke(app, ["benchmark", "real", "--only", "nosuch", "--out", str(page)])
    assert bad.exit_code != 0 and "nosuch" in bad.output
