"""Point-in-time rules: no leakage from the future, legal expiry, retraction, versions."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from firmscore.features import compute_features, write_features
from firmscore.store import DataHome

from .history import AS_OF, History, matrix, value


def _bits(table: pa.Table) -> dict[str, bytes]:
    """Every column's exact bytes (float columns by their IEEE-754 bit patterns, NaN included)."""
    out = {"enterprise_id": "\x1f".join(table.column("enterprise_id").to_pylist()).encode()}
    for name in table.column_names[1:]:
        out[name] = np.asarray(table.column(name).to_numpy(), dtype=np.float64).view(np.int64).tobytes()
    return out


def _rich_history(history: History) -> None:
    history.person("P1")
    history.enterprise("E1", legal_rep_id="P1", address="A", phone="1")
    history.enterprise("E2", legal_rep_id="P1", address="A")
    for month in range(1, 7):
        history.event("E1", "invoice_out", f"2025-{month:02d}-05", amount=100.0 * month, counterparty_id="C1",
                      code="valid")
    history.event("E1", "repayment", "2025-02-01", value=40.0)
    history.event("E2", "enforcement", "2024-11-01", amount=500.0)
    history.event("P1", "personal_credit", "2025-01-01", subject_type="person", code="B", value=1.0)
    history.grant("P1", "2024-01-01")
    history.relation("guarantee", "E1", "E2", amount=100.0)
    history.flush()


def test_records_observed_after_as_of_change_nothing_bit_for_bit(home: DataHome, history: History) -> None:
    _rich_history(history)
    before = compute_features(home, AS_OF).table
    # The future: new facts, late-observed facts about the past, new versions, retractions, a new firm.
    history.enterprise("E1", observed="2025-07-01T00:00:00+00:00", version=2, legal_rep_id="P1",
                       registered_capital=9e9, address="B")
    history.enterprise("E9", observed="2025-08-01", established_date="2010-01-01")
    history.event("E1", "invoice_out", "2025-06-20", observed="2025-07-02", amount=1e6, counterparty_id="C9")
    history.event("E1", "enforcement", "2025-03-01", observed="2025-07-15", amount=1e5)
    history.event("E2", "dishonest_listing", "2025-01-01", observed="2025-12-01")
    history.event("P1", "personal_credit", "2025-06-01", observed="2025-07-01", subject_type="person", code="E")
    history.grant("P1", "2025-07-01", scope="personal_credit")
    history.relation("shareholding", "E2", "E1", share=0.5, start="2020-01-01", observed="2025-07-01")
    history.retract("hand:ent-E2:v1", observed="2025-09-01")
    history.flush()
    after = compute_features(home, AS_OF).table
    assert after.schema == before.schema
    differing = [k for k, v in _bits(after).items() if _bits(before)[k] != v]
    assert differing == []
    # and the future is visible once the as-of date reaches it (the test would be vacuous otherwise)
    later = compute_features(home, AS_OF.replace(month=12, day=31)).table
    assert _bits(later) != _bits(before)


def test_written_matrix_has_the_contract_layout(home: DataHome, history: History) -> None:
    _rich_history(history)
    matrix_ = compute_features(home, AS_OF)
    path = write_features(home, matrix_)
    assert path == home.root / "features" / "as_of=2025-06-30" / "features.parquet"
    table = pq.read_table(path)
    assert table.schema.field("enterprise_id").type == "string"
    assert all(str(f.type) == "double" for f in table.schema if f.name != "enterprise_id")
    meta = (path.parent / "features.json").read_text(encoding="utf-8")
    assert '"as_of": "2025-06-30"' in meta and '"catalog_version"' in meta and '"coverage"' in meta


def test_legal_expiry_on_or_before_as_of_hides_the_record(home: DataHome, history: History) -> None:
    history.enterprise("E1")
    history.event("E1", "enforcement", "2020-01-01", amount=1.0, legal_expiry="2025-06-30")  # expires on D
    history.event("E1", "enforcement", "2021-01-01", amount=1.0, legal_expiry="2025-07-01")  # expires after D
    history.flush()
    m = matrix(home)
    assert value(m, "E1", "perf_enforcement_open") == 1.0
    earlier = matrix(home, AS_OF.replace(month=6, day=29))
    assert value(earlier, "E1", "perf_enforcement_open") == 2.0


def test_retracted_record_disappears_from_the_retraction_date(home: DataHome, history: History) -> None:
    history.enterprise("E1")
    history.enterprise("E2")
    rid = history.event("E1", "dishonest_listing", "2024-01-01")
    history.event("E2", "dishonest_listing", "2024-01-01")  # keeps the source present after the retraction
    history.flush()
    history.retract(rid, observed="2025-06-30")
    history.flush()
    assert value(matrix(home), "E1", "perf_dishonest_now") == 0.0
    assert value(matrix(home, AS_OF.replace(day=29)), "E1", "perf_dishonest_now") == 1.0


def test_latest_version_observed_by_as_of_wins(home: DataHome, history: History) -> None:
    history.enterprise("E1", registered_capital=100.0, observed="2020-01-01")
    history.enterprise("E1", registered_capital=1e6, observed="2025-03-01", version=2)
    history.enterprise("E1", registered_capital=1e9, observed="2025-08-01", version=3)
    history.event("E1", "enforcement", "2024-01-01", srid="case-1", amount=1.0)
    # version 2 of the same case: closed before D, observed before D
    history.event("E1", "enforcement", "2024-01-01", srid="case-1", amount=1.0, end_date="2025-01-01",
                  observed="2025-02-01", version=2)
    history.flush()
    m = matrix(home)
    assert value(m, "E1", "basic_registered_capital_log") == pytest.approx(math.log10(1e6 + 1))
    assert value(m, "E1", "perf_enforcement_36m") == 1.0  # one case, not two versions
    assert value(m, "E1", "perf_enforcement_open") == 0.0
    assert value(matrix(home, AS_OF.replace(month=1)), "E1", "basic_registered_capital_log") < 3
