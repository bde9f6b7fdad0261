"""The deployable model: a scorecard with its PD calibration and master scale, in one hashed JSON.

The card's own artifact format (:mod:`firmscore.model.artifact`) carries everything needed to
score; the calibration (``logit PD = a + b · score``), the master scale and the training facts go
into its metadata, so one content hash (the model id printed on every score) covers all of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from firmscore.model.artifact import from_artifact, to_artifact
from firmscore.model.calibration import clip_pd
from firmscore.model.card import CardModel
from firmscore.model.grades import Grade, MasterScale, score_band
from firmscore.model.report import ValidationReport
from firmscore.store.atomic import atomic_dir, write_json, write_text
from firmscore.store.home import DataHome

CURRENT = "current.json"


@dataclass(frozen=True)
class ModelBundle:
    """A scorecard plus calibration and master scale; ``model_id`` is the artifact's content hash."""

    card: CardModel
    intercept: float
    slope: float
    scale: MasterScale
    metadata: dict[str, Any]
    model_id: str

    def default_probability(self, score: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Calibrated 12-month PD of each score."""
        s = np.asarray(score, dtype=np.float64)
        return clip_pd(special.expit(self.intercept + self.slope * s))

    def apply(self, X: pd.DataFrame) -> pd.DataFrame:
        """Score, band, PD, grade and the five sub-scores of every row of ``X`` (raw features)."""
        score = self.card.score(X)
        pd_ = self.default_probability(score)
        out = pd.DataFrame(
            {
                "score": score.astype(np.int64),
                "band": score_band(score),
                "pd": pd_,
                "grade": self.scale.assign(pd_),
            },
            index=X.index,
        )
        subs = self.card.subscores(X)
        for col in subs.columns:
            out[f"sub_{col}"] = subs[col].to_numpy()
        return out

    def to_document(self) -> dict[str, Any]:
        meta = dict(self.metadata)
        meta["calibration"] = {"intercept": self.intercept, "slope": self.slope}
        meta["master_scale"] = [
            {"name": g.name, "pd_lower": g.pd_lower, "pd_upper": g.pd_upper, "pd_central": g.pd_central}
            for g in self.scale.grades
        ]
        return to_artifact(self.card, meta)

    @classmethod
    def create(cls, card: CardModel, intercept: float, slope: float, scale: MasterScale,
               metadata: dict[str, Any]) -> ModelBundle:
        probe = cls(card, intercept, slope, scale, metadata, "")
        return cls(card, intercept, slope, scale, metadata, str(probe.to_document()["content_sha256"]))

    @classmethod
    def from_document(cls, doc: dict[str, Any], source: str = "<bundle>") -> ModelBundle:
        card = from_artifact(doc, source)  # verifies format and content hash
        meta = dict(doc["metadata"])
        cal = meta.pop("calibration")
        grades = tuple(
            Grade(g["name"], g["pd_lower"], g["pd_upper"], g["pd_central"]) for g in meta.pop("master_scale")
        )
        return cls(card, float(cal["intercept"]), float(cal["slope"]), MasterScale(grades), meta,
                   str(doc["content_sha256"]))

    def save(self, home: DataHome, report: ValidationReport | None = None) -> Path:
        """Write ``models/<id12>/model.json`` (and its ``report/``), then make it the current model.

        Order is what makes a kill harmless: a new model's folder appears whole (model and report
        filled under a temporary name, then renamed); an existing one (the same content hash) gets
        the same ``model.json`` again and its report replaced whole; ``current.json``, the pointer,
        is replaced last. A kill at any point leaves the previous current model in force.
        """
        models = home.subdir("models")
        folder = models / self.model_id[:12]
        path = folder / "model.json"
        text = json.dumps(self.to_document(), ensure_ascii=False, indent=1)
        if folder.exists():
            write_text(path, text)
            if report is not None:
                report.write(folder / "report")
        else:
            with atomic_dir(folder) as tmp:
                write_text(tmp / "model.json", text)
                if report is not None:
                    report.write(tmp / "report")
        write_json(models / CURRENT, {"model_id": self.model_id, "path": str(path.relative_to(home.root))},
                   indent=None)
        return path


def load_bundle(path: Path | str) -> ModelBundle:
    p = Path(path)
    return ModelBundle.from_document(json.loads(p.read_text(encoding="utf-8")), str(p))


def current_model(home: DataHome, model_id: str | None = None) -> ModelBundle:
    """The current model of the home, or the one whose id starts with ``model_id``."""
    models = home.root / "models"
    if model_id:
        hits = sorted(models.glob(f"{model_id[:12]}*/model.json"))
        if not hits:
            raise FileNotFoundError(f"no model {model_id} under {models}")
        return load_bundle(hits[0])
    pointer = models / CURRENT
    if not pointer.exists():
        raise FileNotFoundError(f"no trained model in {home.root} (run: firmscore train --as-of DATE)")
    return load_bundle(home.root / json.loads(pointer.read_text(encoding="utf-8"))["path"])
