"""Scoring jobs over a data home: train, score, re-validate, and verify a score with its receipt.

These are the calls the CLI (and later the HTTP service and the console) are thin faces over::

    train_model(home, as_of)            -> TrainResult   (model bundle + validation report)
    score_enterprises(home, as_of)      -> ScoreResult   (scores with reasons, evidence, receipts)
    validate_model(home, as_of)         -> ValidationReport on newer outcomes
    verify_score(home, enterprise_id)   -> ScoreVerification (proofs re-checked, score recomputed)
"""

from firmscore.scoring.bundle import ModelBundle, current_model, load_bundle
from firmscore.scoring.score import ScoreResult, read_scores, score_enterprises
from firmscore.scoring.train import TrainResult, train_model, validate_model
from firmscore.scoring.verify import ScoreVerification, verify_score

__all__ = [
    "ModelBundle",
    "ScoreResult",
    "ScoreVerification",
    "TrainResult",
    "current_model",
    "load_bundle",
    "read_scores",
    "score_enterprises",
    "train_model",
    "validate_model",
    "verify_score",
]
