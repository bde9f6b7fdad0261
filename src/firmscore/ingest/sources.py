"""Source profiles: which mapping applies to which file of a source's delivery.

A profile (``ingest/sources/NAME.yaml``, or any YAML path) lists file patterns relative to the
folder handed to ``firmscore ingest`` and the mapping for each::

    source: cumcm2020c
    files:
      - pattern: "credit_history_enterprise_information.csv"
        mapping: cumcm2020c-enterprise-rated
      - pattern: "*_output_invoice/*.csv"
        mapping: cumcm2020c-output-invoice
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from firmscore.ingest.mapping import Mapping, MappingError, load_mapping


@dataclass(frozen=True)
class PlannedFile:
    """One input file and the mapping that reads it."""

    path: Path
    mapping: Mapping


@dataclass(frozen=True)
class Plan:
    """What an ingestion run will read, and what it leaves aside (files no pattern matches)."""

    files: tuple[PlannedFile, ...]
    unmatched: tuple[Path, ...]


def load_profile(name_or_path: str) -> list[tuple[str, str]]:
    """Return the (pattern, mapping) pairs of a source profile.

    A mapping given as a relative YAML path is resolved against the profile's own folder (not the
    working directory), so a profile and its mappings can be kept together and used from anywhere.
    """
    path = Path(name_or_path)
    folder: Path | None = None
    if path.suffix in {".yaml", ".yml"} and path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        folder = path.resolve().parent
    else:
        res = resources.files("firmscore.ingest").joinpath("sources", f"{name_or_path}.yaml")
        if not res.is_file():
            raise MappingError(f"unknown source profile: {name_or_path}")
        raw = yaml.safe_load(res.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("files"), list):
        raise MappingError(f"{name_or_path}: a source profile needs a list of files (pattern, mapping)")
    pairs = []
    for f in raw["files"]:
        mapping = str(f["mapping"])
        target = Path(mapping)
        if folder is not None and target.suffix in {".yaml", ".yml"} and not target.is_absolute():
            mapping = str(folder / target)
        pairs.append((str(f["pattern"]), mapping))
    return pairs


def plan(paths: list[Path], source: str | None = None, mapping: str | None = None) -> Plan:
    """Resolve input paths (files or folders) to files and mappings.

    With ``mapping`` every file is read with that mapping; with ``source`` a profile's patterns
    decide. A missing path raises ``FileNotFoundError``: that input is unusable.
    """
    if (source is None) == (mapping is None):
        raise MappingError("give exactly one of --source (a profile) or --mapping")
    files: list[PlannedFile] = []
    unmatched: list[Path] = []
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(p)
    if mapping is not None:
        m = load_mapping(mapping)
        for p in paths:
            candidates = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
            files.extend(PlannedFile(c, m) for c in candidates)
        return Plan(tuple(files), ())
    assert source is not None
    rules = [(pat, load_mapping(name)) for pat, name in load_profile(source)]
    for p in paths:
        base = p if p.is_dir() else p.parent
        candidates = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for c in candidates:
            # a pattern may name the file, its path below the folder given, or below that folder's parent
            names = {c.name, c.relative_to(base).as_posix(), c.relative_to(base.parent).as_posix()}
            hit = next((m for pat, m in rules if any(fnmatch.fnmatch(n, pat) for n in names)), None)
            if hit is None:
                unmatched.append(c)
            else:
                files.append(PlannedFile(c, hit))
    return Plan(tuple(files), tuple(unmatched))
