"""Relationship features on a hand-made data home with known answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from conftest import Writer, ent, evt, rel
from firmscore.features.catalog.relationship_graph import GRAPH_FEATURES
from firmscore.graph import EdgeType
from firmscore.graph.features import ARTIFACT_COLUMNS, analyse_home, compute_relationship_features
from firmscore.store import DataHome

D = dt.date(2024, 6, 30)


@pytest.fixture
def universe(home: DataHome, write: Writer) -> DataHome:
    day = dt.date(2023, 3, 1)
    write("enterprise", [
        # A ring: R0..R3 on one address, one legal representative, registered within weeks, invoicing in a loop.
        *(ent(f"R{i}", registered_capital=10.0, address="1 Ring Rd", phone="555", legal_rep_id="ringboss",
              established_date=day + dt.timedelta(days=7 * i)) for i in range(4)),
        ent("A", registered_capital=1000.0, address="A st", legal_rep_id="alice", established_date=dt.date(2010, 1, 1)),
        ent("B", registered_capital=500.0, address="B st", legal_rep_id="bob", established_date=dt.date(2012, 1, 1)),
        ent("C", registered_capital=200.0, address="C st", legal_rep_id="alice", established_date=dt.date(2015, 1, 1),
            status="revoked"),
        ent("S", registered_capital=100.0, address="S st", legal_rep_id="sam", established_date=dt.date(2016, 1, 1)),
    ])
    write("relation", [
        rel("guarantee", "A", "B", amount=400.0),
        rel("shareholding", "A", "S", share=0.8),
        rel("trade", "A", "B", amount=300.0),
        rel("trade", "A", "S", amount=100.0),
        *(rel("trade", f"R{i}", f"R{(i + 1) % 4}", amount=1e6) for i in range(4)),
    ])
    write("event", [
        evt("dishonest_listing", "B", dt.date(2024, 3, 5)),
        evt("repayment", "S", dt.date(2024, 5, 1), value=120.0),
        # an invoice pair seen from both sides counts once
        evt("invoice_out", "S", dt.date(2024, 4, 1), amount=50.0, counterparty_id="B"),
        evt("invoice_in", "B", dt.date(2024, 4, 1), amount=50.0, counterparty_id="S"),
    ])
    return home


def _row(table: pa.Table, eid: str) -> dict[str, float]:
    i = table.column("enterprise_id").to_pylist().index(eid)
    return {k: table.column(k)[i].as_py() for k in table.column_names[1:]}


def test_contract_columns_and_catalog(universe: DataHome) -> None:
    table = compute_relationship_features(universe.connect(), D)
    ids = list(ARTIFACT_COLUMNS)
    assert table.column_names == ["enterprise_id", *ids]
    assert all(table.schema.field(i).type == pa.float64() for i in ids)
    assert table.num_rows == 8
    assert [s.graph_column for s in GRAPH_FEATURES] == ids
    for spec in GRAPH_FEATURES:
        assert spec.id.startswith("rel_") and spec.dimension.value == "relationship"
        assert spec.record_types


def test_known_values(universe: DataHome) -> None:
    t = compute_relationship_features(universe.connect(), D)
    a = _row(t, "A")
    # A's 1-hop affiliates: B (guarantee 400/1000 = 0.4, distressed) and S (share 0.8, delinquent) -> both distressed
    assert a["rel_affiliate_distress_1hop"] == pytest.approx(1.0)
    assert a["rel_affiliate_count"] == 2
    assert a["rel_guarantee_out_ratio"] == pytest.approx(0.4)
    assert a["rel_guarantee_distressed_ratio"] == pytest.approx(0.4)
    # alice also represents C (revoked): all of her other firms failed
    assert a["rel_legal_rep_firms"] == 2
    assert a["rel_legal_rep_failed_share"] == pytest.approx(1.0)
    # A's trade: B 300, S 100 → HHI = 0.75² + 0.25²; both counterparties distressed
    assert a["rel_trade_hhi"] == pytest.approx(0.625)
    assert a["rel_trade_counterparty_distress"] == pytest.approx(1.0)
    assert a["rel_contagion_pd"] > a["rel_own_pd"] > 0
    b = _row(t, "B")
    assert b["rel_guarantee_out_ratio"] == 0.0
    assert np.isnan(_row(t, "C")["rel_trade_hhi"])  # no trade: undefined
    s = _row(t, "S")
    # S trades with A (100, invoiced as relation) and B (50, invoice pair counted once)
    assert s["rel_trade_hhi"] == pytest.approx((100 / 150) ** 2 + (50 / 150) ** 2)
    r = _row(t, "R1")
    assert r["rel_address_firms"] == 4 and r["rel_phone_firms"] == 4
    assert r["rel_registration_burst"] == 3
    assert r["rel_trade_cycle_member"] == 1.0
    assert r["rel_ring_cluster_size"] == 4
    assert r["rel_fraud_ring_flag"] == 1.0
    assert r["rel_person_max_firms"] == 4
    for eid in ("A", "B", "C", "S"):
        assert _row(t, eid)["rel_fraud_ring_flag"] == 0.0


def test_derived_shared_address_edges_and_invoice_trade(universe: DataHome) -> None:
    g = analyse_home(universe.connect(), D).graph
    assert g.edge_set(EdgeType.SHARED_ADDRESS).n_edges == 6  # 4 firms on one address: a clique of 6 pairs
    assert g.edge_set(EdgeType.SHARED_PHONE).n_edges == 6
    trade = g.edge_set(EdgeType.TRADE).weights().toarray()
    s, b = g.index_of(["S", "B"])
    assert trade[s, b] == pytest.approx(50.0)
    assert g.edge_set(EdgeType.LEGAL_REPRESENTATIVE).n_edges == 8  # derived from legal_rep_id
