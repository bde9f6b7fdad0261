"""cumcm2020c as a modelling table: features from the raw invoices (ingestion → feature catalog).

The 123 rated firms carry the bank's grade and a default flag (``credit_history_enterprise_information.csv``);
the 302 others carry neither. The mapping dates grade and default at the end of the invoice period
(2020-02-29), the date the firms' records are first observed, so features are computed on that day
and **every feature that reads a default or credit-grade event is dropped** (the bank's own grade is
almost the label), as are the graph features (their contagion reads the neighbours' defaults, which
are other firms' labels). What is left is what the invoices say: turnover, growth, voided and
negative invoices, counterparties.

Firm names carry a hint of the trade (``***建筑劳务有限公司``, ``个体经营E124``): :func:`industry_from_name`
maps them to a coarse industry, the only industry information the dataset has (used by the
pandemic scenario of question 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from firmscore.features.catalog import FEATURES, GRAPH_FEATURES
from firmscore.scoring.data import feature_frame
from firmscore.store.home import DataHome

AS_OF = dt.date(2020, 2, 29)
LEAKING_EVENTS = frozenset({"default", "credit_grade"})
PREFIX = "cumcm:"

#: Keyword → coarse industry, first match wins (order matters: 建筑劳务 is construction, not services).
INDUSTRY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("individual", ("个体经营",)),
    ("catering_lodging", ("餐饮", "酒店", "饭店", "餐厅", "宾馆", "食府")),
    ("tourism_culture", ("旅游", "旅行", "文化", "传媒", "影视", "娱乐", "体育", "广告", "艺术")),
    ("transport_logistics", ("物流", "运输", "运业", "快递", "货运", "客运", "航空")),
    ("medical", ("医药", "医疗", "药业", "药房", "生物", "卫生", "健康")),
    ("construction", ("建筑", "建设", "工程", "装饰", "装修", "劳务", "路桥", "钢结构", "房地产", "置业")),
    ("it_services", ("信息", "网络", "软件", "科技", "技术", "数据", "通信")),
    ("retail_trade", ("商贸", "贸易", "销售", "商店", "超市", "百货", "商行", "经营部", "工贸", "运贸")),
    ("manufacturing", ("制造", "机械", "电子", "材料", "设备", "电器", "食品", "制品", "化工", "纺织", "印刷",
                       "实业", "塑料", "木业", "家具", "五金", "汽车")),
)


def industry_from_name(name: str) -> str:
    for industry, words in INDUSTRY_KEYWORDS:
        if any(w in name for w in words):
            return industry
    return "other"


def usable_features() -> list[str]:
    """Catalog features that read no default or credit-grade event and are not graph features."""
    graph = {f.id for f in GRAPH_FEATURES}
    return [f.id for f in FEATURES if f.id not in graph and not (set(f.event_types) & LEAKING_EVENTS)]


@dataclass(frozen=True, kw_only=True)
class CumcmTable:
    """Features of all 425 firms; bank grade, default flag and name-derived industry where known."""

    X: pd.DataFrame
    firms: pd.DataFrame  # index enterprise id: name, industry, rated, bank_grade, default

    @property
    def rated(self) -> pd.Index:
        return self.firms.index[self.firms["rated"]]

    @property
    def unrated(self) -> pd.Index:
        return self.firms.index[~self.firms["rated"]]

    def y(self) -> np.ndarray:
        return self.firms.loc[self.rated, "default"].to_numpy(dtype=np.int64)


def read_firm_lists(folder: Path) -> pd.DataFrame:
    """The two firm lists of the dataset: id, name, rated, bank grade, default (是/否 → 1/0)."""
    rated = pd.read_csv(folder / "credit_history_enterprise_information.csv", dtype=str, encoding="utf-8-sig")
    other = pd.read_csv(folder / "no_credit_history_enterprise_information.csv", dtype=str, encoding="utf-8-sig")
    rated = rated.rename(columns={"企业代号": "code", "企业名称": "name", "信誉评级": "bank_grade", "是否违约": "dflt"})
    other = other.rename(columns={"企业代号": "code", "企业名称": "name"})
    rated["rated"], other["rated"] = True, False
    rated["default"] = (rated["dflt"].str.strip() == "是").astype(int)
    other["bank_grade"], other["default"] = pd.NA, pd.NA
    frame = pd.concat([rated.drop(columns="dflt"), other], ignore_index=True)
    frame["code"] = frame["code"].str.strip()
    frame["name"] = frame["name"].fillna("").str.strip()
    frame["industry"] = frame["name"].map(industry_from_name)
    return frame


def load_cumcm(home: DataHome, folder: Path, as_of: dt.date = AS_OF) -> CumcmTable:
    """Join the home's feature matrix of ``as_of`` with the firm lists (ids ``cumcm:E1`` … by code)."""
    X, _ = feature_frame(home, as_of)
    keep = [c for c in usable_features() if c in X.columns]
    X = X[keep]
    X = X.loc[:, X.nunique(dropna=False) > 1]
    firms = read_firm_lists(folder)
    codes = pd.Series(X.index.astype(str), index=X.index).str.removeprefix(PREFIX)
    by_code = firms.set_index("code")
    missing = set(by_code.index) - set(codes)
    if missing:
        raise ValueError(f"{len(missing)} firms of the dataset have no feature row as of {as_of}: "
                         f"{sorted(missing)[:5]} (run: firmscore features --as-of {as_of})")
    info = by_code.reindex(pd.Index(codes.to_numpy())).set_axis(X.index)
    info.index.name = "enterprise_id"
    return CumcmTable(X=X, firms=info)
