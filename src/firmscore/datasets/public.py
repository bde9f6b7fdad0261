"""Readers of the public bankruptcy datasets used to benchmark the models.

* **Polish** companies bankruptcy (UCI 365; Zięba, Tomczak & Tomczak 2016): ARFF files, 64 financial
  ratios ``Attr1..Attr64``, ``?`` for missing values, nominal ``class`` label.
* **Slovak** SME bankruptcy (Drotár et al. 2019): one CSV per outcome × sector × evaluation year, in
  two dialects — bankrupt files use ``;`` with decimal commas and a leading row-index column,
  non-bankrupt files use ``,`` with decimal points; ``NA`` is missing.

The readers detect the dialect from each file's header instead of trusting its name, and report
what they could not read: a malformed row is skipped and described (file, line, field) in
:attr:`PublicDataset.problems`, or raised at once with ``strict=True``. They live in
``firmscore.datasets`` (file I/O), apart from ``firmscore.model`` (estimators, no I/O), because they
produce a model matrix for the benchmarks, not canonical records.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from firmscore.config import shared_datasets_dir


class PublicDataError(ValueError):
    """A dataset file that cannot be read; the message names the file, line and field."""


@dataclass
class PublicDataset:
    """A labelled feature matrix from a public dataset.

    Attributes
    ----------
    X : DataFrame
        Numeric features, NaN for missing.
    y : ndarray of int
        1 = bankrupt / default.
    groups : DataFrame
        Per-row descriptors that are not features (e.g. sector and evaluation year).
    problems : list of str
        What could not be read, one line each (``file:line: reason``).
    """

    name: str
    X: pd.DataFrame
    y: npt.NDArray[np.int64]
    groups: pd.DataFrame
    problems: list[str] = field(default_factory=list)

    @property
    def default_rate(self) -> float:
        return float(self.y.mean())


# --------------------------------------------------------------------------------------------- ARFF


@dataclass(frozen=True)
class ArffAttribute:
    """One ``@attribute``: its name and, for nominal attributes, the allowed values."""

    name: str
    nominal: tuple[str, ...] | None


_ATTRIBUTE = re.compile(r"@attribute\s+('(?:[^']*)'|\"(?:[^\"]*)\"|\S+)\s+(.+)$", re.IGNORECASE)


def _parse_attribute(line: str, where: str) -> ArffAttribute:
    match = _ATTRIBUTE.match(line.strip())
    if not match:
        raise PublicDataError(f"{where}: cannot parse attribute declaration {line.strip()!r}")
    name = match.group(1).strip("'\"")
    kind = match.group(2).strip()
    if kind.startswith("{"):
        if not kind.endswith("}"):
            raise PublicDataError(f"{where}: unterminated nominal values in {line.strip()!r}")
        values = tuple(v.strip().strip("'\"") for v in kind[1:-1].split(","))
        return ArffAttribute(name, values)
    if kind.lower() in {"numeric", "real", "integer"}:
        return ArffAttribute(name, None)
    raise PublicDataError(f"{where}: unsupported attribute type {kind!r} for {name!r}")


def read_arff(path: str | Path, *, strict: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Read a dense ARFF file into a DataFrame (numeric columns as float, nominal as string).

    ``?`` is missing. Rows with the wrong number of fields, unparsable numbers or nominal values
    outside the declared set are skipped and described in the returned problem list (or raise
    :class:`PublicDataError` when ``strict``).
    """
    path = Path(path)
    if not path.is_file():
        raise PublicDataError(f"{path}: file not found")
    attributes: list[ArffAttribute] = []
    rows: list[list[object]] = []
    problems: list[str] = []
    in_data = False
    with path.open(encoding="utf-8", errors="strict") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line or line.startswith("%"):
                continue
            where = f"{path}:{lineno}"
            if not in_data:
                lower = line.lower()
                if lower.startswith("@attribute"):
                    attributes.append(_parse_attribute(line, where))
                elif lower.startswith("@data"):
                    if not attributes:
                        raise PublicDataError(f"{where}: @data before any @attribute")
                    in_data = True
                continue
            try:
                rows.append(_parse_arff_row(line, attributes, where))
            except PublicDataError as exc:
                if strict:
                    raise
                problems.append(str(exc))
    if not in_data:
        raise PublicDataError(f"{path}: no @data section")
    frame = pd.DataFrame(rows, columns=[a.name for a in attributes])
    for a in attributes:
        frame[a.name] = frame[a.name].astype("string") if a.nominal else frame[a.name].astype(np.float64)
    return frame, problems


