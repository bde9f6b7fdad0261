"""Outcome labels: did an enterprise alive on D default in (D, D + horizon]?

Features use records known on D; labels use what happened strictly after D. Building both from
the same as-of date and writing the horizon into the path is what keeps training from mixing
the feature window with the outcome window. Only enterprises existing and alive on D are
labelled (a firm already cancelled on D cannot "default" later).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from firmscore.engines import Engine, open_engine
from firmscore.engines.point_in_time import as_of_literal
from firmscore.features.blocks import FAILED_STATUSES
from firmscore.features.compute import install_prelude
from firmscore.store.atomic import atomic_dir, write_json, write_parquet
from firmscore.store.home import DataHome
from firmscore.store.lock import holds_writer_lock

#: trigger name → (SQL predicate on events, 中文, English)
TRIGGERS: dict[str, tuple[str, str, str]] = {
    "dpd90": ("event_type = 'repayment' AND value >= 90", "逾期90天以上", "90+ days past due"),
    "enforcement": ("event_type = 'enforcement'", "被强制执行", "enforcement case"),
    "exit": (
        f"event_type = 'market_exit' OR (event_type = 'status_change' AND code IN {FAILED_STATUSES})",
        "退出市场(吊销/注销)",
        "market exit (revoked or cancelled)",
    ),
    "bankruptcy": ("event_type = 'bankruptcy'", "破产", "bankruptcy"),
    "default": ("event_type = 'default'", "信贷违约", "credit default"),
    "dishonest": ("event_type = 'dishonest_listing'", "列入失信被执行人", "listed as dishonest debtor"),
}

DEFAULT_TRIGGERS: tuple[str, ...] = ("dpd90", "enforcement", "exit", "bankruptcy", "default")

LABEL_SCHEMA = pa.schema(
    [
        pa.field("enterprise_id", pa.string(), nullable=False),
        pa.field("default_flag", pa.int8(), nullable=False),
        pa.field("first_default_date", pa.date32()),
        pa.field("cause", pa.string()),
    ]
)

_HORIZON = re.compile(r"^(\d+)([dmy])$")


def horizon_end(as_of: dt.date, horizon: str) -> dt.date:
    """``as_of`` + ``horizon`` (``"12m"``, ``"1y"``, ``"90d"``); ``ValueError`` on anything else."""
    match = _HORIZON.match(horizon.strip().lower())
    if not match:
        raise ValueError(f"horizon {horizon!r} is not like 12m, 1y or 90d / 观察期格式应为 12m、1y 或 90d")
    n, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return as_of + dt.timedelta(days=n)
    months = n if unit == "m" else 12 * n
    return (pd.Timestamp(as_of) + pd.DateOffset(months=months)).date()


def _alive_sql(as_of: dt.date) -> str:
    d = as_of_literal(as_of)
    return f"""SELECT enterprise_id FROM pit_base
WHERE (status IS NULL OR status IN ('in_business', 'unknown'))
  AND enterprise_id NOT IN (
    SELECT enterprise_id FROM pit_ev
    WHERE event_date <= {d} AND (event_type IN ('market_exit', 'bankruptcy')
       OR (event_type = 'status_change' AND code IN {FAILED_STATUSES})))
ORDER BY enterprise_id"""


def _outcome_sql(as_of: dt.date, end: dt.date, triggers: Sequence[str]) -> str:
    cases = " ".join(f"WHEN {TRIGGERS[t][0]} THEN '{t}'" for t in triggers)
    anyof = " OR ".join(f"({TRIGGERS[t][0]})" for t in triggers)
    return f"""SELECT subject_id AS enterprise_id, event_date, CASE {cases} END AS cause
