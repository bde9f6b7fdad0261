"""Fraud and shell-company detection: one detector per typology, evidence an analyst can check, a
review queue and thresholds re-tuned from the analysts' verdicts.

Detectors read only the point-in-time inputs of one as-of date (:mod:`.inputs`) and the graph's
circle finder; they never import the synthetic generator or its truth (a test holds them to it).
"""

from firmscore.fraud.detect import DETECTORS, detect_all
from firmscore.fraud.inputs import FraudInputs, load_inputs
from firmscore.fraud.types import Typology, TypologyResult

__all__ = ["DETECTORS", "FraudInputs", "Typology", "TypologyResult", "detect_all", "load_inputs"]
