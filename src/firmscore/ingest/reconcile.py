"""The counts a reconciliation is made of: per file, rows by outcome and failures by field and reason.

Every physical line (or Parquet row) of an input file ends in exactly one place:

* the header, a blank line, or a continuation line of a multi-line record (``skipped``);
* a record that is **accepted**, a **duplicate**, **filtered** (a mapping's ``only_if`` leaves it out:
  not an error), **quarantined** (unreadable, or a field failed with ``on_error: quarantine``) or
  **erased** (the very record was erased before: its tombstone keeps it from being stored again).

``physical`` is counted from the file's bytes (or Parquet metadata) without the readers, so
``read + skipped == physical`` proves that no line went missing, and ``read == accepted + filtered
+ quarantined + duplicates + erased`` that every record read has an outcome. Values dropped under
``on_error: null`` do not change a row's outcome; they are counted per field and reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

EXAMPLES = 3  # lines kept per (field, reason) as examples


@dataclass
class Tally:
    """Failures counted by (field, reason code), with the first few lines of each as examples."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    examples: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, fld: str, code: str, line: int, n: int = 1) -> None:
        key = (fld, code)
        self.counts[key] = self.counts.get(key, 0) + n
        lines = self.examples.setdefault(key, [])
        if len(lines) < EXAMPLES:
            lines.append(line)

    def add_many(self, fld: str, codes: Iterable[str], lines: Iterable[int]) -> None:
        for code, line in zip(codes, lines, strict=True):
            self.add(fld, code, line)

    def merge(self, other: Tally) -> None:
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
            mine = self.examples.setdefault(key, [])
            mine.extend(other.examples.get(key, [])[: EXAMPLES - len(mine)])

    def total(self) -> int:
        return sum(self.counts.values())

    def by_field(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for (fld, _), n in self.counts.items():
            out[fld] = out.get(fld, 0) + n
        return out

    def as_list(self) -> list[dict[str, Any]]:
        """JSON-ready rows, largest count first: field, reason (message key), count, example lines."""
        rows = [{"field": f, "reason": c, "count": n, "lines": sorted(self.examples.get((f, c), []))}
                for (f, c), n in self.counts.items()]
        return sorted(rows, key=lambda r: (-r["count"], r["field"], r["reason"]))

    @classmethod
    def from_list(cls, rows: Iterable[dict[str, Any]]) -> Tally:
        tally = cls()
        for r in rows:
            key = (str(r["field"]), str(r["reason"]))
            tally.counts[key] = int(r["count"])
            tally.examples[key] = [int(x) for x in r.get("lines", [])]
        return tally


@dataclass
class FileCounts:
    """What reading and converting one file (or some pieces of it) produced, before deduplication."""

    read: int = 0
    physical: int = 0
    skipped: int = 0
    filtered: int = 0
    quarantined: int = 0
    reasons: Tally = field(default_factory=Tally)  # quarantine reasons
    nulled: Tally = field(default_factory=Tally)  # values dropped under on_error: null

    def merge(self, other: FileCounts) -> None:
        self.read += other.read
        self.physical += other.physical
        self.skipped += other.skipped
        self.filtered += other.filtered
        self.quarantined += other.quarantined
        self.reasons.merge(other.reasons)
        self.nulled.merge(other.nulled)
