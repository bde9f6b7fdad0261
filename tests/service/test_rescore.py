"""Per-firm rescoring equals the batch ``score`` row bit for bit, and its consent variant equals the service's."""

from __future__ import annotations

import json

import pytest

from firmscore.scoring import read_scores
from firmscore.scoring.rescore import SUBSCORES, rescore_firm, same_bits
from firmscore.service.scorebook import ScoreBook
from firmscore.store import DataHome

from .conftest import AS_OF

pytestmark = pytest.mark.xdist_group("service")


def sample(book: ScoreBook) -> list[str]:
    ids = sorted(book.position)
    personal = sorted(book.na_rows)
    return [*ids[:: max(1, len(ids) // 4)][:4], personal[0]]


def test_per_firm_rescoring_equals_the_batch_row(scored_home: DataHome, score_book: ScoreBook) -> None:
    scores, _ = read_scores(scored_home, AS_OF)
    for eid in sample(score_book):
        got = rescore_firm(scored_home, eid, AS_OF)
        batch = scores.loc[eid]
        for col in ("score", "band", "pd", "grade", *SUBSCORES, "model_id"):
            assert same_bits(got.row[col], batch[col]), (eid, col, got.row[col], batch[col])
        assert json.loads(got.row["reasons"]) == json.loads(batch["reasons"]), eid
        assert got.row["evidence_leaves"] == [int(x) for x in batch["evidence_leaves"]], eid


def test_withholding_personal_credit_equals_the_service_variant(scored_home: DataHome,
                                                                score_book: ScoreBook) -> None:
    eid = sorted(score_book.na_rows)[1]
    got = rescore_firm(scored_home, eid, AS_OF, withhold=score_book.personal_features)
    variant, name = score_book.row(eid, authorized=False)
    assert name == "not_authorized"
    for col in ("score", "band", "pd", "grade", *SUBSCORES):
        assert same_bits(got.row[col], variant[col]), col
    assert json.loads(got.row["reasons"]) == variant["reasons"]
    assert got.row["evidence_leaves"] == variant["evidence_leaves"]
    assert all(got.features[f] == -999_001.0 for f in score_book.personal_features)
