"""Text as sources write it → numbers and dates: locale marks, full-width digits, numeric date encodings.

Real exports write ``740,673.03`` (thousands separators), ``1.234,5`` (decimal comma), ``１２３``
(full-width digits, common in Chinese forms) and dates as epoch seconds or milliseconds
(``1480000000000.0``) or Excel serial days. A mapping declares what its columns use
(:class:`~firmscore.ingest.mapping.FieldSpec` keys ``thousands``, ``decimal``, ``fullwidth`` and the
numeric date formats of :data:`NUMERIC_DATE_FORMATS`); values that do not fit are failures, never
guesses: ``1,2,3`` is not a number when ``thousands: ","`` is declared, because its groups are not
of three digits.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from firmscore.ingest.mapping import FieldSpec

#: Full-width (U+FF10 …) digits, signs and marks, and the ideographic space, as their ASCII forms.
FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋　ｅＥ", "0123456789.,-+ eE")

#: Date formats that are numbers: unit of an epoch count since 1970-01-01 UTC, or Excel serial days.
NUMERIC_DATE_FORMATS: dict[str, str] = {
    "epoch_s": "s",
    "epoch_ms": "ms",
    "epoch_us": "us",
    "epoch_ns": "ns",
    "epoch_days": "D",
    "excel": "D",  # days since 1899-12-30 (Excel's 1900 date system, including its leap-year bug offset)
}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y年%m月", "%Y-%m", "%Y")


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def halfwidth(text: pd.Series) -> pd.Series:
    """Full-width digits and marks as ASCII (only values that hold any non-ASCII character are touched)."""
    ascii_ = text.str.isascii().fillna(True).to_numpy(dtype=bool)
    if ascii_.all():
        return text
    out = text.copy()
    out[~ascii_] = text[~ascii_].map(lambda v: v.translate(FULLWIDTH), na_action="ignore")
    return out


def _locale_numbers(text: pd.Series, thousands: str | None, decimal: str) -> pd.Series:
    """Drop correctly placed thousands separators and turn the decimal mark into ``.``."""
    if thousands:
        sep, dec = re.escape(thousands), re.escape(decimal)
        pattern = rf"\s*[+-]?\d{{1,3}}(?:{sep}\d{{3}})+(?:{dec}\d*)?\s*"
        grouped = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        if grouped.any():
            text = text.copy()
            text[grouped] = text[grouped].str.replace(thousands, "", regex=False)
    if decimal != ".":
        # with a decimal comma a "." can only be a mistake (or a separator, removed above)
        text = text.mask(text.str.contains(".", regex=False).fillna(False), "not a number")
        text = text.str.replace(decimal, ".", regex=False)
    return text


def to_number(s: pd.Series, spec: FieldSpec) -> pd.Series:
    """Numbers (float64, NaN where missing or unreadable) from a source column, honouring the spec's locale."""
    if not _is_text(s):
        return s.astype("float64")
    if spec.thousands is None and spec.decimal == "." and not spec.fullwidth:
        return pd.to_numeric(s, errors="coerce").astype("float64")
    text = s.astype("string")
    if spec.fullwidth:
        text = halfwidth(text)
    if spec.thousands is not None or spec.decimal != ".":
        text = _locale_numbers(text, spec.thousands, spec.decimal)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _from_numbers(num: pd.Series, fmt: str) -> pd.Series:
    """Naive datetimes from numeric date encodings (epoch: UTC instants; Excel: local times); NaT if out of range."""
    unit = NUMERIC_DATE_FORMATS[fmt]
    finite = num.where(np.isfinite(num.to_numpy(dtype="float64", na_value=np.nan)))
    if fmt == "excel":
        finite = finite.where((finite > -700_000) & (finite < 3_000_000))  # within pandas' datetime range
        return pd.Series(_EXCEL_EPOCH + pd.to_timedelta(finite, unit="D"), index=num.index)
    try:
        return pd.Series(pd.to_datetime(finite, unit=unit, errors="coerce"), index=num.index)  # type: ignore[call-overload]
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return pd.Series([_one(v, unit) for v in finite.tolist()], index=num.index, dtype="datetime64[us]")


def _one(v: float, unit: str) -> pd.Timestamp | None:
    try:
        return None if pd.isna(v) else pd.Timestamp(v, unit=unit)
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return None


def parse_dates(s: pd.Series, spec: FieldSpec, ftype: str) -> pd.Series:
    """Parse dates trying each of the spec's formats in turn; already-typed dates pass through.

    ``date`` fields come out as naive dates; ``timestamp`` fields as UTC instants. A numeric
    encoding of a *date* (epoch counts at local midnight) is read in the spec's ``timezone``.
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.to_datetime(s, utc=True) if ftype == "timestamp" else s
    formats = spec.formats or DEFAULT_DATE_FORMATS
    numeric_only = all(f in NUMERIC_DATE_FORMATS for f in formats)
    if not _is_text(s) and not numeric_only:
        s = s.astype("string")
    if _is_text(s) and len(s) and s.dtype == object and s.dropna().map(lambda v: hasattr(v, "year")).all():
        return pd.to_datetime(s, utc=ftype == "timestamp", errors="coerce")
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = s.notna().to_numpy(dtype=bool)
    text = s.astype("string") if _is_text(s) else None
    numbers: pd.Series | None = None if _is_text(s) else s.astype("float64")
    for fmt in formats:
        if not todo.any():
            break
        if fmt in NUMERIC_DATE_FORMATS:
            if numbers is None:
                assert text is not None
                numbers = pd.to_numeric(halfwidth(text) if spec.fullwidth else text, errors="coerce")
            parsed = _from_numbers(numbers[todo].astype("float64"), fmt)
            if fmt == "excel" and ftype == "timestamp":  # Excel counts local days: the instant in UTC
                parsed = parsed.dt.tz_localize(spec.timezone).dt.tz_convert("UTC").dt.tz_localize(None)
            elif fmt == "excel":
                parsed = parsed.dt.floor("D")
            elif fmt != "excel" and ftype == "date":  # an epoch count is an instant: its local calendar day
                parsed = parsed.dt.tz_localize("UTC").dt.tz_convert(spec.timezone).dt.tz_localize(None).dt.floor("D")
        else:
            if text is None:
                continue
            parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy(dtype=bool)
        idx = parsed.index[ok]
        result.loc[idx] = parsed[ok].astype("datetime64[us]")
        todo = todo & result.isna().to_numpy(dtype=bool)
    if todo.any() and text is not None:
        # numbers written as floats ("201508.0"): the same formats without the ".0"
        trimmed = text[todo].str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
        changed = (trimmed != text[todo]).fillna(False).to_numpy(dtype=bool)
        if changed.any():
            for fmt in (f for f in formats if f not in NUMERIC_DATE_FORMATS):
                parsed = pd.to_datetime(trimmed[changed], format=fmt, errors="coerce")
                ok = parsed.notna().to_numpy(dtype=bool)
                hit = parsed.index[ok].difference(result.index[result.notna()])
                result.loc[hit] = parsed.loc[hit].astype("datetime64[us]")
            todo = todo & result.isna().to_numpy(dtype=bool)
    if todo.any() and ftype == "timestamp" and text is not None:
        parsed = pd.to_datetime(text[todo], errors="coerce", utc=True, format="ISO8601")
        ok = parsed.notna().to_numpy(dtype=bool)
        result.loc[parsed.index[ok]] = parsed[ok].dt.tz_convert(None).astype("datetime64[us]")
    if ftype == "timestamp":
        return result.dt.tz_localize("UTC")
    return result
