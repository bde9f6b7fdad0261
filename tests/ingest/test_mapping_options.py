"""Mapping options for data as it comes (issue 12): numeric date encodings, thousands separators and
decimal commas, full-width digits, and the per-field ``on_error`` policy, each with an exact
reconciliation (accepted + filtered + quarantined + duplicates = read; nulled values counted)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmscore.ingest import MappingError, ingest_paths, load_mapping
from firmscore.ingest.parsing import FULLWIDTH
from firmscore.store import DataHome

SHANGHAI = ZoneInfo("Asia/Shanghai")
TO_FULLWIDTH = {v: k for k, v in FULLWIDTH.items()}  # ASCII code point → full-width character


def fullwidth(text: str) -> str:
    return "".join(chr(TO_FULLWIDTH.get(ord(c), ord(c))) for c in text)


def _ingest(root: Path, mapping: str, header: str, lines: list[str]) -> tuple[Any, DataHome]:
    (root / "m.yaml").write_text(mapping, encoding="utf-8")
    src = root / "in.csv"
    src.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    home = DataHome(root / "home")
    report = ingest_paths(home, [src], mapping=str(root / "m.yaml"), ledger=False)
    f = report.files[0]
    assert f.read == len(lines) == f.accepted + f.filtered + f.quarantined + f.duplicates
    assert f.reconciled
    return f, home


EPOCH_MAPPING = """
name: test-epoch
source: t
format: csv
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {{column: id}}
      enterprise_id: {{column: id, type: enterprise_id, prefix: "t:"}}
      established_date: {{column: est, type: date, formats: [{est_format}], on_error: {on_error}}}
      observed_at: {{column: seen, type: timestamp, formats: [epoch_s, "%Y-%m-%d"]}}
"""

_INSTANT = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2024, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC, microsecond=d.microsecond // 1000 * 1000))
_UNITS = {"epoch_s": 1, "epoch_ms": 1_000, "epoch_us": 1_000_000}


def _written(count: int, style: str) -> str:
    text = f"{count}.0" if style == "float" else str(count)
    return fullwidth(text) if style == "fullwidth" else text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_INSTANT, st.sampled_from(["int", "float", "fullwidth"]), st.booleans()),
                     min_size=1, max_size=12),
       unit=st.sampled_from(sorted(_UNITS)), on_error=st.sampled_from(["quarantine", "null"]))
def test_epoch_counts_are_dates_in_the_declared_zone(rows: list[tuple[datetime, str, bool]], unit: str,
                                                     on_error: str) -> None:
    lines: list[str] = []
    expected: dict[str, Any] = {}
    bad = 0
    for i, (instant, style, broken) in enumerate(rows):
        scale = _UNITS[unit]
        count = int(instant.timestamp()) * scale + (instant.microsecond // 1000 * scale // 1000 if scale > 1 else 0)
        seen = int(instant.timestamp()) + 86_400  # observed a day later
        est = "abc" if broken else _written(count, style)
        lines.append(f"r{i},{est},{seen}")
        if broken:
            bad += 1
            expected[f"r{i}"] = None
        else:
            expected[f"r{i}"] = instant.astimezone(SHANGHAI).date()
    with tempfile.TemporaryDirectory() as tmp:
        f, home = _ingest(Path(tmp), EPOCH_MAPPING.format(est_format=unit, on_error=on_error), "id,est,seen", lines)
        stored = dict(home.connect().execute("SELECT source_record_id, established_date FROM enterprise").fetchall())
        if on_error == "quarantine":
            assert (f.quarantined, f.accepted, f.nulled.total()) == (bad, len(rows) - bad, 0)
            assert stored == {k: v for k, v in expected.items() if v is not None}
        else:
            assert (f.quarantined, f.accepted, f.nulled.by_field()) == (0, len(rows), {"est": bad} if bad else {})
            assert stored == expected
        seen_at = home.connect().execute("SELECT min(observed_at) FROM enterprise").fetchall()[0][0]
        assert seen_at is None or seen_at.tzinfo is not None


EXCEL_MAPPING = """
name: test-excel
source: t
format: csv
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {column: id}
      enterprise_id: {column: id, type: enterprise_id, prefix: "t:"}
      established_date: {column: est, type: date, formats: [excel]}
      platform_member_since: {column: member, type: date, formats: ["%Y%m"]}
      observed_at: {const: "2021-06-01", type: timestamp}