def _parse_arff_row(line: str, attributes: list[ArffAttribute], where: str) -> list[object]:
    fields = next(csv.reader([line], skipinitialspace=True, quotechar="'"))
    if len(fields) != len(attributes):
        raise PublicDataError(f"{where}: expected {len(attributes)} fields, found {len(fields)}")
    out: list[object] = []
    for value, attr in zip(fields, attributes, strict=True):
        value = value.strip()
        if value == "?":
            out.append(None if attr.nominal else np.nan)
        elif attr.nominal is not None:
            if value not in attr.nominal:
                raise PublicDataError(f"{where}: field {attr.name!r}: {value!r} not in {set(attr.nominal)}")
            out.append(value)
        else:
            try:
                out.append(float(value))
            except ValueError:
                raise PublicDataError(f"{where}: field {attr.name!r}: not a number: {value!r}") from None
    return out


def load_polish(path: str | Path | None = None, *, strict: bool = False) -> PublicDataset:
    """The Polish bankruptcy data (default ``<datasets>/polish/1year.arff``)."""
    path = Path(path) if path is not None else shared_datasets_dir() / "polish" / "1year.arff"
    frame, problems = read_arff(path, strict=strict)
    if "class" not in frame.columns:
        raise PublicDataError(f"{path}: no 'class' attribute")
    label = frame.pop("class")
    unlabelled = label.isna().to_numpy()
    if unlabelled.any():
        problems.append(f"{path}: {int(unlabelled.sum())} rows without a class label dropped")
        frame, label = frame[~unlabelled].reset_index(drop=True), label[~unlabelled].reset_index(drop=True)
    y = label.astype(int).to_numpy().astype(np.int64)
    return PublicDataset(f"polish/{path.stem}", frame, y, pd.DataFrame(index=frame.index), problems)


# --------------------------------------------------------------------------------------------- Slovak

_SLOVAK_NAME = re.compile(r"^(bankrupt|nonbankrupt)_([a-z]+)_(\d{2})_year_[\d_]+\.csv$")


def read_slovak_file(path: str | Path, *, strict: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """One Slovak CSV in either dialect, as float columns ``V1..V63``.

    The dialect is read from the header: ``;``-separated files use decimal commas. A leading
    unnamed column (the row index some files carry) is dropped.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    header = text.split("\n", 1)[0]
    semicolon = header.count(";") > header.count(",")
    sep, decimal = (";", ",") if semicolon else (",", ".")
    raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    first = str(raw.columns[0])
    if first == "" or first.startswith("Unnamed"):
        raw = raw.drop(columns=raw.columns[0])
    problems: list[str] = []
    bad_rows: set[int] = set()
    out = pd.DataFrame(index=raw.index)
    for col in raw.columns:
        values = raw[col].str.strip()
        missing = values.isin(["NA", "", "?"])
        numbers = pd.to_numeric(values.str.replace(decimal, ".", regex=False).where(~missing), errors="coerce")
        bad = numbers.isna() & ~missing
        for row in np.flatnonzero(bad.to_numpy()):
            # +2: one header line and 1-based line numbers.
            msg = f"{path}:{row + 2}: field {col!r}: not a number: {values.iloc[row]!r}"
            if strict:
                raise PublicDataError(msg)
            problems.append(msg)
            bad_rows.add(int(row))
        out[str(col)] = numbers.astype(np.float64)
    if bad_rows:
        out = out.drop(index=sorted(bad_rows))
    return out.reset_index(drop=True), problems


def load_slovak(directory: str | Path | None = None, *, strict: bool = False) -> PublicDataset:
    """All Slovak files of a folder (default ``<datasets>/slovak``), with sector and year as groups."""
    directory = Path(directory) if directory is not None else shared_datasets_dir() / "slovak"
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise PublicDataError(f"{directory}: no CSV files")
    frames, labels, groups, problems = [], [], [], []
    columns: list[str] | None = None
    for path in files:
        match = _SLOVAK_NAME.match(path.name)
        if not match:
            problems.append(f"{path}: name does not match <outcome>_<sector>_<yy>_year_..., skipped")
            continue
        frame, file_problems = read_slovak_file(path, strict=strict)
        problems.extend(file_problems)
        if columns is None:
            columns = list(frame.columns)
        elif list(frame.columns) != columns:
            msg = f"{path}: columns differ from the first file ({len(frame.columns)} vs {len(columns)})"
            if strict:
                raise PublicDataError(msg)
            problems.append(msg + ", skipped")
            continue
        frames.append(frame)
        labels.append(np.full(len(frame), 1 if match.group(1) == "bankrupt" else 0, dtype=np.int64))
        groups.append(pd.DataFrame({"sector": match.group(2), "year": 2000 + int(match.group(3))}, index=frame.index))
    if not frames:
        raise PublicDataError(f"{directory}: no readable Slovak files")
    X = pd.concat(frames, ignore_index=True)
    return PublicDataset(
        "slovak", X, np.concatenate(labels).astype(np.int64), pd.concat(groups, ignore_index=True), problems
    )
