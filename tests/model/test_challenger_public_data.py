"""Readers of the public benchmark datasets (Polish ARFF, Slovak CSV dialects) and a challenger fit on them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from firmscore.datasets import PublicDataError, load_polish, load_slovak, read_arff
from firmscore.model.challenger import LGBMChallenger

ARFF = """% comment
@relation 'test'
@attribute Attr1 numeric
@attribute 'Attr 2' real
@attribute class {0,1}

@data
0.5,1.25,0
?,2,1
0.1,oops,0
0.2,3
-1e-3,4,1
"""


def test_arff_reader_parses_missing_and_reports_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.arff"
    path.write_text(ARFF, encoding="utf-8")
    frame, problems = read_arff(path)
    assert list(frame.columns) == ["Attr1", "Attr 2", "class"]
    assert len(frame) == 3
    assert np.isnan(frame["Attr1"].iloc[1])
    assert frame["Attr1"].iloc[2] == pytest.approx(-1e-3)
    assert len(problems) == 2
    assert f"{path}:10: field 'Attr 2': not a number: 'oops'" in problems
    assert f"{path}:11: expected 3 fields, found 2" in problems
    with pytest.raises(PublicDataError, match=r"t\.arff:10"):
        read_arff(path, strict=True)
    data = load_polish(path)
    assert list(data.y) == [0, 1, 1]


def test_slovak_reader_handles_both_dialects(tmp_path: Path) -> None:
    (tmp_path / "bankrupt_retail_13_year_10_11_12.csv").write_text(
        '"";"V1";"V2"\n"1";1,5;NA\n"2";-2,25;3\n', encoding="utf-8"
    )
    (tmp_path / "nonbankrupt_retail_13_year_10_11_12.csv").write_text(
        '"V1","V2"\n0.5,1\nNA,2.5\nbad,1\n', encoding="utf-8"
    )
    (tmp_path / "README.csv").write_text("x\n1\n", encoding="utf-8")
    data = load_slovak(tmp_path)
    assert list(data.X.columns) == ["V1", "V2"]
    assert data.X["V1"].iloc[:2].tolist() == [1.5, -2.25]
    assert np.isnan(data.X["V2"].iloc[0])
    assert list(data.y) == [1, 1, 0, 0]
    assert set(data.groups["year"]) == {2013} and set(data.groups["sector"]) == {"retail"}
    assert any("not a number: 'bad'" in p and ":4:" in p for p in data.problems)
    assert any("README.csv" in p for p in data.problems)


@pytest.mark.shared_data
def test_real_public_data_and_challenger(datasets_dir: Path) -> None:
    polish = load_polish(datasets_dir / "polish" / "1year.arff")
    assert polish.X.shape == (7027, 64) and int(polish.y.sum()) == 271 and not polish.problems
    slovak = load_slovak(datasets_dir / "slovak")
    assert slovak.X.shape[1] == 63 and 0.01 < slovak.default_rate < 0.05
    assert set(slovak.groups["sector"]) == {"agriculture", "construction", "manufacture", "retail"}
    # A quick holdout fit: the challenger must separate bankrupt firms far better than chance.
    rng = np.random.default_rng(0)
    test = rng.random(len(polish.y)) < 0.3
    model = LGBMChallenger(n_estimators=60).fit(polish.X[~test], polish.y[~test])
    assert roc_auc_score(polish.y[test], model.predict_pd(polish.X[test])) > 0.8
