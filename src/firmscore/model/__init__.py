"""Scorecard engine: optimal binning, selection, scorecards (trained and expert), reasons,
JSON artifacts and SQL export.

Calibration, grades, validation metrics and the challenger live in sibling modules
(``metrics``, ``calibration``, ``stability``, ``report``, ``challenger``) and are imported from
there directly.
"""

from firmscore.model.artifact import load_artifact, save_artifact, to_artifact
from firmscore.model.binning import BinningProcess, BinRule, FittedBinning, OptimalBinning
from firmscore.model.card import DIMENSIONS, CardFeature, CardModel
from firmscore.model.expert import ExpertScorecard, load_expert_card
from firmscore.model.logistic import SignConstrainedLogisticRegression
from firmscore.model.scaling import Scaling
from firmscore.model.scorecard import Scorecard
from firmscore.model.selection import CorrelationSelector, IVSelector, StepwiseSelector, VIFSelector
from firmscore.model.sql_export import score_expression, score_query

__all__ = [
    "DIMENSIONS",
    "BinRule",
    "BinningProcess",
    "CardFeature",
    "CardModel",
    "CorrelationSelector",
    "ExpertScorecard",
    "FittedBinning",
    "IVSelector",
    "OptimalBinning",
    "Scaling",
    "Scorecard",
    "SignConstrainedLogisticRegression",
    "StepwiseSelector",
    "VIFSelector",
    "load_artifact",
    "load_expert_card",
    "save_artifact",
    "score_expression",
    "score_query",
    "to_artifact",
]
