"""Each party's half of a federated scorecard: the points of its own features, nothing of the partner's.

A :class:`PartyCard` holds a :class:`~firmscore.model.card.CardFeature` per own feature (bin rule,
training counts, WOE, coefficient, integer points), the shared integer ``base_points`` and scaling,
and how many features the partner contributes (their points stay with the partner). The joint
score of a firm is ``clip(base_points + own points + partner points)``; with every bin's points
rounded as :func:`firmscore.model.scaling.integer_points` does and the base rounded once from
both parties' shifts, it equals the centralised card's score exactly.

Saved as JSON with a SHA-256 content hash, written to a temporary file and renamed into place
(atomic: a run that fails leaves no model behind).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import rfc8785

from firmscore.federate.errors import FederationError
from firmscore.model.card import CardFeature
from firmscore.model.scaling import Scaling
from firmscore.store.atomic import write_json

FORMAT = "firmscore.federated-card"
MODELS_DIR = "federated"


def raw_points(
    scaling: Scaling, coefficient: float, woe: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], float]:
    """Integer points of one feature's bins and its shift (as :func:`~firmscore.model.scaling.integer_points`)."""
    raw = -scaling.factor * coefficient * np.asarray(woe, dtype=np.float64)
    shift = float(raw.min()) if raw.size else 0.0
    return np.rint(raw - shift).astype(np.int64), shift


@dataclass(frozen=True, kw_only=True)
class PartyCard:
    role: str
    model_id: str
    features: tuple[CardFeature, ...]
    base_points: int
    scaling: Scaling
    partner_features: int
    intercept: float | None = None
    transcript_sha256: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def partial(self, X: pd.DataFrame) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Own points per firm (sum) and points lost against each own feature's best bin (n × features)."""
        n = len(X)
        total = np.zeros(n, dtype=np.int64)
        lost = np.zeros((n, len(self.features)), dtype=np.int64)
        for j, f in enumerate(self.features):
            pts = np.asarray(f.points, dtype=np.int64)[f.rule.assign(X[f.name])]
            total += pts
            lost[:, j] = f.max_points - pts
        return total, lost

    def points_table(self) -> pd.DataFrame:
        rows = [{"feature": f.name, "bin": label, "points": int(p)}
                for f in self.features for label, p in zip(f.rule.labels(), f.points, strict=True)]
        return pd.DataFrame(rows, columns=["feature", "bin", "points"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "format_version": 1, "role": self.role, "model_id": self.model_id,
            "features": [f.to_dict() for f in self.features], "base_points": int(self.base_points),
            "scaling": self.scaling.to_dict(), "partner_features": int(self.partner_features),
            "intercept": self.intercept, "transcript_sha256": self.transcript_sha256, "metadata": self.metadata,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PartyCard:
        return cls(role=d["role"], model_id=d["model_id"],
                   features=tuple(CardFeature.from_dict(f) for f in d["features"]), base_points=int(d["base_points"]),
                   scaling=Scaling.from_dict(d["scaling"]), partner_features=int(d["partner_features"]),
                   intercept=d.get("intercept"), transcript_sha256=d.get("transcript_sha256", ""),
                   metadata=dict(d.get("metadata", {})))


def model_dir(home: Path, model_id: str) -> Path:
    return Path(home) / MODELS_DIR / model_id


def save(card: PartyCard, home: Path) -> Path:
    """Write ``<home>/federated/<model>/card.json`` atomically (temp file + rename), mode 0600."""
    body = card.to_dict()
    body["content_sha256"] = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    return write_json(model_dir(home, card.model_id) / "card.json", body)


def load(home: Path, model_id: str) -> PartyCard:
    path = model_dir(home, model_id) / "card.json"
    if not path.is_file():
        raise FederationError("federate.no_model", model=model_id)
    body = json.loads(path.read_text(encoding="utf-8"))
    stored = body.pop("content_sha256", None)
    if stored != hashlib.sha256(rfc8785.dumps(body)).hexdigest():
        raise FederationError("federate.bad_data", path=str(path), detail="content hash does not match")
    return PartyCard.from_dict(body)