"""


def test_excel_serials_and_month_numbers_written_as_floats(tmp_path: Path) -> None:
    f, home = _ingest(tmp_path, EXCEL_MAPPING, "id,est,member", ["x1,43831,201508.0", "x2,44197.5,201912",
                                                                 "x3,4e9,201501"])
    stored = home.connect().execute("SELECT source_record_id, CAST(established_date AS VARCHAR), "
                                    "CAST(platform_member_since AS VARCHAR) FROM enterprise ORDER BY 1").fetchall()
    assert stored == [("x1", "2020-01-01", "2015-08-01"), ("x2", "2021-01-01", "2019-12-01")]
    assert (f.accepted, f.quarantined) == (2, 1)  # 4e9 days is no date


AMOUNT_MAPPING = """
name: test-amounts
source: t
format: csv
delimiter: ";"
outputs:
  - record_type: enterprise
    only_if: {{column: kind, in: [firm]}}
    fields:
      source_record_id: {{column: id}}
      enterprise_id: {{column: id, type: enterprise_id, prefix: "t:"}}
      registered_capital: {{column: cap, type: float, {locale}, on_error: {on_error}}}
      insured_employees: {{column: staff, type: int{staff_options}}}
"""

_AMOUNT = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _format_amount(value: Any, style: str, decimal_comma: bool) -> str:
    text = f"{value:,.2f}" if style != "plain" else f"{value:.2f}"
    if decimal_comma:  # 1,234.5 → 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return fullwidth(text) if style == "fullwidth" else text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_AMOUNT, st.sampled_from(["grouped", "plain", "fullwidth", "bad", "filtered"]),
                               st.integers(0, 300)), min_size=1, max_size=15),
       decimal_comma=st.booleans(), on_error=st.sampled_from(["quarantine", "null"]))
def test_thousands_separators_decimal_commas_and_fullwidth_digits(rows: list[tuple[Any, str, int]],
                                                                  decimal_comma: bool, on_error: str) -> None:
    locale = 'thousands: ".", decimal: ","' if decimal_comma else 'thousands: ","'
    mapping = AMOUNT_MAPPING.format(locale=locale, on_error=on_error, staff_options="")
    lines: list[str] = []
    expected: dict[str, tuple[float | None, int]] = {}
    n_bad = n_filtered = 0
    for i, (value, style, staff) in enumerate(rows):
        kind = "other" if style == "filtered" else "firm"
        if style == "bad":  # groups that are not of three digits: never a number under a declared separator
            cap = "1.2.3,5" if decimal_comma else "1,2,3.5"
            n_bad += 1
        else:
            cap = _format_amount(value, "plain" if style == "filtered" else style, decimal_comma)
        lines.append(f"r{i};{kind};{cap};{fullwidth(str(staff)) if i % 2 else staff}")
        if style == "filtered":
            n_filtered += 1
        elif style == "bad":
            expected[f"r{i}"] = (None, staff)
        else:
            expected[f"r{i}"] = (float(value), staff)
    with tempfile.TemporaryDirectory() as tmp:
        f, home = _ingest(Path(tmp), mapping, "id;kind;cap;staff", lines)
        assert f.filtered == n_filtered
        stored = {k: (cap, staff) for k, cap, staff in home.connect().execute(
            "SELECT source_record_id, registered_capital, insured_employees FROM enterprise").fetchall()}
        if on_error == "quarantine":
            assert (f.quarantined, f.nulled.total()) == (n_bad, 0)
            assert stored == {k: v for k, v in expected.items() if v[0] is not None}
        else:
            assert (f.quarantined, f.nulled.by_field()) == (0, {"cap": n_bad} if n_bad else {})
            assert stored == expected
        assert f.accepted == len(stored)


def test_fullwidth_digits_can_be_refused(tmp_path: Path) -> None:
    mapping = AMOUNT_MAPPING.format(locale='thousands: ","', on_error="quarantine", staff_options=", fullwidth: false")
    f, home = _ingest(tmp_path, mapping, "id;kind;cap;staff", ["a;firm;1;１２", "b;firm;1;12"])
    assert (f.accepted, f.quarantined) == (1, 1)
    assert "'１２'" in home.connect().execute("SELECT reason FROM quarantine").fetchall()[0][0]


ON_ERROR_MAPPING = """
name: test-on-error
source: t
format: csv
outputs:
  - record_type: enterprise
    fields:
      source_record_id: {column: id}
      enterprise_id: {column: id, type: enterprise_id, prefix: "t:"}
      uscc: {column: code, type: uscc, on_error: null}
      established_date: {column: est, type: date, on_error: null}
      insured_employees: {column: staff, type: int}
      status: {column: status, map: {存续: in_business}, on_error: null}
