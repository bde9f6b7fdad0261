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


@dataclass
class FieldResult:
    """A converted canonical column and the rows that failed, with their reasons."""

    values: pd.Series
    bad: np.ndarray  # bool mask
    reasons: pd.Series  # reason per row (only meaningful where bad)
    hash_shadow: pd.Series | None = None  # for encrypted fields: keyed hash of the plaintext


@dataclass(frozen=True)
class Crypto:
    """Key material used while converting (person-id hashing, field encryption)."""

    hasher: PersonIdHasher
    cipher: FieldCipher


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def _raw_series(spec: FieldSpec, frame: pd.DataFrame) -> pd.Series:
    n = len(frame)
    if spec.const is not None or (spec.column is None and spec.template is None):
        return pd.Series([spec.const] * n, index=frame.index, dtype=object)
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


def _fail(bad: np.ndarray, reason_key: str, values: pd.Series, reasons: pd.Series) -> None:
    """Record ``reason_key`` (with the offending value) for rows newly marked bad."""
    for i in np.flatnonzero(bad).tolist():
        reasons.iat[i] = t(reason_key, value=values.iat[i])


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
    results, errors = fn([str(u) for u in uniques])
    res = np.empty(len(uniques) + 1, dtype=object)  # the extra last slot serves code -1 (null)
    err = np.empty(len(uniques) + 1, dtype=object)
    res[:-1] = results
    err[:-1] = errors
    return (pd.Series(res[codes], index=s.index, dtype=object), pd.Series(err[codes], index=s.index, dtype=object))


def convert_field(spec: FieldSpec, frame: pd.DataFrame, crypto: Crypto, context: dict[str, pd.Series]) -> FieldResult:
    """Convert one field for a whole chunk. ``context`` holds fields converted earlier (for ``person_if``)."""
    n = len(frame)
    raw = _nullify(_raw_series(spec, frame), spec)
    reasons = pd.Series([None] * n, index=frame.index, dtype=object)
    bad = np.zeros(n, dtype=bool)
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
            _fail(unknown, "reason.bad_code", s, reasons)
            bad |= unknown
            mapped[unknown] = None
        s = mapped
    shadow = None
    ftype = spec.type
    if ftype in {"float", "int"}:
        num = pd.to_numeric(s, errors="coerce") if (_is_text(s) or s.dtype == object) else s.astype("float64")
        num = num.astype("float64")
        newbad = (s.notna() & num.isna()).to_numpy(dtype=bool) & ~bad
        _fail(newbad, "reason.bad_number" if ftype == "float" else "reason.bad_integer", s, reasons)
        bad |= newbad
        if ftype == "int":
            nonint = (num.notna() & (num != np.floor(num.fillna(0)))).to_numpy(dtype=bool) & ~bad
            _fail(nonint, "reason.bad_integer", s, reasons)
            bad |= nonint
        if spec.multiply is not None:
            num = num * float(spec.multiply)
        out_of_range = np.zeros(n, dtype=bool)
        if spec.min is not None:
            out_of_range |= (num < spec.min).to_numpy(dtype=bool)
        if spec.max is not None:
            out_of_range |= (num > spec.max).to_numpy(dtype=bool)
        out_of_range &= ~bad
        _fail(out_of_range, "reason.out_of_range", s, reasons)
        bad |= out_of_range
        values: pd.Series = num
    elif ftype in {"date", "timestamp"}:
        values = _parse_dates(s, spec.formats, ftype)
        newbad = (s.notna() & values.isna()).to_numpy(dtype=bool) & ~bad
        _fail(newbad, "reason.bad_date", s, reasons)
        bad |= newbad
        if spec.add_years:
            values = values + pd.DateOffset(years=spec.add_years)
    elif ftype == "bool":
        truthy = {"1", "true", "yes", "y", "t", "是"}
        falsy = {"0", "false", "no", "n", "f", "否"}
        low = s.astype("string").str.lower()
        values = low.map(lambda v: True if v in truthy else (False if v in falsy else None)).astype(object)
        newbad = (s.notna() & ~low.isin(truthy | falsy)).to_numpy(dtype=bool) & ~bad
        _fail(newbad, "reason.bad_code", s, reasons)
        bad |= newbad
    elif ftype in {"uscc", "enterprise_id"}:
        strict = ftype == "uscc"

        def check(v: str) -> tuple[Any, str | None]:
            try:
                return uscc.validate(v), None
            except uscc.InvalidCreditCode as exc:
                if strict:
                    return None, exc.reason
                return spec.prefix + v, None

        values, errs = _per_unique(s.astype("string"), check)
        newbad = errs.notna().to_numpy(dtype=bool) & ~bad
        for i in np.flatnonzero(newbad).tolist():
            reasons.iat[i] = t("reason.bad_uscc", detail=errs.iat[i])
        bad |= newbad
    elif ftype == "person_id":
        values, bad, reasons = _person_ids(s, spec, frame, crypto, context, bad, reasons)
    else:  # str
        values = s.astype("string")
        if spec.prefix:
            values = spec.prefix + values
        if spec.allowed is not None:
            notallowed = (values.notna() & ~values.isin(spec.allowed)).to_numpy(dtype=bool) & ~bad
            _fail(notallowed, "reason.bad_code", values, reasons)
            bad |= notallowed
    if spec.person_if is not None and ftype != "person_id":
        values, bad, reasons = _person_ids(values, spec, frame, crypto, context, bad, reasons)
    if spec.encrypt:
        shadow, _ = _per_unique_batch(
            values.astype("string"),
            lambda uniq: (crypto.hasher.many([u.strip().upper() for u in uniq]), [None] * len(uniq)),
        )
        values = _encrypt(values, spec.target, crypto, context)
    if spec.required:
        missing = values.isna().to_numpy(dtype=bool) & ~bad
        for i in np.flatnonzero(missing).tolist():
            reasons.iat[i] = t("reason.missing_required")
        bad |= missing
    return FieldResult(values, bad, reasons, shadow)


