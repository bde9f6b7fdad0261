"""JSON artifacts: content-hashed, no pickle, reload scores identically, tampering is caught."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_scorecard import DIMS, make_frame

from firmscore.model import Scorecard
from firmscore.model.artifact import ArtifactError, content_hash, load_artifact, save_artifact, to_artifact
from firmscore.model.expert import EXPERT_CARDS_DIR, load_expert_card
from firmscore.model.reasons import principal_reasons


@pytest.fixture(scope="module")
def trained():
    X, y = make_frame(5000, seed=11)
    return Scorecard(dimensions=DIMS).fit(X, y), X


def test_round_trip_gives_identical_scores_and_explanations(trained, tmp_path: Path) -> None:
    sc, X = trained
    path = tmp_path / "model.json"
    digest = save_artifact(sc.card_, path, metadata={"version": "2026.11.1", "as_of": "2026-10-31"})
    text = path.read_text(encoding="utf-8")
    assert "pickle" not in text and json.loads(text)["content_sha256"] == digest
    card = load_artifact(path)
    assert card == sc.card_
    assert np.array_equal(card.score(X), sc.points(X))
    assert card.points(X).equals(sc.card_.points(X))
    assert card.subscores(X).equals(sc.subscores(X))
    assert principal_reasons(card, X.head(20)).equals(sc.reasons(X.head(20)))
    # the stored WOE is the WOE the regression used
    for f, g in zip(card.features, sc.card_.features, strict=True):
        assert f.binning is not None
        assert np.array_equal(f.binning.woe, sc.binning_process_.binnings_[g.name].woe)


def test_hash_is_canonical_and_detects_tampering(trained, tmp_path: Path) -> None:
    sc, _ = trained
    doc = to_artifact(sc.card_, {"version": "1"})
    reordered = json.loads(json.dumps(doc, sort_keys=True, indent=4))
    assert content_hash(reordered) == doc["content_sha256"]
    tampered = json.loads(json.dumps(doc))
    tampered["model"]["features"][0]["points"][0] += 1
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(tampered), encoding="utf-8")
    with pytest.raises(ArtifactError, match="content hash mismatch"):
        load_artifact(p)
    other = dict(doc, format_version=99)
    p.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(ArtifactError, match="format_version"):
        load_artifact(p)
    with pytest.raises(ArtifactError, match="not found"):
        load_artifact(tmp_path / "missing.json")


def test_expert_cards_are_artifacts_too(tmp_path: Path) -> None:
    card = load_expert_card(EXPERT_CARDS_DIR / "sme_expert_v1.yaml")
    save_artifact(card, tmp_path / "expert.json")
    assert load_artifact(tmp_path / "expert.json") == card
