"""Declarative column mappings: a source's own columns and codes → canonical records.

A mapping is a YAML file, so that a new source needs a mapping, not code. Example::

    name: cumcm2020c-output-invoice
    source: cumcm2020c
    format: csv                 # csv | parquet | jsonl
    encoding: auto              # auto | utf-8 | utf-8-sig | gbk
    outputs:
      - record_type: event
        only_if: {column: 发票状态, in: [有效发票, 作废发票]}   # optional row filter (not an error)
        fields:
          source_record_id: {template: "out:{企业代号}:{发票号码}"}
          event_type: {const: invoice_out}
          subject_id: {column: 企业代号, prefix: "cumcm:"}
          effective_from: {column: 开票日期, type: date, formats: ["%Y/%m/%d"]}
          amount: {column: 价税合计, type: float}
          code: {column: 发票状态, map: {有效发票: valid, 作废发票: voided}}

Field specification keys (all optional except one of ``column``/``const``/``template``):

* ``column`` (source column), ``const`` (a constant), ``template`` (``str.format`` over columns);
* ``type``: ``str`` (default), ``int``, ``float``, ``date``, ``timestamp``, ``bool``, ``enterprise_id`` (a unified
  social credit code when valid, else ``prefix`` + the raw id), ``uscc`` (must be a valid code), ``person_id``
  (raw resident ID number → keyed hash; the number itself is never stored);
* ``person_if``: name of another output field; the value is hashed as a person id only on rows where that field
  equals ``person`` (relations and events that may point at a person);
* ``encrypt``: encrypt the value with the data key (names, phones of persons);
* ``formats`` (date/timestamp formats tried in order), ``map`` (code translation; unknown codes are errors unless
  ``map_default`` is given), ``allowed`` (closed list), ``min``/``max``, ``multiply`` (units, e.g. 万元 → 元),
  ``prefix``, ``strip`` (default true), ``required``, ``default``, ``null_values``, ``add_years`` (dates: shift,
  e.g. a legal expiry five years after the listing);
* numbers as written: ``thousands`` (a separator, e.g. ``","`` for ``740,673.03``; groups must be of three
  digits), ``decimal`` (the decimal mark, e.g. ``","``), ``fullwidth`` (read ``１２３`` as ``123``; default true);
* numeric date encodings among the ``formats``: ``epoch_s``, ``epoch_ms``, ``epoch_us``, ``epoch_ns``,
  ``epoch_days`` (counts since 1970-01-01 UTC) and ``excel`` (serial days); ``timezone`` (default
  ``Asia/Shanghai``) is the zone whose calendar day an epoch instant falls on for a ``date`` field;
* ``multiline``: the column's quoted values may contain line breaks (CSV). Elsewhere a quote left open
  quarantines only its own line;
* ``on_error``: ``quarantine`` (default: a bad value quarantines the whole row) or ``null`` (the row is kept
  without the value; nulled values are counted per field in the reconciliation). A required field cannot be
  nulled: its failures always quarantine.

A relation output may declare ``unknown_end: fact``: a row naming only one end (a guarantee that names the
guarantor but not the borrower) is then kept as an event on the known firm (``guarantee_given`` /
``guarantee_received``, else ``one_sided_relation`` with code ``<relation_type>:src|dst``), carrying the
relation's amount, share (as ``value``), dates and attrs, instead of an edge to an invented node. A row
naming neither end is quarantined.

Top-level keys besides ``outputs``: ``encoding``, ``delimiter``, ``drop_columns`` and
``future_tolerance_days`` (how far after its observation a fact may be dated; see
``datamodel/rules.py``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from firmscore.datamodel import RecordType, schema_for
from firmscore.datamodel.rules import FUTURE_TOLERANCE_DAYS
from firmscore.datamodel.schemas import BOOKKEEPING_COLUMNS

FIELD_TYPES = {"str", "int", "float", "date", "timestamp", "bool", "enterprise_id", "uscc", "person_id"}
FORMATS = {"csv", "parquet", "jsonl"}
ON_ERROR = {"quarantine", "null"}
DEFAULT_NULLS = ("", "NA", "N/A", "NULL", "null", "None", "nan", "NaN", "-", "--")


class MappingError(ValueError):
    """A mapping file that cannot be used (unknown field, bad type, missing required column ...)."""


@dataclass(frozen=True)
class FieldSpec:
    """How one canonical field is obtained from a source row."""

    target: str
    column: str | None = None
    const: Any = None
    template: str | None = None
    type: str = "str"
    formats: tuple[str, ...] = ()
    map: dict[str, Any] | None = None
    map_default: Any = None
    has_map_default: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    multiply: float | None = None
    prefix: str = ""
    strip: bool = True
    required: bool = False
    default: Any = None
    null_values: tuple[str, ...] = DEFAULT_NULLS
    person_if: str | None = None
    encrypt: bool = False
    add_years: int = 0
    thousands: str | None = None
    decimal: str = "."
    fullwidth: bool = True
    timezone: str = "Asia/Shanghai"
    multiline: bool = False
    on_error: str = "quarantine"

    @classmethod
    def parse(cls, target: str, raw: Any, where: str) -> FieldSpec:
        if not isinstance(raw, dict):
            raw = {"const": raw}
        known = {
            "column", "const", "template", "type", "formats", "map", "map_default", "allowed", "min", "max",
            "multiply", "prefix", "strip", "required", "default", "null_values", "person_if", "encrypt", "add_years",
            "thousands", "decimal", "fullwidth", "timezone", "multiline", "on_error",
        }
        unknown = set(raw) - known
        if unknown:
            raise MappingError(f"{where}: field {target!r} has unknown keys {sorted(unknown)}")
        sources = [k for k in ("column", "const", "template") if k in raw]
        if len(sources) != 1:
            raise MappingError(f"{where}: field {target!r} needs exactly one of column/const/template")
        ftype = raw.get("type", "str")
        if ftype not in FIELD_TYPES:
            raise MappingError(f"{where}: field {target!r} has unknown type {ftype!r}")
        on_error = raw.get("on_error", "quarantine")
        on_error = "null" if on_error is None else str(on_error)  # YAML reads a bare `null` as None
        if on_error not in ON_ERROR:
            raise MappingError(
                f"{where}: field {target!r}: on_error must be one of {sorted(ON_ERROR)}, got {on_error!r}")
        thousands = raw.get("thousands")
        decimal = str(raw.get("decimal", "."))
        if len(decimal) != 1 or (thousands is not None and (len(str(thousands)) != 1 or str(thousands) == decimal)):
            raise MappingError(f"{where}: field {target!r}: thousands and decimal must be two different characters")
        timezone = str(raw.get("timezone", "Asia/Shanghai"))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise MappingError(f"{where}: field {target!r}: unknown timezone {timezone!r}") from exc
        return cls(
            target=target,
            column=raw.get("column"),
            const=raw.get("const"),
            template=raw.get("template"),
            type=ftype,
            formats=tuple(raw.get("formats", ())),
            map={str(k): v for k, v in raw["map"].items()} if "map" in raw else None,
            map_default=raw.get("map_default"),
            has_map_default="map_default" in raw,
            allowed=tuple(raw["allowed"]) if "allowed" in raw else None,
            min=raw.get("min"),
            max=raw.get("max"),
            multiply=raw.get("multiply"),
            prefix=str(raw.get("prefix", "")),
            strip=bool(raw.get("strip", True)),
            required=bool(raw.get("required", False)),
            default=raw.get("default"),
            null_values=tuple(raw.get("null_values", DEFAULT_NULLS)),
            person_if=raw.get("person_if"),
            encrypt=bool(raw.get("encrypt", False)),
            add_years=int(raw.get("add_years", 0)),
            thousands=None if thousands is None else str(thousands),
            decimal=decimal,
            fullwidth=bool(raw.get("fullwidth", True)),
            timezone=timezone,
            multiline=bool(raw.get("multiline", False)),
            on_error=on_error,
        )

    def source_columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return [name for _, name, _, _ in string.Formatter().parse(self.template) if name]
        return []


@dataclass(frozen=True)
class OutputSpec:
    """One canonical record produced per accepted source row."""

    record_type: RecordType
    fields: dict[str, FieldSpec]
    only_if: dict[str, Any] | None = None
    unknown_end: str = "quarantine"  # relations: "fact" keeps a relation with one end missing as an event


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file."""

    name: str
    source: str
    format: str
    outputs: tuple[OutputSpec, ...]
    encoding: str = "auto"
    delimiter: str = ","
    drop_columns: tuple[str, ...] = ()
    path: Path | None = None
    future_tolerance_days: int = FUTURE_TOLERANCE_DAYS

    def multiline_columns(self) -> frozenset[str]:
        """Source columns whose quoted values may hold line breaks (declared ``multiline: true``)."""
        return frozenset(
            spec.column for out in self.outputs for spec in out.fields.values() if spec.multiline and spec.column
        )

    def required_source_columns(self) -> set[str]:
        cols: set[str] = set()
        for out in self.outputs:
            for spec in out.fields.values():
                if spec.default is None:
                    cols.update(spec.source_columns())
            if out.only_if:
                cols.add(str(out.only_if["column"]))
        return cols