def _person_ids(
    s: pd.Series, spec: FieldSpec, frame: pd.DataFrame, crypto: Crypto, context: dict[str, pd.Series],
    bad: np.ndarray, reasons: pd.Series,
) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """Replace raw resident ID numbers by their keyed hash (only where ``person_if`` says person)."""
    s = s.astype("string")
    if spec.person_if is not None:
        kind = context.get(spec.person_if)
        if kind is None:
            raise ValueError(f"person_if refers to {spec.person_if!r}, which must be mapped before {spec.target!r}")
        is_person = (kind.astype("string") == "person").fillna(False).to_numpy(dtype=bool)
    else:
        is_person = np.ones(len(s), dtype=bool)
    if not is_person.any():
        return s, bad, reasons

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
    err_full = pd.Series([None] * len(s), index=s.index, dtype=object)
    err_full[is_person] = errs.to_numpy()
    newbad = err_full.notna().to_numpy(dtype=bool) & ~bad
    for i in np.flatnonzero(newbad).tolist():
        reasons.iat[i] = t("reason.bad_person_id", detail=err_full.iat[i])
    return out.astype("string"), bad | newbad, reasons


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


_DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y年%m月", "%Y-%m", "%Y")


def _parse_dates(s: pd.Series, formats: tuple[str, ...], ftype: str) -> pd.Series:
    """Parse dates trying each format in turn; already-typed dates pass through."""
    if pd.api.types.is_datetime64_any_dtype(s):
        out = pd.to_datetime(s, utc=True) if ftype == "timestamp" else s
        return out
    if s.dtype == object and len(s) and s.dropna().map(lambda v: hasattr(v, "year")).all():
        return pd.to_datetime(s, utc=ftype == "timestamp", errors="coerce")
    text = s.astype("string")
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = text.notna()
    for fmt in formats or _DEFAULT_DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        result.loc[parsed.index[ok]] = parsed[ok].astype("datetime64[us]")
        todo &= result.isna()
    if todo.any() and ftype == "timestamp":
        parsed = pd.to_datetime(text[todo], errors="coerce", utc=True, format="ISO8601")
        ok = parsed.notna()
        result.loc[parsed.index[ok]] = parsed[ok].dt.tz_convert(None).astype("datetime64[us]")
    if ftype == "timestamp":
        return result.dt.tz_localize("UTC")
    return result
