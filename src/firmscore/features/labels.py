"""Outcome labels: did an enterprise alive on D default in (D, D + horizon], or is that unknown?

Features use records known on D; labels use what happened strictly after D. Building both from
the same as-of date and writing the horizon into the path is what keeps training from mixing
the feature window with the outcome window. Only enterprises existing and alive on D are
labelled (a firm already cancelled on D cannot "default" later).

A label is one of three outcomes (``outcome``): ``default``, ``no_default`` or ``unknown``. A firm
without a default event is a non-default only if someone was watching it over the whole horizon;
otherwise treating it as good would teach the model from wrong labels. Who was watching:

* **observation windows** (``observation_window`` events: the source followed the firm's outcome from
  ``effective_from`` to ``effective_to``, open = still followed up to the home's latest record). Once a
  home holds any, they decide for every firm: the window must start by D and end on or after the
  date that matters (the horizon end, or the default's date). A firm with none is ``unknown``
  (``no_window``, e.g. a bdci2017 firm known only from the side tables), one whose windows start after D
  or end before the horizon does is ``unknown`` (``short_window``: observed too briefly).
* otherwise **the home's data horizon**: the latest day on which the home received any record. A horizon
  ending after it cannot have been observed yet: non-defaults are ``unknown`` (``censored``).

Unknown firms stay in the table (``default_flag`` null) so that every consumer counts them; training,
validation and the coverage report exclude them and say how many.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from firmscore.engines import Engine, open_engine
from firmscore.engines.point_in_time import as_of_literal
from firmscore.features import messages as _messages  # noqa: F401  (registers the label messages)
from firmscore.features.blocks import FAILED_STATUSES
from firmscore.features.compute import install_prelude
from firmscore.i18n import current_lang, t
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

#: The three outcomes of a label.
DEFAULT, NO_DEFAULT, UNKNOWN = "default", "no_default", "unknown"
OUTCOMES: tuple[str, ...] = (DEFAULT, NO_DEFAULT, UNKNOWN)

#: Why an outcome is unknown (messages ``labels.reason.<reason>``).
UNKNOWN_REASONS: tuple[str, ...] = ("no_window", "short_window", "censored")

#: Data horizon of a home that holds no record yet (nothing has been observed).
_NOTHING_OBSERVED = dt.date(1900, 1, 1)

LABEL_SCHEMA = pa.schema(
    [
        pa.field("enterprise_id", pa.string(), nullable=False),
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("default_flag", pa.int8()),  # 1 default, 0 no default, null unknown
        pa.field("first_default_date", pa.date32()),
        pa.field("cause", pa.string()),
        pa.field("unknown_reason", pa.string()),
    ]
)

#: Schema metadata keys of a label table: how observation was decided.
RULE_KEY, DATA_THROUGH_KEY = b"firmscore.observation_rule", b"firmscore.data_through"

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


def _windows_sql() -> str:
    return """SELECT subject_id AS enterprise_id, event_date AS start_date, end_date AS stop_date
FROM pit_event WHERE subject_type = 'enterprise' AND event_type = 'observation_window'"""


def data_through(engine: Engine) -> dt.date | None:
    """The home's data horizon: the latest UTC day on which any enterprise, event or relation was observed."""
    parts = " UNION ALL ".join(f"SELECT max(observed_at) AS m FROM {t}" for t in ("enterprise", "event", "relation"))
    row = engine.query(f"SELECT CAST(max(m) AT TIME ZONE 'UTC' AS DATE) AS d FROM ({parts}) AS t").to_pylist()[0]
    value = row["d"]
    return value if isinstance(value, dt.date) else None