def parse_mapping(raw: dict[str, Any], where: str = "<mapping>", path: Path | None = None) -> Mapping:
    """Validate a mapping document against the canonical schemas and return it parsed."""
    for key in ("name", "source", "format", "outputs"):
        if key not in raw:
            raise MappingError(f"{where}: missing top-level key {key!r}")
    fmt = str(raw["format"]).lower()
    if fmt not in FORMATS:
        raise MappingError(f"{where}: format must be one of {sorted(FORMATS)}, got {fmt!r}")
    outputs = []
    for i, out in enumerate(raw["outputs"]):
        owhere = f"{where} outputs[{i}]"
        try:
            rt = RecordType(out["record_type"])
        except (KeyError, ValueError) as exc:
            raise MappingError(f"{owhere}: record_type must be one of {[r.value for r in RecordType]}") from exc
        allowed = ({f.name for f in schema_for(rt)} - BOOKKEEPING_COLUMNS - {"source"}) | {"observed_at"}
        unknown_end = str(out.get("unknown_end", "quarantine"))
        if unknown_end not in {"quarantine", "fact"} or (unknown_end == "fact" and rt is not RecordType.RELATION):
            raise MappingError(
                f"{owhere}: unknown_end must be quarantine or fact (relations only), got {unknown_end!r}")
        not_null = {f.name for f in schema_for(rt) if not f.nullable}
        if unknown_end == "fact":
            not_null -= {"src_id", "dst_id"}  # one of them may be missing: the row becomes a fact on the other
        fields = {}
        for target, spec in (out.get("fields") or {}).items():
            if target not in allowed:
                raise MappingError(f"{owhere}: {target!r} is not a field of {rt.value} (allowed: {sorted(allowed)})")
            parsed = FieldSpec.parse(target, spec, owhere)
            if target in not_null and not parsed.required:
                parsed = replace(parsed, required=True)  # an id or type the data model cannot do without
            fields[target] = parsed
        if "source_record_id" not in fields:
            raise MappingError(f"{owhere}: source_record_id must be mapped")
        for f in schema_for(rt):
            if not f.nullable and f.name not in BOOKKEEPING_COLUMNS and f.name != "source" and f.name not in fields:
                raise MappingError(f"{owhere}: required canonical field {f.name!r} is not mapped")
        outputs.append(OutputSpec(record_type=rt, fields=fields, only_if=out.get("only_if"), unknown_end=unknown_end))
    return Mapping(
        name=str(raw["name"]),
        source=str(raw["source"]),
        format=fmt,
        outputs=tuple(outputs),
        encoding=str(raw.get("encoding", "auto")),
        delimiter=str(raw.get("delimiter", ",")),
        drop_columns=tuple(raw.get("drop_columns", ())),
        path=path,
        future_tolerance_days=int(raw.get("future_tolerance_days", FUTURE_TOLERANCE_DAYS)),
    )


def load_mapping(name_or_path: str | Path) -> Mapping:
    """Load a mapping by file path or by the name of a built-in mapping (``ingest/mappings/NAME.yaml``)."""
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        text = path.read_text(encoding="utf-8")
        where = str(path)
    else:
        res = resources.files("firmscore.ingest").joinpath("mappings", f"{name_or_path}.yaml")
        if not res.is_file():
            raise MappingError(f"unknown mapping: {name_or_path} (not a file, not a built-in mapping)")
        text = res.read_text(encoding="utf-8")
        where = f"built-in mapping {name_or_path}"
        path = Path(str(res))
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: a mapping must be a YAML mapping")
    return parse_mapping(raw, where, path)


def builtin_mappings() -> list[str]:
    """Names of the mappings shipped with firmscore."""
    folder = resources.files("firmscore.ingest").joinpath("mappings")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
