"""Explanations of contagion paths and the ``firmscore graph`` command."""

from __future__ import annotations

import datetime as dt

import pyarrow.parquet as pq
from typer.testing import CliRunner

from conftest import Writer, ent, evt, rel
from firmscore.cli import app
from firmscore.graph.explain import explain, risk_paths
from firmscore.graph.features import ARTIFACT_COLUMNS, analyse_home
from firmscore.store import DataHome

D = dt.date(2025, 6, 30)


def _chain(write: Writer) -> None:
    """V holds 60% of M, M guarantees X (dishonest since 2025-03); V's legal rep also ran 3 revoked firms."""
    write("enterprise", [
        ent("V", registered_capital=100.0, legal_rep_id="lr"),
        ent("M", registered_capital=100.0),
        ent("X", registered_capital=100.0),
        *(ent(f"Q{i}", legal_rep_id="lr", status="revoked") for i in range(3)),
    ])
    write("relation", [rel("shareholding", "V", "M", share=0.6), rel("guarantee", "M", "X", amount=100.0)])
    write("event", [evt("dishonest_listing", "X", dt.date(2025, 3, 12))])


def test_paths_follow_the_chain_and_cite_the_listing(home: DataHome, write: Writer) -> None:
    _chain(write)
    a = analyse_home(home.connect(), D)
    v = int(a.graph.index_of(["V"])[0])
    paths = risk_paths(a, v)
    best = paths[0]
    assert [a.graph.node_id(n) for n in best.nodes] == ["V", "M", "X"]
    assert [h.channel for h in best.hops] == ["owner", "guarantor"]
    w = a.model.effective_weights
    assert best.score == __import__("pytest").approx(w["owner"] * 0.6 * w["guarantor"] * 1.0 * a.own_pd[best.nodes[-1]])
    own, pd, statements = explain(a, "V")
    assert pd > own
    assert "holds 60% of M, which guarantees X" in statements[0].en
    assert "dishonest debtor (2025-03)" in statements[0].en
    assert "失信被执行人" in statements[0].zh
    assert any(s.en.startswith("holds shares in 1 firms, 0 of them distressed") for s in statements)
    assert "shares its legal representative with 3 distressed firms (3 revoked or cancelled)" in statements[-1].en


def test_cli_writes_features_and_explains(home: DataHome, write: Writer) -> None:
    _chain(write)
    runner = CliRunner()
    res = runner.invoke(app, ["graph", "--home", str(home.root), "--as-of", D.isoformat()])
    assert res.exit_code == 0, res.output
    path = home.root / "features" / "graph" / f"as_of={D.isoformat()}" / "relationship.parquet"
    table = pq.read_table(path)
    assert table.num_rows == 6
    assert table.column_names[1:] == list(ARTIFACT_COLUMNS)
    res = runner.invoke(app, ["graph", "--home", str(home.root), "--as-of", D.isoformat(), "--explain", "V"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "guarantees X" in text and "为 X 提供担保" in text
    res = runner.invoke(app, ["graph", "--home", str(home.root), "--as-of", D.isoformat(), "--explain", "NOPE"])
    assert res.exit_code == 2
    assert "NOPE" in res.output
    res = runner.invoke(app, ["graph", "--home", str(home.root), "--as-of", "30/06/2025"])
    assert res.exit_code != 0
