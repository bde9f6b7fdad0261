"""A small scored data home built through the CLI (as ``make demo`` does), with planted personal records.

The planted records carry distinctive values — a Chinese name, a valid resident ID number, a phone
number, a lawsuit with a Chinese free-text description, a unique counterparty and amount — so that a
byte search of the whole home can tell whether anything of them is left.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from firmscore.cli import app
from firmscore.datamodel.pii import resident_id_check_digit
from firmscore.datamodel.schemas import TIMESTAMP

AS_OF = dt.date(2025, 6, 30)
N_FIRMS = 1500

PERSON_NAME = "欧阳娜娜"
PERSON_ID_BODY = "11010519850723001"
PERSON_ID = PERSON_ID_BODY + resident_id_check_digit(PERSON_ID_BODY)
PERSON_PHONE = "13987654321"
BAD_PERSON_NAME = "司马懿然"  # a rejected row (bad ID number): quarantined, sealed
BAD_PERSON_ID = "11010519850723009X"
LAWSUIT_TEXT = "借款合同纠纷案(2024)京0105民初98765号 原告上官婉儿"
LAWSUIT_COUNTERPARTY = "CP-OUYANG-77881234"
LAWSUIT_AMOUNT = 98765.4321


def run(*args: str) -> str:
    """Run one ``firmscore`` command in process; fail with its output when it fails."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def plaintexts() -> dict[str, list[bytes]]:
    """Every plaintext field of the planted records, in each encoding a file might hold it in."""
    out: dict[str, list[bytes]] = {}
    for label, text in (("name", PERSON_NAME), ("id_number", PERSON_ID), ("phone", PERSON_PHONE),
                        ("lawsuit_attrs", LAWSUIT_TEXT), ("counterparty", LAWSUIT_COUNTERPARTY),
                        ("bad_name", BAD_PERSON_NAME), ("bad_id", BAD_PERSON_ID), ("case_no", "京0105民初98765号")):
        forms = {text.encode("utf-8"), text.encode("utf-16-le"), json.dumps(text).strip('"').encode("ascii")}
        with contextlib.suppress(UnicodeEncodeError):
            forms.add(text.encode("gbk"))
        out[label] = sorted(forms)
    out["amount"] = [repr(LAWSUIT_AMOUNT).encode(), struct.pack("<d", LAWSUIT_AMOUNT)]
    return out


def _file_images(path: Path) -> Iterator[bytes]:
    """The bytes of a file, and for compressed columnar files (Parquet, Arrow IPC) their decoded values too."""
    data = path.read_bytes()
    yield data
    table = None
    if data[:4] == b"PAR1":
        table = pq.read_table(path)
    elif data[:6] == b"ARROW1":
        with pa.ipc.open_file(path) as reader:
            table = reader.read_all()
    elif data[:4] == b"\xff\xff\xff\xff":
        with pa.ipc.open_stream(path) as reader:
            table = reader.read_all()
    if table is not None:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:  # uncompressed buffers
            writer.write_table(table)
        yield sink.getvalue().to_pybytes()
        yield json.dumps(table.to_pylist(), ensure_ascii=False, default=str).encode("utf-8")


def byte_search(root: Path, needles: dict[str, list[bytes]]) -> dict[str, list[str]]:
    """Which needles occur in which files under ``root`` (every file, decoded where compressed)."""
    found: dict[str, list[str]] = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            for image in _file_images(path):
                for label, forms in needles.items():
                    if any(f in image for f in forms):
                        found.setdefault(label, [])
                        if str(path) not in found[label]:
                            found[label].append(str(path))
    return found


@dataclass(frozen=True)
class PlantedHome:
    root: Path  # the data home
    inputs: Path  # source files (outside the home)
    lawsuit_firm: str


def _planted_records(folder: Path, firm: str) -> None:
    """Parquet files in the synthetic layout: one person, one rejected person, one lawsuit of ``firm``."""
    observed = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
    (folder / "person").mkdir(parents=True)
    (folder / "event").mkdir(parents=True)
    pq.write_table(pa.table({
        "id_number": [PERSON_ID, BAD_PERSON_ID], "name": [PERSON_NAME, BAD_PERSON_NAME],
        "phone": [PERSON_PHONE, "13900000001"], "birth_year": pa.array([1985, 1985], pa.int16()),
        "source": ["synth", "synth"], "source_record_id": ["PS-PLANTED-1", "PS-PLANTED-2"],
        "observed_at": pa.array([observed, observed], TIMESTAMP),
        "effective_from": pa.array([dt.date(2024, 3, 1)] * 2, pa.date32()),
        "effective_to": pa.array([None, None], pa.date32()), "legal_expiry": pa.array([None, None], pa.date32()),
    }), folder / "person" / "planted.parquet")
    pq.write_table(pa.table({
        "event_type": ["lawsuit"], "subject_type": ["enterprise"], "subject_id": [firm],
        "amount": [LAWSUIT_AMOUNT], "value": pa.array([None], pa.float64()), "code": ["defendant"],
        "counterparty_id": [LAWSUIT_COUNTERPARTY], "attrs": [json.dumps({"案由": LAWSUIT_TEXT}, ensure_ascii=False)],
        "source": ["synth"], "source_record_id": ["EV-PLANTED-1"],
        "observed_at": pa.array([observed], TIMESTAMP),
        "effective_from": pa.array([dt.date(2024, 2, 20)], pa.date32()),
        "effective_to": pa.array([None], pa.date32()), "legal_expiry": pa.array([dt.date(2029, 2, 20)], pa.date32()),
    }), folder / "event" / "planted.parquet")


def build_planted_home(base: Path) -> PlantedHome:
    """synth → ingest (with the planted records) → graph → features → labels → train → score, via the CLI."""
    inputs, home = base / "inputs", base / "home"
    run("synth", "--enterprises", str(N_FIRMS), "--seed", "5", "--as-of", AS_OF.isoformat(),
        "--out", str(inputs / "synth"))
    firm = pq.read_table(sorted((inputs / "synth" / "enterprise").glob("*.parquet"))[0],
                         columns=["enterprise_id"]).column(0)[0].as_py()
    _planted_records(inputs / "planted", firm)
    run("ingest", "--home", str(home), "--source", "synth", str(inputs / "synth"), str(inputs / "planted"))
    run("graph", "--home", str(home), "--as-of", AS_OF.isoformat())
    run("features", "--home", str(home), "--as-of", AS_OF.isoformat())
    run("labels", "--home", str(home), "--as-of", AS_OF.isoformat(), "--horizon", "12m")
    run("train", "--home", str(home), "--as-of", AS_OF.isoformat(), "--no-challenger")
    run("score", "--home", str(home), "--as-of", AS_OF.isoformat())
    return PlantedHome(home, inputs, str(firm))
