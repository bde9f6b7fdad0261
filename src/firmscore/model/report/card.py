"""The model card: what a model is for, what it was built on, where it must not be used.

Model cards (Mitchell et al., *Model Cards for Model Reporting*, 2019) put the facts a user of a
score needs next to its performance figures, so that a credit officer reading a grade also reads
the limits. Performance is filled in from the validation itself, never typed by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class ModelCard:
    """Descriptive facts of a model; each text may be bilingual (``中文 / English``).

    Parameters
    ----------
    name, version : str
        Model identity, as in its artifact.
    purpose : str
        The decision the model supports.
    data : str
        Samples, observation windows, default definition, sources.
    limits : str
        Known weaknesses and populations where the model is not validated.
    intended_use : str
        Who may use it, for what, and what it must not be used for.
    owners : sequence of str
        Accountable people or teams.
    warnings : sequence of str
        What the builder of the model found wrong with it (too few features, coarse scores, constant
        features …), shown at the top of the report so that no reader of the figures misses them.
    notes : sequence of str
        Measured facts worth a sentence next to the card (e.g. the AUC cost of monotone constraints).
    """

    name: str = "firmscore"
    version: str = "0"
    purpose: str = (
        "评估中国小微企业未来 12 个月违约概率，用于授信准入、额度与定价 / "
        "Estimate the 12-month probability of default of Chinese small and micro enterprises for "
        "credit approval, limits and pricing"
    )
    data: str = "未说明 / not stated"
    limits: str = (
        "仅对与开发样本相似的企业有效；无个人征信授权时法定代表人维度信息不足；"
        "违约定义或经济周期变化时需重新校准 / "
        "Valid only for enterprises similar to the development sample; the legal-representative "
        "dimension is thin without personal-credit authorization; recalibrate when the default "
        "definition or the economic cycle changes"
    )
    intended_use: str = (
        "作为授信决策的辅助依据，须结合人工审核；不得作为唯一拒贷理由 / "
        "Decision support for credit officers together with manual review; not the sole ground "
        "for declining credit"
    )
    owners: Sequence[str] = field(default_factory=lambda: ["未指定 / unassigned"])
    warnings: Sequence[str] = ()
    notes: Sequence[str] = ()
