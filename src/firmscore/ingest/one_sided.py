"""Relations with one unknown end, kept as a dated fact on the firm that is known.

A source often names only one side of a tie: a guarantee register lists the guarantor and the sum
but not the borrower. An edge to a placeholder node would make every such firm a spoke of one
invented hub in the graph, so a relation output with ``unknown_end: fact`` turns such a row into an
event about the known end instead (``guarantee_given`` / ``guarantee_received``, else
``one_sided_relation`` with code ``<relation_type>:src|dst``), carrying the relation's amount, share
(as ``value``), dates, attrs and provenance. A row naming neither end is quarantined.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from firmscore.datamodel import EventType, RecordType, RelationType
from firmscore.ingest.convert import FieldResult, none_series
from firmscore.ingest.mapping import OutputSpec

#: The output the facts are staged as (its fields come from the relation's, see :func:`one_sided_facts`).
FACT_OUTPUT = OutputSpec(record_type=RecordType.EVENT, fields={})

_COPIED = ("source_record_id", "amount", "attrs", "effective_from", "effective_to", "legal_expiry", "observed_at")


def _missing(res: FieldResult | None, n: int) -> np.ndarray:
    if res is None:
        return np.ones(n, dtype=bool)
    values = res.values
    missing = values.isna().to_numpy(dtype=bool, copy=True)
    if pd.api.types.is_string_dtype(values):
        text = pa.array(values, type=pa.string(), from_pandas=True)
        blank = pc.or_(pc.equal(pc.binary_length(text), 0), pc.utf8_is_space(text))
        missing = missing | pc.fill_null(blank, False).to_numpy(zero_copy_only=False)
    return missing


def one_sided_rows(out: OutputSpec, results: dict[str, FieldResult]) -> np.ndarray:
    """Rows of a relation output (with ``unknown_end: fact``) that name exactly one end.

    Rows naming neither end fail on ``src_id`` (missing required), in place.
    """
    n = len(next(iter(results.values())).values) if results else 0
    if out.unknown_end != "fact" or n == 0:
        return np.zeros(n, dtype=bool)
    src, dst = _missing(results.get("src_id"), n), _missing(results.get("dst_id"), n)
    neither = src & dst
    if neither.any():
        results["src_id"].fail(neither, "reason.missing_required")
    return src ^ dst


def one_sided_facts(results: dict[str, FieldResult]) -> dict[str, FieldResult]:
    """The event fields of one-sided relation rows (computed for every row; the caller keeps the one-sided)."""
    n = len(results["src_id"].values)
    index = results["src_id"].values.index
    src_known = ~_missing(results["src_id"], n)

    def text(name: str) -> pd.Series:
        res = results.get(name)
        return res.values.astype("string") if res is not None else pd.Series([None] * n, index=index, dtype="string")

    relation_type = text("relation_type")
    guarantee = (relation_type == RelationType.GUARANTEE.value).fillna(False).to_numpy(dtype=bool)
    event_type = np.where(guarantee, np.where(src_known, EventType.GUARANTEE_GIVEN.value,
                                              EventType.GUARANTEE_RECEIVED.value),
                          EventType.ONE_SIDED_RELATION.value)
    code = (relation_type + np.where(src_known, ":src", ":dst")).where(~pd.Series(guarantee, index=index))
    fields: dict[str, pd.Series] = {
        "event_type": pd.Series(event_type, index=index, dtype="string"),
        "subject_type": text("src_type").where(pd.Series(src_known, index=index), text("dst_type")),
        "subject_id": text("src_id").where(pd.Series(src_known, index=index), text("dst_id")),
        "code": code.astype("string"),
    }
    if "share" in results:
        fields["value"] = results["share"].values
    out = {name: FieldResult(values, np.zeros(n, dtype=bool), none_series(index), none_series(index))
           for name, values in fields.items()}
    for name in _COPIED:
        if name in results:
            out[name] = results[name]
    return out
