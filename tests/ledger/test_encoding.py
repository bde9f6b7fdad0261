"""The fast column-wise leaf encoder is byte-identical to ``rfc8785.dumps`` of the record dict."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from firmscore.datamodel import schema_for
from firmscore.ledger.encoding import (
    canonical_bytes,
    canonical_json,
    commitment_leaf,
    encode_table,
    record_dicts,
    record_id_marker,
)

text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e16, 5e-5]))
row = st.fixed_dictionaries(
    {
        "event_type": st.sampled_from(["invoice_out", "lawsuit", "personal_credit", "tax_payment"]),
        "subject_id": text,
        "amount": floats,
        "value": floats,
        "code": st.one_of(st.none(), text),
        "attrs": st.one_of(st.none(), text),
        "observed_at": st.datetimes(
            min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ),
        "effective_from": st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1))),
    }
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=8))
def test_fast_encoder_matches_rfc8785(rows: list[dict[str, object]]) -> None:
    n = len(rows)
    cols = {name: [r[name] for r in rows] for name in rows[0]}
    cols.update(
        subject_type=["enterprise"] * n, counterparty_id=[None] * n, record_id=[f"id{i}" for i in range(n)],
        source=["s"] * n, source_record_id=[str(i) for i in range(n)], content_hash=["h"] * n, version=[1] * n,
        effective_to=[None] * n, legal_expiry=[None] * n, batch_id=["b"] * n,
    )
    table = pa.table(cols).select(schema_for("event").names).cast(schema_for("event"))
    try:
        slow = [canonical_bytes("event", r) for r in record_dicts("event", table)]
    except rfc8785.CanonicalizationError:  # values rfc8785 refuses must be refused by the fast path too
        with pytest.raises(rfc8785.CanonicalizationError):
            encode_table("event", table)
        return
    fast = encode_table("event", table)
    assert fast.canonical == slow
    assert fast.sealed == [r["event_type"] in {"lawsuit", "personal_credit"} for r in rows]
    for b in fast.canonical:
        assert json.loads(b)["v"] == 1  # valid JSON


@given(record_id=text.filter(bool), commit=text)
def test_commitment_leaf_is_canonical(record_id: str, commit: str) -> None:
    doc: dict[str, int | str] = {"v": 1, "type": "person", "record_id": record_id, "commitment": commit}
    assert commitment_leaf("person", record_id, commit) == rfc8785.dumps(doc)
    assert record_id_marker(record_id) in rfc8785.dumps(doc)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**60), max_value=2**60),
              st.floats(allow_nan=True, allow_infinity=True), text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_canonical_json_is_rfc8785(value: Any) -> None:
    try:
        want = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:  # what rfc8785 refuses (NaN, huge integers) is refused too
        with pytest.raises(rfc8785.CanonicalizationError):
            canonical_json(value)
        return
    assert canonical_json(value) == want


def test_canonical_json_orders_keys_by_utf16_code_units() -> None:
    # U+FF61 sorts before U+1F600 by code point but after it by UTF-16 code units (0xD83D)
    value: dict[str, Any] = {"\uff61": 1, "\U0001f600": 2, "a": [1.5, None, True]}
    assert canonical_json(value) == rfc8785.dumps(value)
    assert canonical_json(value).index("\U0001f600".encode()) < canonical_json(value).index("\uff61".encode())
