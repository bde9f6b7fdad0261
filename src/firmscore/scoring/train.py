"""``train_model``: fit the scorecard (and its LightGBM challenger) on a date's features and labels.

Development and test samples are a stratified split of the firms labelled for ``as_of``; when an
out-of-time date is given (features and labels of a later date), it is validated there too. The
scorecard's score is calibrated to a 12-month PD (optionally re-centred on a long-run default
rate), graded on the master scale, and written with its report as one hashed model bundle.

Firms whose outcome is unknown (:mod:`firmscore.features.labels`) are in no sample; how many there
were is in the bundle's metadata, the report's model card and the result. What is wrong with the
model (too few features, coarse scores, constant features: :mod:`firmscore.scoring.diagnostics`) is
in the same three places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from firmscore.features import catalog_version
from firmscore.features.labels import OutcomeCounts
from firmscore.i18n import both
from firmscore.model import Scorecard
from firmscore.model.calibration import LogisticCalibrator
from firmscore.model.challenger import LGBMChallenger
from firmscore.model.grades import MasterScale
from firmscore.model.metrics import roc_auc
from firmscore.model.report import ModelCard, PeriodData, ValidationReport, build_comparison_report
from firmscore.scoring.bundle import ModelBundle, current_model
from firmscore.scoring.data import ModellingTable, feature_metadata, modelling_table
from firmscore.scoring.diagnostics import TrainingWarning, training_warnings
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

Progress = Callable[[str], None]


@dataclass
class TrainResult:
    """What training produced: the bundle, where it and its report are, and headline figures."""

    bundle: ModelBundle
    model_path: Path
    report_dir: Path
    report: ValidationReport
    metrics: dict[str, Any]
    warnings: list[TrainingWarning]
    outcomes: OutcomeCounts


def _data_text(home: DataHome, as_of: dt.date, horizon: str, samples: dict[str, ModellingTable]) -> str:
    """The model card's data line: where the samples come from and how many unknown outcomes were left out."""
    zh, en = [], []
    for label, sample in samples.items():
        o = sample.outcomes
        zh.append(f"{label}: 违约 {o.defaults:,}, 未违约 {o.no_defaults:,}, 结果未知(已排除) {o.unknown:,}")
        en.append(f"{label}: default {o.defaults:,}, no default {o.no_defaults:,}, unknown outcome (excluded) "
                  f"{o.unknown:,}")
    return (f"firmscore 数据目录 {home.root}, 特征日 {as_of}, 观察期 {horizon}; " + "; ".join(zh)
            + f" / firmscore data home {home.root}, features as of {as_of}, outcomes over {horizon}; " + "; ".join(en))


def _check_classes(sample: ModellingTable, as_of: dt.date, horizon: str) -> None:
    if sample.y.nunique() < 2:
        o = sample.outcomes
        zh, en = both("train.single_class", as_of=as_of, horizon=horizon, defaults=o.defaults,
                      no_defaults=o.no_defaults, unknown=o.unknown)
        raise ValueError(f"{en} / {zh}")


def _dimensions(meta: dict[str, dict[str, Any]], columns: list[str]) -> dict[str, str]:
    return {c: meta[c]["dimension"] for c in columns if c in meta}