def _observed_until(alive: pd.Series, windows: pd.DataFrame, as_of: dt.date,
                    through: dt.date) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per alive firm: the last day its outcome is observed from D on (NaT: not observed at D), whether it has
    any window, and whether that last day comes from an open window (bounded by the data horizon)."""
    if windows.empty:  # no windows in the home: everyone is observed up to the data horizon
        until = pd.Series(pd.Timestamp(through), index=alive)
        return until, pd.Series(True, index=alive), pd.Series(True, index=alive)
    w = windows.copy()
    w["open"] = w["stop_date"].isna()
    w["stop"] = pd.to_datetime(w["stop_date"].where(~w["open"], through))
    start = pd.to_datetime(w["start_date"])
    started = w[start.isna() | (start <= pd.Timestamp(as_of))]  # no start: followed from the beginning
    best = started.sort_values(["enterprise_id", "stop", "open"]).drop_duplicates("enterprise_id", keep="last")
    best = best.set_index("enterprise_id")
    until = best["stop"].reindex(alive)
    has = pd.Series(alive.isin(w["enterprise_id"]).to_numpy(), index=alive)
    open_ = best["open"].reindex(alive).eq(True)  # no started window: not open
    return until, has, open_


def build_labels(
    source: DataHome | Engine,
    as_of: dt.date,
    horizon: str = "12m",
    triggers: Sequence[str] = DEFAULT_TRIGGERS,
) -> pa.Table:
    """The outcome table (default / no default / unknown) for enterprises alive on ``as_of``.

    Outcome events are read from the point-in-time snapshot at the end of the horizon (what was
    known by then, retractions and legal expiry applied), restricted to ``event_date`` in
    (D, D + horizon]. ``cause`` is the trigger of the first default (ties broken in ``triggers`` order).
    Observation (module docstring) decides between ``no_default`` and ``unknown``, and whether a
    default was seen while the firm was watched; the rule and the data horizon are in the schema metadata.
    """
    unknown = [t for t in triggers if t not in TRIGGERS]
    if unknown:
        raise ValueError(f"unknown label triggers {unknown}; choose from {sorted(TRIGGERS)}")
    if not triggers:
        raise ValueError("at least one label trigger is needed")
    end = horizon_end(as_of, horizon)
    with open_engine(source) as engine:
        install_prelude(engine, as_of)
        alive = engine.query(_alive_sql(as_of)).column("enterprise_id").to_pandas().astype(str)
        install_prelude(engine, end)
        outcomes = engine.query(_outcome_sql(as_of, end, triggers)).to_pandas()
        windows = engine.query(_windows_sql()).to_pandas()
        observed = data_through(engine)
    through = observed or _NOTHING_OBSERVED
    rank = {t: i for i, t in enumerate(triggers)}
    if len(outcomes):
        outcomes["rank"] = outcomes["cause"].map(rank)
        first = outcomes.sort_values(["enterprise_id", "event_date", "rank"]).drop_duplicates("enterprise_id")
    else:
        first = pd.DataFrame({"enterprise_id": pd.Series(dtype=str), "event_date": [], "cause": []})
    frame = pd.DataFrame({"enterprise_id": alive}).merge(
        first[["enterprise_id", "event_date", "cause"]], on="enterprise_id", how="left"
    )
    until, has_window, open_window = _observed_until(alive, windows, as_of, through)
    until_v = pd.to_datetime(until.to_numpy())
    default_date = pd.to_datetime(frame["event_date"])
    seen = frame["cause"].notna().to_numpy()
    is_default = seen & (default_date.to_numpy() <= until_v)  # NaT compares False: not watched at D
    is_good = ~seen & (until_v >= pd.Timestamp(end))
    known = is_default | is_good
    if windows.empty:
        reason = pd.Series("censored", index=frame.index)
    else:
        censored = open_window.to_numpy() & (pd.Timestamp(through) < pd.Timestamp(end))
        reason = pd.Series(
            ["no_window" if not h else ("censored" if c else "short_window")
             for h, c in zip(has_window.to_numpy(), censored, strict=True)], index=frame.index)
    outcome = [DEFAULT if d else (NO_DEFAULT if g else UNKNOWN) for d, g in zip(is_default, is_good, strict=True)]
    flag = [1 if d else (0 if g else None) for d, g in zip(is_default, is_good, strict=True)]
    table = pa.table(
        {
            "enterprise_id": pa.array(frame["enterprise_id"].tolist(), pa.string()),
            "outcome": pa.array(outcome, pa.string()),
            "default_flag": pa.array(flag, pa.int8()),
            "first_default_date": pa.array(
                [pd.Timestamp(v).date() if d else None for v, d in zip(frame["event_date"], is_default, strict=True)],
                pa.date32()),
            "cause": pa.array([str(v) if d else None for v, d in zip(frame["cause"], is_default, strict=True)],
                              pa.string()),
            "unknown_reason": pa.array([None if k else r for k, r in zip(known, reason, strict=True)], pa.string()),
        },
        schema=LABEL_SCHEMA,
    )
    rule = b"data_horizon" if windows.empty else b"windows"
    through_text = b"" if observed is None else observed.isoformat().encode()
    return table.replace_schema_metadata({RULE_KEY: rule, DATA_THROUGH_KEY: through_text})


@dataclass(frozen=True)
class OutcomeCounts:
    """The three counts of a label table, and the unknowns by reason."""

    defaults: int
    no_defaults: int
    unknown: int
    unknown_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def known(self) -> int:
        return self.defaults + self.no_defaults

    @property
    def default_rate(self) -> float:
        """Default rate among firms whose outcome is known."""
        return self.defaults / self.known if self.known else 0.0


def outcome_counts(table: pa.Table) -> OutcomeCounts:
    """Count defaults, non-defaults and unknowns (by reason) of a label table."""
    outcome = table.column("outcome").to_pylist()
    reasons: dict[str, int] = {}
    for r in table.column("unknown_reason").to_pylist():
        if r is not None:
            reasons[r] = reasons.get(r, 0) + 1
    return OutcomeCounts(defaults=outcome.count(DEFAULT), no_defaults=outcome.count(NO_DEFAULT),
                         unknown=outcome.count(UNKNOWN), unknown_by_reason=dict(sorted(reasons.items())))


def describe_outcomes(counts: OutcomeCounts, lang: str | None = None) -> list[str]:
    """The console lines of a label table: the three counts, then (if any) the unknowns by reason."""
    lang = lang or current_lang()
    if lang == "both":
        return [f"{zh} / {en}" for zh, en in zip(describe_outcomes(counts, "zh"), describe_outcomes(counts, "en"),
                                                  strict=True)]
    lines = [t("labels.counts", lang, defaults=f"{counts.defaults:,}", no_defaults=f"{counts.no_defaults:,}",
               unknown=f"{counts.unknown:,}", rate=counts.default_rate)]
    if counts.unknown:
        sep = "; " if lang == "en" else "；"
        reasons = sep.join(f"{t(f'labels.reason.{r}', lang)} {n:,}" for r, n in counts.unknown_by_reason.items())
        lines.append(t("labels.unknown_excluded", lang, unknown=f"{counts.unknown:,}", reasons=reasons))
    return lines


def known_outcomes(table: pa.Table) -> pa.Table:
    """Only the rows whose outcome is known (``default_flag`` 0 or 1)."""
    return table.filter(pc.not_equal(table.column("outcome"), UNKNOWN))


def labels_dir(home: DataHome, as_of: dt.date, horizon: str) -> Path:
    """``<home>/labels/as_of=D/horizon=H``."""
    return home.root / "labels" / f"as_of={as_of.isoformat()}" / f"horizon={horizon}"


@holds_writer_lock("labels")
def write_labels(home: DataHome, as_of: dt.date, horizon: str, table: pa.Table,
                 triggers: Sequence[str] = DEFAULT_TRIGGERS) -> Path:
    """Write ``labels.parquet`` and ``labels.json`` (triggers, window, the three counts, default rate)."""
    out = labels_dir(home, as_of, horizon)
    path = out / "labels.parquet"
    counts = outcome_counts(table)
    schema_meta = table.schema.metadata or {}
    meta = {
        "as_of": as_of.isoformat(),
        "horizon": horizon,
        "window": [as_of.isoformat(), horizon_end(as_of, horizon).isoformat()],
        "triggers": {t: {"sql": TRIGGERS[t][0], "zh": TRIGGERS[t][1], "en": TRIGGERS[t][2]} for t in triggers},
        "rows": table.num_rows,
        "defaults": counts.defaults,
        "no_defaults": counts.no_defaults,
        "unknown": counts.unknown,
        "unknown_by_reason": counts.unknown_by_reason,
        "default_rate": counts.default_rate,
        "default_rate_over": "known outcomes",
        "observation_rule": schema_meta.get(RULE_KEY, b"").decode(),
        "data_through": schema_meta.get(DATA_THROUGH_KEY, b"").decode() or None,
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
    table = pq.read_table(path)
    if "outcome" not in table.column_names:  # written before outcomes could be unknown: every row was 0 or 1
        flag = table.column("default_flag")
        outcome = pc.if_else(pc.equal(flag, 1), DEFAULT, NO_DEFAULT)
        table = table.add_column(1, "outcome", outcome).append_column(
            "unknown_reason", pa.nulls(table.num_rows, pa.string()))
        table = table.select(LABEL_SCHEMA.names).cast(LABEL_SCHEMA)
    return table
