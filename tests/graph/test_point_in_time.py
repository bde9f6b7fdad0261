"""Risk reaches a firm only through edges that existed, and were known, on the as-of date."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import Writer, ent, evt, rel
from firmscore.graph.explain import explain
from firmscore.graph.features import analyse_home
from firmscore.store import DataHome

D = dt.date(2024, 6, 30)
LATE = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)


def _base(write: Writer) -> None:
    write("enterprise", [ent(e, registered_capital=100.0) for e in ("A", "B", "C", "D", "F", "G", "H")])
    write("event", [evt("dishonest_listing", e, dt.date(2024, 1, 10)) for e in ("B", "C", "D", "F", "G", "H")])


def test_only_ties_valid_and_observed_on_the_day_carry_risk(home: DataHome, write: Writer) -> None:
    _base(write)
    write(
        "relation",
        [
            rel("guarantee", "A", "B", amount=100.0, effective_from=dt.date(2023, 1, 1)),  # valid
            rel("guarantee", "C", "D", amount=100.0, effective_from=dt.date(2024, 7, 1)),  # starts after D
            rel("guarantee", "D", "F", amount=100.0, effective_to=dt.date(2024, 6, 30)),  # ended on D
            rel("guarantee", "F", "G", amount=100.0, observed_at=LATE),  # learnt after D
            rel("guarantee", "G", "H", amount=100.0, legal_expiry=dt.date(2024, 1, 1)),  # expired record
        ],
    )
    con = home.connect()
    a = analyse_home(con, D)
    excess = dict(zip(a.graph.enterprise_ids.to_pylist(), a.features["rel_contagion_excess"].tolist(), strict=True))
    assert excess["A"] > 0.05
    for firm in ("C", "D", "F", "G"):
        assert excess[firm] == 0.0, firm
        _, _, statements = explain(a, firm)
        assert statements == []
    _, _, statements = explain(a, "A")
    assert "B" in statements[0].en and "2024-01" in statements[0].en
    # the late-observed tie is used once the as-of date passes its observation
    later = analyse_home(home.connect(), dt.date(2024, 9, 2))
    idx = int(later.graph.index_of(["F"])[0])
    assert later.features["rel_contagion_excess"][idx] > 0.05


def test_latest_version_and_retraction_decide(home: DataHome, write: Writer) -> None:
    _base(write)
    key = {"source": "bank", "source_record_id": "g-1"}
    write("relation", [rel("guarantee", "A", "B", amount=100.0, record_id="v1", version=1, **key)])
    # version 2, observed before D, closes the guarantee on 2024-03-01
    write("relation", [rel("guarantee", "A", "B", amount=100.0, record_id="v2", version=2,
                           effective_to=dt.date(2024, 3, 1), observed_at=dt.datetime(2024, 3, 2, tzinfo=dt.UTC),
                           **key)])
    write("relation", [rel("guarantee", "C", "D", amount=100.0, record_id="wrong")])
    write("retraction", [{"target_record_id": "wrong", "reason": "dispute upheld"}])
    a = analyse_home(home.connect(), D)
    ids = a.graph.enterprise_ids.to_pylist()
    ex = a.features["rel_contagion_excess"]
    assert ex[ids.index("A")] == 0.0
    assert ex[ids.index("C")] == 0.0
    before = analyse_home(home.connect(), dt.date(2024, 2, 1))
    a_i, b_i = ids.index("A"), ids.index("B")
    own_a, p_b = before.own_pd[a_i], before.contagion_pd[b_i]
    w = before.model.effective_weights["guarantor"]
    # guarantee = whole capital (raw weight 1): p_A = 1 - (1 - own_A)(1 - w p_B)
    assert before.contagion_pd[a_i] == pytest.approx(1 - (1 - own_a) * (1 - w * p_b), abs=1e-6)
    assert before.features["rel_contagion_excess"][ids.index("C")] == 0.0