"""

_GOOD_CODE = "91330100799655058B"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.booleans(), st.booleans(), st.booleans(),
                          st.booleans()), min_size=1, max_size=20))
def test_on_error_null_keeps_the_row_and_counts_the_field(rows: list[tuple[str, bool, bool, bool, bool]]) -> None:
    """Bad optional values are dropped and counted; a bad value under the default policy quarantines the row."""
    lines = []
    contents: list[tuple[Any, ...]] = []
    nulled = {"code": 0, "est": 0, "status": 0}
    quarantined = 0
    for rid, bad_code, bad_est, bad_staff, bad_status in rows:
        lines.append(",".join([rid, "9133010079965505XX" if bad_code else _GOOD_CODE,
                               "2020-13-40" if bad_est else "2020-01-01", "x" if bad_staff else "3",
                               "歇业" if bad_status else "存续"]))
        if bad_staff:
            quarantined += 1
            continue
        nulled["code"] += bad_code
        nulled["est"] += bad_est
        nulled["status"] += bad_status
        contents.append((rid, None if bad_code else _GOOD_CODE, None if bad_est else "2020-01-01",
                         None if bad_status else "in_business"))
    with tempfile.TemporaryDirectory() as tmp:
        f, home = _ingest(Path(tmp), ON_ERROR_MAPPING, "id,code,est,staff,status", lines)
        distinct = set(contents)
        assert (f.quarantined, f.accepted, f.duplicates) == (quarantined, len(distinct), len(contents) - len(distinct))
        assert f.nulled.by_field() == {k: v for k, v in nulled.items() if v}
        codes = {code for _, code in f.nulled.counts}
        assert codes <= {"reason.bad_uscc", "reason.bad_date", "reason.bad_code"}
        stored = home.connect().execute(
            "SELECT source_record_id, uscc, CAST(established_date AS VARCHAR), status FROM enterprise").fetchall()
        assert set(stored) == distinct
        lines_q = {r[0] for r in home.connect().execute("SELECT line FROM quarantine").fetchall()}
        assert lines_q == {i + 2 for i, r in enumerate(rows) if r[3]}


def test_a_required_field_is_never_nulled_and_options_are_validated(tmp_path: Path) -> None:
    mapping = ON_ERROR_MAPPING.replace("source_record_id: {column: id}",
                                       "source_record_id: {column: id, on_error: null}")
    f, _ = _ingest(tmp_path, mapping, "id,code,est,staff,status", [f",{_GOOD_CODE},2020-01-01,1,存续"])
    assert (f.quarantined, f.nulled.total()) == (1, 0)
    for bad, message in [("on_error: skip", "on_error must be one of"), ("thousands: ',', decimal: ','", "different"),
                         ("timezone: Mars/Base", "unknown timezone")]:
        path = tmp_path / "bad.yaml"
        path.write_text(ON_ERROR_MAPPING.replace("type: uscc, on_error: null", f"type: uscc, {bad}"), encoding="utf-8")
        with pytest.raises(MappingError, match=message):
            load_mapping(path)


def test_mapping_paths_in_a_profile_resolve_against_the_profile_folder(tmp_path: Path, monkeypatch) -> None:
    profile_dir = tmp_path / "profiles"
    (profile_dir / "maps").mkdir(parents=True)
    (profile_dir / "maps" / "on-error.yaml").write_text(ON_ERROR_MAPPING, encoding="utf-8")
    (profile_dir / "mine.yaml").write_text("source: t\nfiles:\n  - {pattern: '*.csv', mapping: maps/on-error.yaml}\n",
                                           encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "e.csv").write_text(f"id,code,est,staff,status\nq1,{_GOOD_CODE},2020-01-01,1,存续\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working directory has nothing to do with the profile
    report = ingest_paths(DataHome(tmp_path / "home"), [data], source=str(profile_dir / "mine.yaml"), ledger=False)
    assert report.total("accepted") == 1 and report.files[0].mapping == "test-on-error"