@holds_writer_lock("train")
def train_model(
    home: DataHome,
    as_of: dt.date,
    horizon: str = "12m",
    *,
    oot_as_of: dt.date | None = None,
    test_size: float = 0.3,
    seed: int = 7,
    long_run_default_rate: float | None = None,
    challenger: bool = True,
    monotone_challenger: bool = False,
    n_bootstrap: int = 200,
    progress: Progress | None = None,
) -> TrainResult:
    """Fit, calibrate, validate and save the model of ``as_of``; it becomes the home's current model.

    The challenger (``challenger``) is unconstrained LightGBM: it shows how much discrimination the card
    leaves behind, so it must be the strongest model, not one held to the card's rules. With
    ``monotone_challenger`` a second one is fitted under the catalog's risk directions, and the AUC the
    constraints cost (unconstrained − monotone, test sample) is in the metrics and the report's notes.
    """
    say = progress or (lambda _msg: None)
    meta = feature_metadata()
    sample = modelling_table(home, as_of, horizon)
    _check_classes(sample, as_of, horizon)
    X, y = sample.X, sample.y
    samples = {f"{as_of}": sample}
    X_dev, X_test, y_dev, y_test = train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
    say(f"scorecard on {len(X_dev):,} firms ({int(y_dev.sum()):,} defaults) / 评分卡训练")
    card = Scorecard(dimensions=_dimensions(meta, list(X.columns)), name=f"firmscore-sme-{as_of.isoformat()}")
    card.fit(X_dev, y_dev.to_numpy())
    dev_score = card.points(X_dev)
    calibrator = LogisticCalibrator(long_run_default_rate=long_run_default_rate).fit(dev_score, y_dev.to_numpy())
    scale = MasterScale.geometric()
    used = card.card_.feature_names
    warnings = training_warnings(X=X, features_used=used, scores=dev_score)
    oot_sample = modelling_table(home, oot_as_of, horizon) if oot_as_of is not None else None
    if oot_sample is not None:
        samples[f"{oot_as_of}"] = oot_sample
    bundle = ModelBundle.create(
        card.card_, float(calibrator.intercept_), float(calibrator.slope_), scale,
        {
            "trained_as_of": as_of.isoformat(),
            "horizon": horizon,
            "feature_catalog_version": catalog_version(),
            "n_development": len(X_dev),
            "n_test": len(X_test),
            "development_default_rate": float(y_dev.mean()),
            "long_run_default_rate": long_run_default_rate,
            "features_used": used,
            "seed": seed,
            "unknown_outcomes_excluded": sample.unknown,
            "warnings": [w.key for w in warnings],
        },
    )
    periods: dict[str, tuple[PeriodData, PeriodData | None]] = {}

    def period(label: str, Xp: pd.DataFrame, yp: pd.Series) -> PeriodData:
        s = bundle.card.score(Xp)
        return PeriodData(label, yp.to_numpy(), bundle.default_probability(s), score=s, features=Xp[used])

    test_period = period("测试 / test", X_test, y_test)
    oot_period = None
    if oot_sample is not None:
        X_oot, y_oot = oot_sample.X, oot_sample.y
        oot_period = period(f"跨期 / out-of-time {oot_as_of}", X_oot, y_oot)
    periods["scorecard"] = (test_period, oot_period)
    reference: dict[str, PeriodData] = {"scorecard": period("开发 / development", X_dev, y_dev)}
    metrics: dict[str, Any] = {"scorecard_test_auc": roc_auc(y_test.to_numpy(), -test_period.ranking)}
    notes: list[str] = []
    if challenger:
        say("LightGBM challenger / 挑战者模型")
        directions = {c: meta[c]["direction"] for c in X.columns if c in meta and meta[c]["direction"] != 0}
        names = {c: (meta[c]["name_zh"], meta[c]["name_en"]) for c in X.columns if c in meta}
        variants: dict[str, Mapping[str, int] | None] = {"lightgbm": None}
        if monotone_challenger:
            variants["lightgbm (monotone)"] = directions
        for label, monotone in variants.items():
            gbm = LGBMChallenger(monotone=monotone, feature_names=names, random_state=seed)
            gbm.fit(X_dev, y_dev.to_numpy())
            ch_test = PeriodData("测试 / test", y_test.to_numpy(), gbm.predict_pd(X_test), features=X_test[used])
            ch_oot = None
            if oot_sample is not None:
                ch_oot = PeriodData(f"跨期 / out-of-time {oot_as_of}", y_oot.to_numpy(), gbm.predict_pd(X_oot),
                                    features=X_oot[used])
            periods[label] = (ch_test, ch_oot)
            reference[label] = PeriodData("开发 / development", y_dev.to_numpy(), gbm.predict_pd(X_dev),
                                          features=X_dev[used])
            key = "lightgbm_monotone_test_auc" if monotone is not None else "lightgbm_test_auc"
            metrics[key] = roc_auc(y_test.to_numpy(), ch_test.ranking)
        if monotone_challenger:
            cost = metrics["lightgbm_test_auc"] - metrics["lightgbm_monotone_test_auc"]
            metrics["monotone_auc_cost"] = cost
            zh, en = both("train.monotone_cost", cost=cost, free=metrics["lightgbm_test_auc"],
                          monotone=metrics["lightgbm_monotone_test_auc"], n=len(directions))
            notes.append(f"{zh} / {en}")
    say("validation report / 验证报告")
    report = build_comparison_report(
        periods,
        reference=reference,
        model_card=ModelCard(
            name=bundle.card.name, version=bundle.model_id[:12],
            data=_data_text(home, as_of, horizon, samples),
            warnings=[w.bilingual() for w in warnings],
            notes=notes,
        ),
        master_scale=scale,
        n_bootstrap=n_bootstrap,
        seed=seed,
    )
    model_path = bundle.save(home, report)
    report_dir = model_path.parent / "report"
    metrics.update(model_id=bundle.model_id, features_used=len(used), unknown_outcomes_excluded=sample.unknown)
    return TrainResult(bundle, model_path, report_dir, report, metrics, warnings, sample.outcomes)


@holds_writer_lock("validate")
def validate_model(
    home: DataHome,
    as_of: dt.date,
    horizon: str = "12m",
    *,
    model_id: str | None = None,
    n_bootstrap: int = 200,
    seed: int = 7,
) -> tuple[ValidationReport, Path]:
    """Re-validate a trained model on the outcomes of a later date (out of time), against its development date."""
    bundle = current_model(home, model_id)
    used = bundle.card.feature_names
    trained = dt.date.fromisoformat(str(bundle.metadata["trained_as_of"]))

    samples: dict[str, ModellingTable] = {}

    def period(label: str, on: dt.date) -> PeriodData:
        sample = samples[f"{on}"] = modelling_table(home, on, horizon)
        X, y = sample.X, sample.y
        s = bundle.card.score(X)
        return PeriodData(label, y.to_numpy(), bundle.default_probability(s), score=s, features=X[used])

    dev = period(f"开发 / development {trained}", trained)
    new = period(f"跨期 / out-of-time {as_of}", as_of)
    notes = []
    for on, sample in samples.items():
        zh, en = both("validate.unknown_excluded", n=f"{sample.unknown:,}", as_of=on)
        notes.append(f"{zh} / {en}")
    card = ModelCard(name=bundle.card.name, version=bundle.model_id[:12],
                     data=_data_text(home, trained, horizon, samples), notes=notes)
    report = build_comparison_report(
        {bundle.card.name: (dev, new)}, model_card=card,
        master_scale=bundle.scale, n_bootstrap=n_bootstrap, seed=seed,
    )
    out = home.subdir("models") / bundle.model_id[:12] / f"validation-{as_of.isoformat()}"
    report.write(str(out))
    return report, out
