"""Calibrating contagion weights on a data home's own history.

Take the graph as of a training date ``D0``; the shocks are firms distressed on ``D0`` or becoming
distressed within ``horizon_days``; the outcomes are firms *not* distressed on ``D0`` that become
distressed in the window. :meth:`ContagionModel.fit` then matches each channel's excess
co-default rate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from firmscore.graph.build import build_graph
from firmscore.graph.contagion import ContagionModel
from firmscore.graph.distress import distress_signals
from firmscore.graph.snapshot import create_snapshot_views
from firmscore.store.home import DataHome


def calibrate_on_home(home: DataHome, train_as_of: dt.date, horizon_days: int = 365,
                      model: ContagionModel | None = None) -> ContagionModel:
    """A :class:`ContagionModel` fitted on distress that appeared in ``(D0, D0 + horizon]``."""
    con = home.connect()
    try:
        graph = build_graph(con, train_as_of)
        start = distress_signals(con, train_as_of).distressed
        end_day = train_as_of + dt.timedelta(days=horizon_days)
        # Same node tables (the D0 graph), signals evaluated at the end of the window.
        create_snapshot_views(con, end_day)
        end_signals = distress_signals(con, end_day)
    finally:
        con.close()
    end = end_signals.distressed
    model = model or ContagionModel()
    new = end & ~start
    return model.fit(graph, new.astype(float), sources=(start | end).astype(float), eligible=~start,
                     days=first_distress_day(end_signals.since, start))


def first_distress_day(since: dict[str, np.ndarray], already: np.ndarray) -> np.ndarray:
    """Day number of each firm's first distress signal (very early for firms distressed at the start,
    very late for firms never distressed), used to order shocks before outcomes."""
    late = np.iinfo(np.int64).max
    out = np.full(already.shape, late, dtype=np.int64)
    for day in since.values():
        d = day.astype("datetime64[D]").astype(np.int64)
        known = ~np.isnat(day)
        out = np.where(known, np.minimum(out, d), out)
    return np.where(already, np.iinfo(np.int64).min + 1, out)
