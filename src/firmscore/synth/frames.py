"""Buffers that collect a block's events and relations as integer arrays and turn them into
Arrow tables in the output contract (``docs/synthetic-data.md``, "Output layout").

Generators add whole arrays (firm indices, person indices, day numbers); identifiers become
strings only once per block, through Arrow ``take``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from firmscore.synth.config import SynthConfig, add_months
from firmscore.synth.core import enterprise_ids
from firmscore.synth.population import NO_DAY
from firmscore.synth.strings import const_matrix, digit_matrix, from_byte_matrix

Code: TypeAlias = str | tuple[Sequence[str], np.ndarray] | pa.Array | None

#: share of records the platform learns about late (60-365 days after the usual lag)
LATE_SHARE = 0.01
SOURCE = "synth"

#: retention: years after the end of a negative record (or after the event, if it has no end)
#: until it may no longer be used; see docs/synthetic-data.md
RETENTION_YEARS: dict[str, tuple[int, bool]] = {
    # type: (years, counts from the end date -- open records have no expiry yet)
    "lawsuit": (5, False),
    "enforcement": (5, True),
    "dishonest_listing": (5, True),
    "penalty": (3, False),
    "abnormal_operation": (3, True),
    "tax_arrears": (5, True),
    "consumption_restriction": (5, True),
    "default": (5, False),
    "bankruptcy": (5, False),
}


def date_array(days: np.ndarray) -> pa.Array:
    d = np.asarray(days, dtype=np.int64)
    missing = d == NO_DAY
    return pa.array(np.where(missing, 0, d).astype(np.int32), pa.date32(), mask=missing)


def _floats(x: np.ndarray) -> pa.Array:
    x = np.asarray(x, dtype=np.float64)
    return pa.array(x, pa.float64(), mask=np.isnan(x))


def timestamp_array(micros: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(micros, dtype=np.int64), pa.timestamp("us", tz="UTC"))


def _code_array(code: Code, m: int) -> pa.Array:
    if code is None:
        return pa.nulls(m, pa.string())
    if isinstance(code, str):
        return pa.array(np.full(m, code, dtype=object), pa.string())
    if isinstance(code, tuple):
        vocab, idx = code
        return pa.array(list(vocab), pa.string()).take(pa.array(np.asarray(idx, dtype=np.int64)))
    return code


def record_ids(prefix: str, block: int, m: int) -> pa.Array:
    return from_byte_matrix(np.hstack([const_matrix(prefix, m), digit_matrix(np.full(m, block), 5),
                                       digit_matrix(np.arange(m), 8)]))


def _ids(cfg: SynthConfig, firm: np.ndarray, person: np.ndarray, person_ids: pa.StringArray) -> pa.Array:
    """Identifier strings: a firm's credit code or a person's raw ID number (-1 in both = null)."""
    is_p = person >= 0
    is_f = firm >= 0
    f_ids = enterprise_ids(cfg, np.where(is_f, firm, 0))
    if not is_p.any():
        return f_ids if is_f.all() else pc.if_else(pa.array(is_f), f_ids, pa.scalar(None, pa.string()))
    p_ids = person_ids.take(pa.array(np.where(is_p, person, 0)))
    out = pc.if_else(pa.array(is_p), p_ids, f_ids)
    if not (is_p | is_f).all():
        out = pc.if_else(pa.array(is_p | is_f), out, pa.scalar(None, pa.string()))
    return out


def _observed(cfg: SynthConfig, rng: np.random.Generator, day: np.ndarray, lag: np.ndarray) -> np.ndarray:
    m = len(day)
    late = rng.random(m) < LATE_SHARE
    extra = np.where(late, rng.integers(60, 366, m), 0)
    seconds = rng.integers(8 * 3600, 20 * 3600, m)
    return ((day + lag + extra) * 86400 + seconds) * 1_000_000


def _int_col(values: np.ndarray | None, m: int, fill: int = -1) -> np.ndarray:
    """``values`` as int64, or ``m`` times ``fill`` when the generator left the column out (-1 = no index)."""
    return np.full(m, fill, dtype=np.int64) if values is None else np.asarray(values, dtype=np.int64)


def _float_col(values: np.ndarray | None, m: int) -> np.ndarray:
    """``values`` as float64, or ``m`` NaNs (null after :func:`_floats`) when the column was left out."""
    return np.full(m, np.nan) if values is None else np.asarray(values, dtype=np.float64)


@dataclass
class _Buffer:
    """What event and relation buffers share: per-column array chunks plus one type, count and attrs chunk per add,
    so both concatenate and count their rows the same way."""

    cols: dict[str, list[np.ndarray]] = field(default_factory=dict)
    attrs: list[pa.Array] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    def _append(self, kind: str, m: int, vals: dict[str, np.ndarray], attrs: pa.Array | None) -> None:
        """Record one add of ``m`` rows of type ``kind``; ``vals`` must name the same columns on every call."""
        for k, v in vals.items():
            self.cols.setdefault(k, []).append(v)
        self.attrs.append(pa.nulls(m, pa.string()) if attrs is None else attrs)
        self.types.append(kind)
        self.counts.append(m)

    def type_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t, c in zip(self.types, self.counts, strict=True):
            out[t] = out.get(t, 0) + c
        return out

    def _columns(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.cols.items()}

    def _type_array(self) -> pa.Array:
        return pa.array(np.repeat(np.array(self.types, dtype=object), self.counts), pa.string())


@dataclass
class EventBuffer(_Buffer):
    """Events of one block, collected column by column."""

    codes: list[pa.Array] = field(default_factory=list)

    def add(
        self,
        event_type: str,
        day: np.ndarray,
        lag: np.ndarray,
        *,
        firm: np.ndarray | None = None,
        person: np.ndarray | None = None,
        end: np.ndarray | None = None,
        amount: np.ndarray | None = None,
        value: np.ndarray | None = None,
        code: Code = None,
        counterparty: np.ndarray | None = None,
        attrs: pa.Array | None = None,
    ) -> None:
        """Add ``len(day)`` events of one type (firm = global index, person = local index)."""
        day = np.asarray(day, dtype=np.int64)
        m = len(day)
        if m == 0:
            return
        self._append(event_type, m, {
            "day": day,
            "lag": np.broadcast_to(np.asarray(lag, dtype=np.int64), (m,)).copy(),
            "firm": _int_col(firm, m),
            "person": _int_col(person, m),
            "end": _int_col(end, m, NO_DAY),
            "amount": _float_col(amount, m),
            "value": _float_col(value, m),
            "cp": _int_col(counterparty, m),
        }, attrs)
        self.codes.append(_code_array(code, m))

    def table(self, cfg: SynthConfig, block: int, person_ids: pa.StringArray) -> pa.Table:
        """The events as an Arrow table in the output schema."""
        rng = cfg.block_rng(block, 90)
        if not self.counts:
            return pa.table({})
        c = self._columns()
        m = len(c["day"])
        etype = self._type_array()
        subject_type = pa.array(np.where(c["person"] >= 0, "person", "enterprise").astype(object), pa.string())
        end = c["end"]
        expiry = np.full(m, NO_DAY, dtype=np.int64)
        type_arr = np.repeat(np.array(self.types), self.counts)
        for t, (years, from_end) in RETENTION_YEARS.items():
            sel = type_arr == t
            if not sel.any():
                continue
            base = np.where(from_end, end[sel], np.where(end[sel] != NO_DAY, end[sel], c["day"][sel]))
            expiry[sel] = np.where(base == NO_DAY, NO_DAY, add_months(np.where(base == NO_DAY, 0, base), 12 * years))
        return pa.table({
            "event_type": etype,
            "subject_type": subject_type,
            "subject_id": _ids(cfg, c["firm"], c["person"], person_ids),
            "amount": _floats(c["amount"]),
            "value": _floats(c["value"]),
            "code": pa.concat_arrays(self.codes),
            "counterparty_id": _ids(cfg, c["cp"], np.full(m, -1), person_ids),
            "attrs": pa.concat_arrays(self.attrs),
            "source": pa.repeat(pa.scalar(SOURCE), m),
            "source_record_id": record_ids("EV", block, m),
            "observed_at": timestamp_array(_observed(cfg, rng, c["day"], c["lag"])),
            "effective_from": date_array(c["day"]),
            "effective_to": date_array(end),
            "legal_expiry": date_array(expiry),
        })


@dataclass
class RelationBuffer(_Buffer):
    """Relations of one block."""

    def add(
        self,
        relation_type: str,
        start: np.ndarray,
        observed: np.ndarray,
        *,
        src_firm: np.ndarray | None = None,
        src_person: np.ndarray | None = None,
        dst_firm: np.ndarray | None = None,
        dst_person: np.ndarray | None = None,
        end: np.ndarray | None = None,
        share: np.ndarray | None = None,
        amount: np.ndarray | None = None,
        attrs: pa.Array | None = None,
    ) -> None:
        """Add ``len(start)`` relations of one type (firm = global index, person = local index)."""
        start = np.asarray(start, dtype=np.int64)
        m = len(start)
        if m == 0:
            return
        self._append(relation_type, m, {
            "start": start,
            "observed": np.broadcast_to(np.asarray(observed, dtype=np.int64), (m,)).copy(),
            "sf": _int_col(src_firm, m),
            "sp": _int_col(src_person, m),
            "df": _int_col(dst_firm, m),
            "dp": _int_col(dst_person, m),
            "end": _int_col(end, m, NO_DAY),
            "share": _float_col(share, m),
            "amount": _float_col(amount, m),
        }, attrs)

    def table(self, cfg: SynthConfig, block: int, person_ids: pa.StringArray) -> pa.Table:
        """The relations as an Arrow table in the output schema."""
        rng = cfg.block_rng(block, 91)
        c = self._columns()
        m = len(c["start"])
        kind = np.array(["enterprise", "person"], dtype=object)
        return pa.table({
            "relation_type": self._type_array(),
            "src_type": pa.array(kind[(c["sp"] >= 0).astype(np.int64)], pa.string()),
            "src_id": _ids(cfg, c["sf"], c["sp"], person_ids),
            "dst_type": pa.array(kind[(c["dp"] >= 0).astype(np.int64)], pa.string()),
            "dst_id": _ids(cfg, c["df"], c["dp"], person_ids),
            "share": _floats(c["share"]),
            "amount": _floats(c["amount"]),
            "attrs": pa.concat_arrays(self.attrs),
            "source": pa.repeat(pa.scalar(SOURCE), m),
            "source_record_id": record_ids("RL", block, m),
            "observed_at": timestamp_array(_observed(cfg, rng, c["observed"], np.zeros(m, dtype=np.int64))),
            "effective_from": date_array(c["start"]),
            "effective_to": date_array(c["end"]),
            "legal_expiry": date_array(np.full(m, NO_DAY, dtype=np.int64)),
        })