FROM pit_event
WHERE subject_type = 'enterprise' AND event_date > {as_of_literal(as_of)} AND event_date <= {as_of_literal(end)}
  AND ({anyof})"""


def build_labels(
    source: DataHome | Engine,
    as_of: dt.date,
    horizon: str = "12m",
    triggers: Sequence[str] = DEFAULT_TRIGGERS,
) -> pa.Table:
    """The default outcome table for enterprises alive on ``as_of``.

    Outcome events are read from the point-in-time snapshot at the end of the horizon (what was
    known by then, retractions and legal expiry applied), restricted to ``event_date`` in
    (D, D + horizon]. ``cause`` is the trigger of the first default (ties broken in ``triggers`` order).
    """
    unknown = [t for t in triggers if t not in TRIGGERS]
    if unknown:
        raise ValueError(f"unknown label triggers {unknown}; choose from {sorted(TRIGGERS)}")
    if not triggers:
        raise ValueError("at least one label trigger is needed")
    end = horizon_end(as_of, horizon)
    with open_engine(source) as engine:
        install_prelude(engine, as_of)
        alive = engine.query(_alive_sql(as_of)).column("enterprise_id").to_pandas()
        install_prelude(engine, end)
        outcomes = engine.query(_outcome_sql(as_of, end, triggers)).to_pandas()
    rank = {t: i for i, t in enumerate(triggers)}
    if len(outcomes):
        outcomes["rank"] = outcomes["cause"].map(rank)
        first = outcomes.sort_values(["enterprise_id", "event_date", "rank"]).drop_duplicates("enterprise_id")
    else:
        first = pd.DataFrame({"enterprise_id": pd.Series(dtype=str), "event_date": [], "cause": []})
    frame = pd.DataFrame({"enterprise_id": alive.astype(str)}).merge(
        first[["enterprise_id", "event_date", "cause"]], on="enterprise_id", how="left"
    )
    flag = frame["cause"].notna().astype("int8")
    return pa.table(
        {
            "enterprise_id": pa.array(frame["enterprise_id"].tolist(), pa.string()),
            "default_flag": pa.array(flag.tolist(), pa.int8()),
            "first_default_date": pa.array(
                [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["event_date"]], pa.date32()
            ),
            "cause": pa.array([None if pd.isna(v) else str(v) for v in frame["cause"]], pa.string()),
        },
        schema=LABEL_SCHEMA,
    )


def labels_dir(home: DataHome, as_of: dt.date, horizon: str) -> Path:
    """``<home>/labels/as_of=D/horizon=H``."""
    return home.root / "labels" / f"as_of={as_of.isoformat()}" / f"horizon={horizon}"


@holds_writer_lock("labels")
def write_labels(home: DataHome, as_of: dt.date, horizon: str, table: pa.Table,
                 triggers: Sequence[str] = DEFAULT_TRIGGERS) -> Path:
    """Write ``labels.parquet`` and ``labels.json`` (triggers, window, default rate)."""
    out = labels_dir(home, as_of, horizon)
    path = out / "labels.parquet"
    n = table.num_rows
    defaults = int(pc.sum(table.column("default_flag")).as_py() or 0)
    meta = {
        "as_of": as_of.isoformat(),
        "horizon": horizon,
        "window": [as_of.isoformat(), horizon_end(as_of, horizon).isoformat()],
        "triggers": {t: {"sql": TRIGGERS[t][0], "zh": TRIGGERS[t][1], "en": TRIGGERS[t][2]} for t in triggers},
        "rows": n,
        "defaults": defaults,
        "default_rate": defaults / n if n else 0.0,
    }
    with atomic_dir(out) as tmp:  # labels and their metadata are replaced together
        write_parquet(tmp / "labels.parquet", table)
        write_json(tmp / "labels.json", meta, indent=2)
    return path


def read_labels(home: DataHome, as_of: dt.date, horizon: str) -> pa.Table:
    """The stored label table; ``FileNotFoundError`` names the missing path."""
    path = labels_dir(home, as_of, horizon) / "labels.parquet"
    if not path.exists():
        raise FileNotFoundError(f"no labels at {path} (run: firmscore labels --as-of {as_of} --horizon {horizon})")
    return pq.read_table(path)
