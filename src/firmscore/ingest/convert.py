"""Vectorised conversion of source columns into canonical fields, with a reason for every failure.

Each :class:`FieldSpec` is applied to a whole chunk at once (pandas / numpy), producing the
canonical column and a boolean mask of rows where the value is invalid together with the reason.
Expensive per-value work (credit-code checks, person-id hashing) runs once per distinct value.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from firmscore.datamodel import uscc
from firmscore.datamodel.pii import (
    FieldCipher,
    InvalidPersonId,
    PersonIdHasher,
    valid_resident_ids,
    validate_resident_id,
)
from firmscore.i18n import t
from firmscore.ingest.mapping import FieldSpec
from firmscore.ingest.parsing import parse_dates as _parse_dates
from firmscore.ingest.parsing import to_number


@dataclass
class FieldResult:
    """A converted canonical column and the rows that failed, with their reasons."""

    values: pd.Series
    bad: np.ndarray  # bool mask
    reasons: pd.Series  # reason per row (only meaningful where bad)
    codes: pd.Series  # the reason's message key per row (groups reasons whatever the value)
    hash_shadow: pd.Series | None = None  # for encrypted fields: keyed hash of the plaintext

    def fail(self, newbad: np.ndarray, key: str, values: pd.Series | None = None, as_detail: bool = False,
             **kwargs: Any) -> None:
        """Mark rows ``newbad`` (those not bad yet) as failing with message ``key`` (given the row's value)."""
        newbad = newbad & ~self.bad
        if newbad.any():
            _fail(newbad, key, values, self.reasons, self.codes, as_detail, **kwargs)
        self.bad |= newbad


@dataclass(frozen=True)
class Crypto:
    """Key material used while converting (person-id hashing, field encryption)."""

    hasher: PersonIdHasher
    cipher: FieldCipher


def none_series(index: pd.Index) -> pd.Series:
    """An object Series of ``None`` on ``index``.

    ``pd.Series([None] * n, dtype=object)`` converts the list element by element (``np.fromiter``);
    every field of every block starts with two such Series, which was a visible share of an ingest.
    """
    return pd.Series(np.full(len(index), None, dtype=object), index=index, copy=False)


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _raw_series(spec: FieldSpec, frame: pd.DataFrame) -> pd.Series:
    n = len(frame)
    if spec.const is not None or (spec.column is None and spec.template is None):
        return pd.Series(np.full(n, spec.const, dtype=object), index=frame.index, copy=False)
    if spec.template is not None:
        cols = spec.source_columns()
        parts = {c: frame[c].astype("string").fillna("") for c in cols}
        # str.format per row is slow; join literal pieces with columns instead
        pieces: list[pd.Series | str] = []
        for literal, name, _, _ in string.Formatter().parse(spec.template):
            if literal:
                pieces.append(literal)
            if name:
                pieces.append(parts[name])
        acc = pd.Series("", index=frame.index, dtype="string")
        for p in pieces:
            acc = acc + p
        return acc.astype(object)
    assert spec.column is not None
    return frame[spec.column]


def _nullify(s: pd.Series, spec: FieldSpec) -> pd.Series:
    if _is_text(s):
        s = s.astype("string")
        if spec.strip:
            s = s.str.strip()
        if spec.null_values:
            s = s.mask(s.isin(spec.null_values))
    return s


def _fail(bad: np.ndarray, reason_key: str, values: pd.Series | None, reasons: pd.Series, codes: pd.Series,
          as_detail: bool = False, **kwargs: Any) -> None:
    """Record ``reason_key`` (with the offending value, or as ``detail``, when given) for rows newly marked bad."""
    for i in np.flatnonzero(bad).tolist():
        if values is not None:
            value = values.iat[i]
            if isinstance(value, pd.Timestamp):  # a date is shown as a date, not as a Timestamp(...)
                value = value.strftime("%Y-%m-%d") if value.tzinfo is None else value.isoformat()
            elif isinstance(value, np.generic):  # and a number as a number, not as np.float64(...)
                value = value.item()
            kwargs["detail" if as_detail else "value"] = value
        reasons.iat[i] = t(reason_key, **kwargs)
        codes.iat[i] = reason_key


def _per_unique(s: pd.Series, fn: Callable[[str], tuple[Any, str | None]]) -> tuple[pd.Series, pd.Series]:
    """Apply ``fn`` (value → (result, error)) once per distinct non-null value."""

    def batch(uniq: list[str]) -> tuple[list[Any], list[str | None]]:
        pairs = [fn(u) for u in uniq]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    return _per_unique_batch(s, batch)


def _per_unique_batch(
    s: pd.Series, fn: Callable[[list[str]], tuple[list[Any], list[str | None]]]
) -> tuple[pd.Series, pd.Series]:
    """Apply ``fn`` (distinct values → (results, errors)) to the distinct non-null values at once."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if pd.api.types.is_string_dtype(uniques.dtype) and not isinstance(uniques, np.ndarray):
        distinct = uniques.to_numpy(dtype=object).tolist()  # already text: no per-element __iter__ + str()
    else:
        distinct = [str(u) for u in uniques]
    results, errors = fn(distinct)
    res = np.empty(len(uniques) + 1, dtype=object)  # the extra last slot serves code -1 (null)
    err = np.empty(len(uniques) + 1, dtype=object)
    res[:-1] = results
    err[:-1] = errors
    return (pd.Series(res[codes], index=s.index, dtype=object), pd.Series(err[codes], index=s.index, dtype=object))


def convert_field(spec: FieldSpec, frame: pd.DataFrame, crypto: Crypto, context: dict[str, pd.Series]) -> FieldResult:
    """Convert one field for a whole chunk. ``context`` holds fields converted earlier (for ``person_if``)."""
    n = len(frame)
    raw = _nullify(_raw_series(spec, frame), spec)
    res = FieldResult(raw, np.zeros(n, dtype=bool), none_series(frame.index), none_series(frame.index))
    s = raw
    if spec.default is not None:
        s = s.fillna(spec.default) if s.dtype != object else s.where(s.notna(), spec.default)
    if spec.map is not None:
        table = spec.map
        mapped, errs = _per_unique(s, lambda v: (table[v], None) if v in table else (None, "unknown"))
        unknown = errs.notna().to_numpy(dtype=bool)
        if spec.has_map_default:
            mapped[unknown] = spec.map_default
        else:
            res.fail(unknown, "reason.bad_code", s)
            mapped[unknown] = None
        s = mapped
    ftype = spec.type
    if ftype in {"float", "int"}:
        num = to_number(s, spec)
        res.fail((s.notna() & num.isna()).to_numpy(dtype=bool),
                 "reason.bad_number" if ftype == "float" else "reason.bad_integer", s)
        finite = np.isfinite(num.to_numpy(dtype="float64", na_value=np.nan))
        res.fail(num.notna().to_numpy(dtype=bool) & ~finite, "reason.not_finite", s)
        if ftype == "int":
            whole = num.where(pd.Series(finite, index=num.index), 0).fillna(0)
            res.fail((num.notna() & (whole != np.floor(whole))).to_numpy(dtype=bool), "reason.bad_integer", s)
        if spec.multiply is not None:
            num = num * float(spec.multiply)
        out_of_range = np.zeros(n, dtype=bool)
        if spec.min is not None:
            out_of_range |= (num < spec.min).to_numpy(dtype=bool)
        if spec.max is not None:
            out_of_range |= (num > spec.max).to_numpy(dtype=bool)
        res.fail(out_of_range, "reason.out_of_range", s)
        res.values = num
    elif ftype in {"date", "timestamp"}:
        values = _parse_dates(s, spec, ftype)
        res.fail((s.notna() & values.isna()).to_numpy(dtype=bool), "reason.bad_date", s)
        if spec.add_years:
            values = values + pd.DateOffset(years=spec.add_years)
        res.values = values
    elif ftype == "bool":
        truthy = {"1", "true", "yes", "y", "t", "是"}
        falsy = {"0", "false", "no", "n", "f", "否"}
        low = s.astype("string").str.lower()
        res.values = low.map(lambda v: True if v in truthy else (False if v in falsy else None)).astype(object)
        res.fail((s.notna() & ~low.isin(truthy | falsy)).to_numpy(dtype=bool), "reason.bad_code", s)
    elif ftype in {"uscc", "enterprise_id"}:
        strict = ftype == "uscc"

        def check(values: list[str]) -> tuple[list[Any], list[str | None]]:
            codes, reasons = uscc.validate_many(values)
            if strict:
                return codes, reasons
            kept = [spec.prefix + v if c is None else c for v, c in zip(values, codes, strict=True)]
            return kept, [None] * len(values)

        res.values, errs = _per_unique_batch(s.astype("string"), check)
        res.fail(errs.notna().to_numpy(dtype=bool), "reason.bad_uscc", errs.rename("detail"), as_detail=True)
    elif ftype == "person_id":
        _person_ids(s, spec, crypto, context, res)
    else:  # str
        values = s.astype("string")
        if spec.prefix:
            values = spec.prefix + values
        res.values = values
        if spec.allowed is not None:
            res.fail((values.notna() & ~values.isin(spec.allowed)).to_numpy(dtype=bool), "reason.bad_code", values)
    if spec.person_if is not None and ftype != "person_id":
        _person_ids(res.values, spec, crypto, context, res)
    if spec.encrypt:
        res.hash_shadow, _ = _per_unique_batch(
            res.values.astype("string"),
            lambda uniq: (crypto.hasher.many([u.strip().upper() for u in uniq]), [None] * len(uniq)),
        )
        res.values = _encrypt(res.values, spec.target, crypto, context)
    if spec.required:
        missing = res.values.isna().to_numpy(dtype=bool, copy=True)
        if not spec.encrypt and pd.api.types.is_string_dtype(res.values):  # blank ids are no ids
            text = pa.array(res.values, type=pa.string(), from_pandas=True)
            blank = pc.or_(pc.equal(pc.binary_length(text), 0), pc.utf8_is_space(text))
            missing = missing | pc.fill_null(blank, False).to_numpy(zero_copy_only=False)
        res.fail(missing, "reason.missing_required")
    return res


def _person_ids(s: pd.Series, spec: FieldSpec, crypto: Crypto, context: dict[str, pd.Series],
                res: FieldResult) -> None:
    """Replace raw resident ID numbers by their keyed hash (only where ``person_if`` says person)."""
    s = s.astype("string")
    res.values = s
    if spec.person_if is not None:
        kind = context.get(spec.person_if)
        if kind is None:
            raise ValueError(f"person_if refers to {spec.person_if!r}, which must be mapped before {spec.target!r}")
        is_person = (kind.astype("string") == "person").fillna(False).to_numpy(dtype=bool)
    else:
        is_person = np.ones(len(s), dtype=bool)
    if not is_person.any():
        return

    def hash_many(uniq: list[str]) -> tuple[list[Any], list[str | None]]:
        norm = [u.strip().upper() for u in uniq]
        ok = valid_resident_ids(norm)
        hashed: list[Any] = [None] * len(uniq)
        errors: list[str | None] = [None] * len(uniq)
        good = np.flatnonzero(ok).tolist()
        for i, h in zip(good, crypto.hasher.many([norm[i] for i in good]), strict=True):
            hashed[i] = h
        for i in np.flatnonzero(~ok).tolist():  # the scalar check names what is wrong
            try:
                hashed[i] = crypto.hasher(validate_resident_id(uniq[i]))
            except InvalidPersonId as exc:
                errors[i] = str(exc)
        return hashed, errors

    sub = s[is_person]
    hashed, errs = _per_unique_batch(sub, hash_many)
    out = s.astype(object).copy()
    out[is_person] = hashed.to_numpy()
    err_full = none_series(s.index)
    err_full[is_person] = errs.to_numpy()
    res.fail(err_full.notna().to_numpy(dtype=bool), "reason.bad_person_id", err_full, as_detail=True)
    res.values = out.astype("string")


def _encrypt(values: pd.Series, target: str, crypto: Crypto, context: dict[str, pd.Series]) -> pd.Series:
    """Encrypt each non-null value, bound to its field and (when known) its person id."""
    owner = context.get("person_id")
    owners = owner.astype(object).tolist() if owner is not None else [""] * len(values)
    encrypt = crypto.cipher.encrypt
    out: list[bytes | None] = [
        None if v is None or v is pd.NA else encrypt(str(v), f"{target}:{who!s}")
        for v, who in zip(values.astype(object).tolist(), owners, strict=True)
    ]
    return pd.Series(out, index=values.index, dtype=object)
