"""The output contract: layout, schemas, identifiers, referential integrity, determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from firmscore.datamodel.enums import EventType, RelationType
from firmscore.datamodel.pii import resident_id_check_digit, validate_resident_id
from firmscore.datamodel.schemas import content_columns
from firmscore.datamodel.uscc import validate
from firmscore.synth import SynthSummary, generate, output_schema

from .conftest import read_all

RECORD_TYPES = ("enterprise", "person", "relation", "event", "authorization_grant")


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.parquet"))}


def test_layout_and_schemas(universe: tuple[Path, SynthSummary]) -> None:
    out, summary = universe
    for rt in RECORD_TYPES:
        files = sorted((out / rt).glob("part-*.parquet"))
        assert files, rt
        expected = set(content_columns(rt)) | {"observed_at"}
        if rt == "person":
            expected = (expected - {"person_id", "name_enc", "contact_enc"}) | {"id_number", "name", "phone"}
        for f in files:
            schema = pq.read_schema(f)
            assert set(schema.names) == expected, (rt, f)
            assert schema.equals(output_schema(rt)), (rt, f)
        assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) == summary.records[rt]
    assert (out / "truth" / "enterprise_truth.parquet").is_file()
    assert (out / "manifest.json").is_file()


def test_vocabularies_and_unique_source_ids(tables: dict[str, pa.Table]) -> None:
    events = set(tables["event"].column("event_type").unique().to_pylist())
    assert events <= {e.value for e in EventType}
    assert {"invoice_out", "invoice_in", "repayment", "personal_credit", "dishonest_listing"} <= events
    relations = set(tables["relation"].column("relation_type").unique().to_pylist())
    assert relations == {r.value for r in RelationType}
    for rt in RECORD_TYPES:
        ids = tables[rt].column("source_record_id")
        assert pc.count_distinct(ids).as_py() == len(ids), rt
        assert set(tables[rt].column("source").unique().to_pylist()) == {"synth"}


def test_identifiers_are_valid(tables: dict[str, pa.Table]) -> None:
    ent = tables["enterprise"]
    codes = ent.column("enterprise_id").to_pylist()
    assert codes == ent.column("uscc").to_pylist()
    assert len(set(codes)) == len(codes)
    for code in codes:
        validate(code)
    assert {c[:2] for c in codes} <= {"91", "92", "93"}
    ids = tables["person"].column("id_number").to_pylist()
    assert len(set(ids)) == len(ids)
    years = tables["person"].column("birth_year").to_pylist()
    for number, year in zip(ids, years, strict=True):
        assert validate_resident_id(number) == number
        assert resident_id_check_digit(number[:17]) == number[17]
        assert int(number[6:10]) == year


def test_referential_integrity(tables: dict[str, pa.Table]) -> None:
    firms = set(tables["enterprise"].column("enterprise_id").to_pylist())
    persons = set(tables["person"].column("id_number").to_pylist())
    assert set(tables["enterprise"].column("legal_rep_id").to_pylist()) <= persons
    rel = tables["relation"].to_pandas()
    for side in ("src", "dst"):
        is_p = rel[f"{side}_type"] == "person"
        assert set(rel.loc[is_p, f"{side}_id"]) <= persons
        assert set(rel.loc[~is_p, f"{side}_id"]) <= firms
    ev = tables["event"].select(["subject_type", "subject_id", "counterparty_id"]).to_pandas()
    is_p = ev["subject_type"] == "person"
    assert set(ev.loc[is_p, "subject_id"]) <= persons
    assert set(ev.loc[~is_p, "subject_id"]) <= firms
    assert set(ev["counterparty_id"].dropna()) <= firms
    assert set(tables["authorization_grant"].column("subject_id").to_pylist()) <= persons
    shared = rel[rel["relation_type"].isin(["shared_address", "shared_phone"])]
    assert (shared["src_id"] < shared["dst_id"]).all()


def test_negative_records_carry_legal_expiry(tables: dict[str, pa.Table]) -> None:
    ev = tables["event"].select(["event_type", "effective_from", "effective_to", "legal_expiry"]).to_pandas()
    ended = ev[(ev["event_type"] == "dishonest_listing") & ev["effective_to"].notna()]
    assert len(ended) > 0
    assert (ended["legal_expiry"] > ended["effective_to"]).all()
    penalties = ev[ev["event_type"] == "penalty"]
    assert penalties["legal_expiry"].notna().all()
    assert ev.loc[ev["event_type"] == "invoice_out", "legal_expiry"].isna().all()


def test_same_seed_same_bytes_and_chunking_does_not_change_content(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 5000, 7, chunk_size=4096, progress=False)
    generate(tmp_path / "b", 5000, 7, chunk_size=4096, progress=False)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    generate(tmp_path / "c", 5000, 7, chunk_size=10_000, progress=False)
    assert len(list((tmp_path / "c" / "event").glob("*.parquet"))) == 1
    assert len(list((tmp_path / "a" / "event").glob("*.parquet"))) == 2
    for rt in RECORD_TYPES:
        assert read_all(tmp_path / "a", rt).equals(read_all(tmp_path / "c", rt)), rt
    other = generate(tmp_path / "d", 5000, 8, chunk_size=4096, progress=False)
    assert _digest(tmp_path / "a") != _digest(tmp_path / "d")
    assert a.records["enterprise"] == other.records["enterprise"] == 5000


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="n_enterprises"):
        generate(tmp_path, 0, 1, progress=False)
    with pytest.raises(ValueError, match="horizon"):
        generate(tmp_path, 10, 1, horizon_months=1, progress=False)


def test_event_volume_is_bounded(universe: tuple[Path, SynthSummary]) -> None:
    _, summary = universe
    per_firm = summary.records["event"] / summary.n_enterprises
    assert 30 <= per_firm <= 80
    assert np.isclose(sum(summary.events.values()), summary.records["event"])
