"""Quarantine storage: rejected input rows kept for repair, their content sealed like accepted personal data.

A quarantined row is kept with its file, line, field and reason in clear (what an operator needs to
find and fix it) and its raw content (the source row, or the undecodable line) **sealed**:
AES-256-GCM under the home's data key, which lives in the key folder outside the home, bound to the
row's batch, file and line. A rejected person row would otherwise keep a raw ID number, name and
phone in clear; reader-level errors (an unreadable line) cannot even say which bytes are personal, so
every raw row is sealed. ``firmscore admin quarantine`` shows them decrypted to whoever holds the key
folder (:func:`read_quarantine`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.exceptions import InvalidTag

from firmscore.datamodel.pii import FieldCipher

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("file", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("field", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_sealed", pa.binary()),
    ]
)

UNDECRYPTABLE = "<无法解密: 密钥目录不符或记录被改动 / undecryptable: wrong key folder or altered row>"


def row_context(batch_id: str, file: str, line: int) -> str:
    """Associated data of a sealed raw row: a ciphertext moved to another row fails to decrypt."""
    return f"quarantine:{batch_id}:{file}:{line}"


def sealed_table(rows: Sequence[Mapping[str, Any]], cipher: FieldCipher) -> pa.Table:
    """Quarantine rows (with ``raw`` in clear, as the ingestion collects them) as a table with ``raw`` sealed."""
    enc = cipher.encrypt
    sealed = [
        None if r["raw"] is None else enc(r["raw"], row_context(r["batch_id"], r["file"], int(r["line"])))
        for r in rows
    ]
    cols = {name: [r[name] for r in rows] for name in QUARANTINE_SCHEMA.names if name != "raw_sealed"}
    return pa.table({**cols, "raw_sealed": pa.array(sealed, pa.binary())}, schema=QUARANTINE_SCHEMA)


def write_quarantine(path: Path, rows: Sequence[Mapping[str, Any]], cipher: FieldCipher) -> Path:
    """Write quarantine rows to ``path`` (a new Parquet file) with their raw content sealed."""
    pq.write_table(sealed_table(rows, cipher), path)
    return path


def unseal_raw(row: Mapping[str, Any], cipher: FieldCipher) -> str | None:
    """The raw content of one stored quarantine row; rows of older homes kept it in clear (``raw``)."""
    blob = row.get("raw_sealed")
    if blob is None:
        raw = row.get("raw")
        return None if raw is None else str(raw)
    try:
        return cipher.decrypt(bytes(blob), row_context(str(row["batch_id"]), str(row["file"]), int(row["line"])))
    except InvalidTag:
        return UNDECRYPTABLE


def quarantine_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.parquet")) if folder.exists() else []


def read_quarantine(folder: Path, cipher: FieldCipher, limit: int | None = None) -> list[dict[str, Any]]:
    """Stored quarantine rows with their raw content decrypted (for the holder of the key folder)."""
    out: list[dict[str, Any]] = []
    for path in quarantine_files(folder):
        for row in pq.read_table(path).to_pylist():
            raw = unseal_raw(row, cipher)
            row.pop("raw_sealed", None)
            row["raw"] = raw
            out.append(row)
            if limit is not None and len(out) >= limit:
                return out
    return out


def seal_legacy_file(path: Path, cipher: FieldCipher) -> bool:
    """Rewrite a quarantine file of an older home (``raw`` in clear) with its raw rows sealed; False if sealed."""
    table = pq.read_table(path)
    if "raw" not in table.column_names:
        return False
    rows = table.to_pylist()
    tmp = path.with_name(f".{path.name}.sealing")
    write_quarantine(tmp, rows, cipher)
    tmp.replace(path)
    return True
