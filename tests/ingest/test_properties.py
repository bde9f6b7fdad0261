"""Property tests: random malformed rows never crash ingestion and always reconcile exactly.

An oracle classifies every generated row (valid, or broken in a known way) and predicts the
reconciliation: bad rows are quarantined, valid rows with the same canonical content collapse
to one accepted record and duplicates, valid rows that change a known key become versions.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmscore.ingest import ingest_paths
from firmscore.store import DataHome

from .conftest import ENTERPRISE_MAPPING, HEADER

STATUS = {"存续": "in_business", "注销": "cancelled", "吊销": "revoked"}
VALID_CODES = ["91330100799655058B", "91440300708461136T"]

good_code = st.sampled_from(["", *VALID_CODES]).map(lambda c: (c, c or None))
bad_code = st.sampled_from(["91330100799655058C", "12345", "9133010079965505IB"]).map(lambda c: (c, "BAD"))
# established dates after the ingestion time (+1 day) are impossible (datamodel/rules.py): good ones end in the past
good_date = st.dates(min_value=date(1950, 1, 1), max_value=date(2025, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.strftime("%Y/%m/%d"), d.strftime("%Y%m%d")]).map(lambda s: (s, d))
)
bad_date = st.sampled_from(
    ["2020-13-45", "notadate", "2021/02/30", "2999-01-01", "1949-09-30"]
).map(lambda s: (s, "BAD"))
good_cap = st.one_of(st.just(("", None)), st.integers(0, 10**6).map(lambda i: (str(i), float(i) * 10000)),
                     st.integers(0, 10**4).map(lambda i: (f"{i}.0", float(i) * 10000)))
bad_cap = st.sampled_from(["abc", "-5", "1e", "--1"]).map(lambda s: (s, "BAD"))
good_staff = st.one_of(st.just(("", None)), st.integers(0, 5000).map(lambda i: (str(i), i)))
bad_staff = st.sampled_from(["1.5", "x", "七"]).map(lambda s: (s, "BAD"))
good_status = st.sampled_from(["", *STATUS]).map(lambda s: (s, STATUS.get(s)))
bad_status = st.just(("歇业", "BAD"))
name = st.text(alphabet="阿里巴腾讯公司商行", max_size=4).map(lambda s: (s, s or None))


@st.composite
def rows(draw: Any) -> tuple[bytes, tuple[Any, ...] | None]:
    """One CSV line (bytes) and its canonical content, or ``None`` when it must be quarantined."""
    rid = draw(st.sampled_from(["a", "b", "c"]))
    parts = [
        (rid, rid),
        draw(st.one_of(good_code, good_code, bad_code)),
        draw(name),
        draw(st.one_of(good_date, good_date, bad_date)),
        draw(st.one_of(good_cap, good_cap, bad_cap)),
        draw(st.one_of(good_staff, good_staff, bad_staff)),
        draw(st.one_of(good_status, good_status, bad_status)),
    ]
    kind = draw(st.sampled_from(["ok", "ok", "ok", "truncated", "encoding", "extra"]))
    texts = [p[0] for p in parts]
    if kind == "truncated":
        texts = texts[: draw(st.integers(1, len(texts) - 1))]
    if kind == "extra":
        texts = [*texts, "surplus"]
    line = ",".join(texts).encode("utf-8")
    if kind == "encoding":
        line = line + b"\xff\xfe"
    bad = kind != "ok" or any(p[1] == "BAD" for p in parts)
    return line, None if bad else tuple(p[1] for p in parts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=25))
def test_random_rows_reconcile_exactly(generated: list[tuple[bytes, tuple[Any, ...] | None]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        mapping = root / "m.yaml"
        mapping.write_text(ENTERPRISE_MAPPING.format(fmt="csv", encoding="utf-8"), encoding="utf-8")
        src = root / "in.csv"
        src.write_bytes(b"\n".join([",".join(HEADER).encode(), *(line for line, _ in generated)]) + b"\n")
        home = DataHome(root / "home")
        report = ingest_paths(home, [src], mapping=str(mapping), ledger=False)  # the ledger has its own tests

        good = [content for _, content in generated if content is not None]
        distinct = list(dict.fromkeys(good))
        expect_quarantined = len(generated) - len(good)
        f = report.files[0]
        assert f.read == len(generated)
        assert f.quarantined == expect_quarantined
        assert f.accepted == len(distinct)
        assert f.duplicates == len(good) - len(distinct)
        assert f.reconciled
        counts = home.counts()
        assert counts["enterprise"] == len(distinct)
        assert counts["quarantine"] == expect_quarantined
        con = home.connect()
        q_lines = {r[0] for r in con.execute("SELECT line FROM quarantine").fetchall()}
        bad_lines = {i + 2 for i, (_, c) in enumerate(generated) if c is None}
        assert q_lines == bad_lines
        # versions: per key, one version per distinct content, numbered 1..k in arrival order
        per_key: dict[str, int] = {}
        for content in distinct:
            per_key[content[0]] = per_key.get(content[0], 0) + 1
        stored = con.execute("SELECT source_record_id, max(version), count(*) FROM enterprise GROUP BY 1").fetchall()
        assert {k: (v, n) for k, v, n in stored} == {k: (n, n) for k, n in per_key.items()}
