"""Versioned JSON model artifacts with a content hash; no pickle.

An artifact is a JSON document::

    {"format": "firmscore.scorecard", "format_version": 1,
     "model": {...CardModel.to_dict()...}, "metadata": {...},
     "content_sha256": "<hex>"}

``content_sha256`` is the SHA-256 of the RFC 8785 canonical JSON of the document *without* that
field, so any byte-level re-serialisation (key order, whitespace) keeps the hash while any change
of content (a split, a point, a WOE) breaks it. :func:`load_artifact` verifies the hash and the
format version before building the card, so a tampered or foreign file fails loudly.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import rfc8785

from firmscore.model.card import CardModel
from firmscore.store.atomic import write_text

FORMAT = "firmscore.scorecard"
FORMAT_VERSION = 1


class ArtifactError(ValueError):
    """An artifact that cannot be loaded (bad JSON, wrong format, hash mismatch)."""


def _check_finite(obj: Any, path: str = "$") -> None:
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ArtifactError(f"{path}: non-finite number {obj!r} cannot go into a JSON artifact")
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            _check_finite(v, f"{path}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            _check_finite(v, f"{path}[{i}]")


def content_hash(doc: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``doc`` minus its ``content_sha256`` field."""
    body = {k: v for k, v in doc.items() if k != "content_sha256"}
    _check_finite(body)
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def to_artifact(card: CardModel, metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The artifact document of ``card`` (``metadata``: e.g. version, as-of date, data hash)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": card.to_dict(),
        "metadata": dict(metadata or {}),
    }
    doc["content_sha256"] = content_hash(doc)
    return doc


def save_artifact(card: CardModel, path: str | Path, metadata: Mapping[str, Any] | None = None) -> str:
    """Write the artifact as indented JSON; returns its content hash."""
    doc = to_artifact(card, metadata)
    write_text(path, json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False))
    return str(doc["content_sha256"])


def from_artifact(doc: Mapping[str, Any], source: str = "<artifact>") -> CardModel:
    """Verify format, version and hash of an artifact document and build its card."""
    if doc.get("format") != FORMAT:
        raise ArtifactError(f"{source}: not a firmscore scorecard artifact (format={doc.get('format')!r})")
    if doc.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"{source}: artifact format_version {doc.get('format_version')!r}; this firmscore reads {FORMAT_VERSION}"
        )
    want = doc.get("content_sha256")
    got = content_hash(doc)
    if want != got:
        raise ArtifactError(f"{source}: content hash mismatch (file says {want}, content is {got})")
    try:
        return CardModel.from_dict(doc["model"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{source}: invalid model section: {exc}") from exc


def load_artifact(path: str | Path) -> CardModel:
    """Read, verify and rebuild a card from an artifact file."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ArtifactError(f"{p}: artifact file not found") from exc
    except json.JSONDecodeError as exc:
        raise ArtifactError(f"{p}: not valid JSON: {exc}") from exc
    return from_artifact(doc, source=str(p))
