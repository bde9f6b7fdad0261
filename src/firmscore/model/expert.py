"""Expert scorecards: bins and points declared in YAML by risk experts, for a platform with no
default history yet.

The YAML becomes the same :class:`~firmscore.model.card.CardModel` a trained card is, so scores,
sub-scores, reasons, the points table, the JSON artifact and the SQL export come from the same
code. When outcomes exist, a trained :class:`~firmscore.model.scorecard.Scorecard` replaces it
and nothing downstream changes.

Format (see ``expert_cards/sme_expert_v1.yaml``)::

    name: sme-expert-v1
    base_points: 1200            # constant added to every enterprise
    scaling: {pdo: 50, base_score: 1500, base_odds: 50}   # optional, informational
    features:
      - feature: basic_age_years
        dimension: basic
        kind: numerical          # default
        bins:                    # right-closed: value <= upper; the last bin has no upper
          - {upper: 1, points: 0}
          - {upper: 3, points: 40}
          - {points: 80}
        special_points: {-999001: 10}   # optional; data-contract codes default to missing_points
        missing_points: 20
      - feature: industry
        kind: categorical
        bins:
          - {categories: [retail, wholesale], points: 30}
          - {categories: [construction], points: 10}
        missing_points: 15       # also used for categories not listed

Every error names the file and the feature (and bin) at fault.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import yaml
from sklearn.base import BaseEstimator

from firmscore.datamodel.specials import SPECIAL_CODES
from firmscore.model.binning.rules import BinRule
from firmscore.model.card import DIMENSIONS, CardFeature, CardModel
from firmscore.model.scaling import Scaling
from firmscore.model.scorecard import CardOutputsMixin

EXPERT_CARDS_DIR = Path(__file__).parent / "expert_cards"


class ExpertCardError(ValueError):
    """An expert card YAML that cannot be used; the message names file, feature and field."""


def _err(source: str, where: str, msg: str) -> ExpertCardError:
    return ExpertCardError(f"{source}: {where}: {msg}")


def _int_points(v: Any, source: str, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int | float) or float(v) != int(v):
        raise _err(source, where, f"points must be an integer, got {v!r}")
    return int(v)


def _feature(spec: Mapping[str, Any], source: str, pos: int) -> CardFeature:
    if not isinstance(spec, Mapping) or "feature" not in spec:
        raise _err(source, f"features[{pos}]", "each entry needs a 'feature' name")
    name = str(spec["feature"])
    where = f"feature {name!r}"
    kind = spec.get("kind", "numerical")
    if kind not in ("numerical", "categorical"):
        raise _err(source, where, f"kind must be numerical or categorical, got {kind!r}")
    dim = spec.get("dimension")
    if dim is not None and dim not in DIMENSIONS:
        raise _err(source, where, f"unknown dimension {dim!r}; use one of {DIMENSIONS}")
    bins = spec.get("bins")
    if not isinstance(bins, list) or not bins:
        raise _err(source, where, "'bins' must be a non-empty list")
    if "missing_points" not in spec:
        raise _err(source, where, "'missing_points' is required (points for missing or unknown values)")
    missing_points = _int_points(spec["missing_points"], source, f"{where} missing_points")
    points: list[int] = []
    splits: list[float] = []
    groups: list[tuple[str, ...]] = []
    for i, b in enumerate(bins):
        bw = f"{where} bins[{i}]"
        if not isinstance(b, Mapping) or "points" not in b:
            raise _err(source, bw, "each bin needs 'points'")
        points.append(_int_points(b["points"], source, bw))
        if kind == "numerical":
            last = i == len(bins) - 1
            if last:
                if b.get("upper") is not None:
                    raise _err(source, bw, "the last bin is open-ended: leave out 'upper'")
            else:
                if "upper" not in b or b["upper"] is None:
                    raise _err(source, bw, "every bin but the last needs an 'upper' bound")
                try:
                    splits.append(float(b["upper"]))
                except (TypeError, ValueError) as exc:
                    raise _err(source, bw, f"'upper' must be a number, got {b['upper']!r}") from exc
        else:
            cats = b.get("categories")
            if not isinstance(cats, list) or not cats:
                raise _err(source, bw, "'categories' must be a non-empty list")
            groups.append(tuple(str(c) for c in cats))
    if kind == "numerical" and any(b <= a for a, b in itertools.pairwise(splits)):
        raise _err(source, where, f"'upper' bounds must increase strictly, got {splits}")
    declared = spec.get("special_points") or {}
    if not isinstance(declared, Mapping):
        raise _err(source, where, "'special_points' must map special code → points")
    if kind == "numerical":
        codes: list[Any] = list(SPECIAL_CODES)
        for c in declared:
            try:
                fc = float(c)
            except (TypeError, ValueError) as exc:
                raise _err(source, where, f"special code {c!r} is not a number") from exc
            if fc not in codes:
                codes.append(fc)
        lookup: dict[Any, Any] = {float(c): v for c, v in declared.items()}
    else:
        codes = [str(c) for c in declared]
        lookup = {str(c): v for c, v in declared.items()}
    special_pts = [
        _int_points(lookup[c], source, f"{where} special_points[{c!r}]") if c in lookup else missing_points
        for c in codes
    ]
    try:
        rule = BinRule(name, kind, tuple(splits), tuple(groups), tuple(codes))
        rule.lookup_edges() if kind == "numerical" else rule.category_index()
        return CardFeature(rule=rule, points=(*points, *special_pts, missing_points), dimension=dim)
    except ValueError as exc:
        raise _err(source, where, str(exc)) from exc


def expert_card_from_dict(doc: Mapping[str, Any], source: str = "<expert card>") -> CardModel:
    """Build a :class:`CardModel` from a parsed expert-card document."""
    if not isinstance(doc, Mapping):
        raise _err(source, "top level", "expected a mapping with 'name', 'base_points' and 'features'")
    for key in ("name", "base_points", "features"):
        if key not in doc:
            raise _err(source, "top level", f"missing {key!r}")
    feats = doc["features"]
    if not isinstance(feats, list) or not feats:
        raise _err(source, "features", "must be a non-empty list")
    scaling = Scaling(**doc["scaling"]) if doc.get("scaling") else Scaling()
    features = tuple(_feature(f, source, i) for i, f in enumerate(feats))
    names = [f.name for f in features]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise _err(source, "features", f"listed twice: {dup}")
    return CardModel(
        features=features,
        base_points=_int_points(doc["base_points"], source, "base_points"),
        scaling=scaling,
        intercept=None,
        kind="expert",
        name=str(doc["name"]),
    )


def load_expert_card(path: str | Path) -> CardModel:
    """Read and validate an expert-card YAML file."""
    p = Path(path)
    if not p.is_file():
        raise ExpertCardError(f"{p}: expert card file not found")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ExpertCardError(f"{p}: not valid YAML: {exc}") from exc
    return expert_card_from_dict(doc, source=str(p))


class ExpertScorecard(CardOutputsMixin, BaseEstimator):
    """Scikit-learn face of an expert card: ``fit`` only loads the YAML (no outcomes needed).

    Parameters
    ----------
    card_path : str or Path
        Expert-card YAML; default the bundled ``expert_cards/sme_expert_v1.yaml``.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {"card_path": [str, Path, None]}

    def __init__(self, card_path: str | Path | None = None) -> None:
        self.card_path = card_path

    def fit(self, X: Any = None, y: Any = None) -> ExpertScorecard:
        self._validate_params()
        self.card_ = load_expert_card(self.card_path or EXPERT_CARDS_DIR / "sme_expert_v1.yaml")
        return self
