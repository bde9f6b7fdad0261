"""The credit plan as an exact mixed-integer programme, solved by HiGHS with reduced-cost fixing.

After pricing (:mod:`firmscore.decide.options`) each candidate firm ``i`` (not excluded, positive
margin ``m_i`` per unit lent) chooses one amount on the grid ``{0} ∪ {a_min, a_min + step, …, a_max}``.
Budget and concentration limits are rows ``Σ_{i∈g} amount_i ≤ cap_g``; the objective is
``Σ m_i · amount_i``. Amounts are counted in steps so that coefficients are small integers.

1. **LP relaxation**: ``0 ≤ x_i ≤ a_max`` (the relaxation of the choose-one model is exactly this
   box, since every grid point lies on the ray through the origin). It has one column per firm and
   only ``1 + #groups`` rows, so HiGHS solves 100,000 firms in about a second. From its row duals
   ``π ≥ 0`` the Lagrangian bound ``L = π·cap + Σ max(0, d_i)·a_max`` (``d_i = m_i − π·A_i``) is an
   upper bound on every plan: it is the **LP bound** printed.
2. **Incumbent**: the LP amounts rounded down to the grid (feasible, since amounts only shrink).
3. **Reduced-cost fixing** (exact): moving firm ``i`` off its LP bound by ``Δ`` lowers ``L`` by at
   least ``|d_i|·Δ``, and on the grid ``Δ ≥`` one step (or ``a_min`` to leave zero). Where that
   loss exceeds ``L − incumbent`` no better plan moves the firm, so it is fixed.
4. **MIP** on the firms left free (a handful at the margin), with the capacity left by the fixed ones:
   ``y_i ∈ {0,1}``, ``k_i ∈ {0…K}``, ``k_i ≤ K·y_i``, amount ``= a_min·y_i + step·k_i``, solved by
   HiGHS to a relative gap of ``MIP_REL_GAP``.

The gap printed is ``(L − plan) / L``: how far the plan can be, at most, from the true optimum.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from firmscore.decide.messages import StrategyError
from firmscore.decide.options import Pricing, margins
from firmscore.decide.problem import CreditPlan, CreditProblem, SolveReport

#: HiGHS stops when the sub-MIP's own gap is below this (relative).
MIP_REL_GAP = 1e-7
TIME_LIMIT_S = 600.0
_TOL = 1e-9


@dataclass(frozen=True, kw_only=True)
class _Rows:
    """Capacity rows over candidates: ``of[i]`` lists the rows of candidate ``i`` (−1: none), ``caps`` in units.

    Row 0 is the budget; then one row per value of each concentration limit whose members could
    exceed it (a group that cannot reach its cap even with every member at the maximum is dropped).
    """

    of: npt.NDArray[np.intp]
    caps: npt.NDArray[np.float64]

    def matrix(self) -> sp.csr_matrix:
        i, j = np.nonzero(self.of >= 0)
        return sp.csr_matrix((np.ones(len(i)), (self.of[i, j], i)), shape=(len(self.caps), len(self.of)))


def solve_plan(problem: CreditProblem, *, pd_values: npt.NDArray[np.float64] | None = None,
               threads: int = 2, time_limit: float = TIME_LIMIT_S) -> CreditPlan:
    """The profit-maximising plan of ``problem`` (optionally with stressed PDs ``pd_values``)."""
    started = time.perf_counter()
    pricing = margins(problem, pd_values)
    grid = problem.amounts
    K = grid.n_steps
    unit = grid.step if K > 0 else grid.minimum
    a_min_u, a_max_u = grid.minimum / unit, grid.minimum / unit + K
    cand = np.flatnonzero(~pricing.excluded & (pricing.margin > 0))
    notes: list[tuple[str, dict[str, object]]] = []
    if problem.budget < grid.minimum:
        notes.append(("decide.budget_below_min", {"budget": problem.budget, "minimum": grid.minimum}))
        cand = cand[:0]
    n = len(cand)
    x = np.zeros(n)
    status, bound, dual_bound, n_free, n_rows = "no candidates", 0.0, 0.0, 0, 0
    if n:
        c = pricing.margin[cand] * unit  # profit per unit
        rows = _rows(problem, cand, unit, a_max_u)
        A = rows.matrix()
        n_rows = A.shape[0]
        x_lp, pi = _solve_lp(c, A, rows, a_max_u, threads=threads)
        d = c - A.T @ pi
        bound = float(pi @ rows.caps + np.maximum(d, 0.0).sum() * a_max_u)
        x = _round_down(x_lp, a_min_u, a_max_u)
        slack = bound - float(c @ x)
        min_down = 1.0 if K > 0 else a_max_u
        at_max = d * min_down > slack + _TOL * max(1.0, abs(bound))
        at_zero = -d * a_min_u > slack + _TOL * max(1.0, abs(bound))
        free = ~(at_max | at_zero)
        x[at_max], x[at_zero] = a_max_u, 0.0
        n_free = int(free.sum())
        status = "Optimal (LP rounding)"
        if n_free:
            residual = rows.caps - A[:, ~free] @ x[~free]
            if np.any(residual < -1e-6):  # cannot happen for an optimal LP basis; solve everything instead
                free[:] = True
                residual = rows.caps.copy()
                n_free = n
            idx = np.flatnonzero(free)
            sub_x, status, sub_bound = _solve_mip(c[idx], A[:, idx], np.maximum(residual, 0.0), a_min_u, K,
                                                  threads=threads, time_limit=time_limit)
            if float(c[idx] @ sub_x) >= float(c[idx] @ x[idx]) - _TOL:
                x[idx] = sub_x
            dual_bound = float(c[~free] @ x[~free]) + sub_bound
        else:
            dual_bound = float(c @ x)
    amount = np.zeros(len(problem.firms))
    amount[cand] = x * unit
    decisions = _decisions(problem, pricing, amount, pd_values)
    profit = float(decisions["expected_profit"].sum())
    gap = max(0.0, (bound - profit) / abs(bound)) if bound else 0.0
    report = SolveReport(status=status, objective=profit, lp_bound=bound, mip_dual_bound=min(dual_bound, bound),
                         gap=gap, n_candidates=n, n_variables=n, n_constraints=n_rows, n_free=n_free,
                         seconds=time.perf_counter() - started)
    return CreditPlan(decisions=decisions, budget=problem.budget, report=report, notes=tuple(notes))


def _rows(problem: CreditProblem, cand: npt.NDArray[np.intp], unit: float, a_max_u: float) -> _Rows:
    n = len(cand)
    of = np.full((n, 1 + len(problem.limits)), -1, dtype=np.intp)
    of[:, 0] = 0
    caps = [np.floor(problem.budget / unit + 1e-9)]
    for f, lim in enumerate(problem.limits, start=1):
        keys = problem.firms[lim.column].iloc[cand].to_numpy()
        cap = np.floor(lim.max_share * problem.budget / unit + 1e-9)
        groups = pd.Series(np.arange(n)).groupby(keys, dropna=True).indices
        for _value, m in sorted(groups.items(), key=lambda kv: str(kv[0])):
            if len(m) * a_max_u > cap:
                of[np.asarray(m), f] = len(caps)
                caps.append(cap)
    return _Rows(of=of, caps=np.asarray(caps, dtype=np.float64))


def _greedy_basis(c: npt.NDArray[np.float64], rows: _Rows, a_max_u: float) -> tuple[list[int], list[int]]:
    """A feasible starting basis: fill firms by falling margin until a row is full.

    A firm that fills a row is basic (fractional) and claims that row; the rows left unclaimed
    keep their slack basic. A later firm never sits in an earlier claimed row (it is full), so the
    basis is triangular and non-singular. It is often optimal already; the simplex only repairs
    the few places where two limits interact.
    """
    lower, basic, upper = (int(highspy.HighsBasisStatus.kLower), int(highspy.HighsBasisStatus.kBasic),
                           int(highspy.HighsBasisStatus.kUpper))
    residual = rows.caps.copy()
    col = [lower] * len(c)
    row = [basic] * len(rows.caps)
    tight = np.zeros(len(rows.caps), dtype=bool)
    of = rows.of.tolist()
    for i in np.argsort(-c, kind="stable").tolist():
        rs = [r for r in of[i] if r >= 0]
        if any(tight[r] for r in rs):
            continue
        room = min(residual[r] for r in rs)
        if room > a_max_u:
            col[i] = upper
            for r in rs:
                residual[r] -= a_max_u
            continue
        col[i] = basic  # fills its fullest row exactly and claims it
        claimed = False
        for r in rs:
            residual[r] -= room
            if residual[r] <= 1e-9:
                tight[r] = True
                if not claimed:
                    row[r] = upper
                    claimed = True
    return col, row


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence HiGHS's copyright banner, which its constructor writes straight to file descriptor 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs(threads: int, time_limit: float) -> highspy.Highs:
    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    return h


def _pass(h: highspy.Highs, cost: npt.NDArray[np.float64], upper: npt.NDArray[np.float64], A: sp.spmatrix,
          row_upper: npt.NDArray[np.float64], integer: bool) -> None:
    Ac = sp.csc_matrix(A)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = Ac.shape[1], Ac.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(Ac.shape[1])
    lp.col_upper_ = np.asarray(upper, dtype=np.float64)
    lp.row_lower_ = np.full(Ac.shape[0], -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = Ac.indptr.astype(np.int32)
    lp.a_matrix_.index_ = Ac.indices.astype(np.int32)
    lp.a_matrix_.value_ = Ac.data.astype(np.float64)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * Ac.shape[1]
    h.passModel(lp)


def _solve_lp(c: npt.NDArray[np.float64], A: sp.csr_matrix, rows: _Rows, a_max_u: float, *,
              threads: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """LP optimum ``x`` and row duals ``π ≥ 0`` (sign-normalised for a maximisation with ≤ rows).

    Started from the greedy basis, without presolve: presolve and a cold start cost one simplex
    iteration per firm (quadratic time: 37 s at 100,000 firms), the warm start a handful.
    """
    h = _highs(threads, TIME_LIMIT_S)
    h.setOptionValue("presolve", "off")
    _pass(h, c, np.full(len(c), a_max_u), A, rows.caps, integer=False)
    col, row = _greedy_basis(c, rows, a_max_u)
    basis = highspy.HighsBasis()
    basis.col_status = [highspy.HighsBasisStatus(v) for v in col]
    basis.row_status = [highspy.HighsBasisStatus(v) for v in row]
    basis.valid = True
    h.setBasis(basis)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise StrategyError("decide.solver_failed", status=h.modelStatusToString(h.getModelStatus()))
    sol = h.getSolution()
    pi = np.abs(np.asarray(sol.row_dual, dtype=np.float64))
    return np.clip(np.asarray(sol.col_value, dtype=np.float64), 0.0, a_max_u), pi


def _round_down(x: npt.NDArray[np.float64], a_min_u: float, a_max_u: float) -> npt.NDArray[np.float64]:
    """Largest grid amount ≤ x (grid ``{0} ∪ {a_min + j}`` in units)."""
    steps = np.floor(x - a_min_u + 1e-7)
    out = np.where(steps >= 0, a_min_u + np.minimum(steps, a_max_u - a_min_u), 0.0)
    return np.asarray(out, dtype=np.float64)


def _solve_mip(c: npt.NDArray[np.float64], A: sp.csr_matrix, caps: npt.NDArray[np.float64], a_min_u: float,
               K: int, *, threads: int, time_limit: float) -> tuple[npt.NDArray[np.float64], str, float]:
    """Exact choose-one sub-programme: ``y ∈ {0,1}``, ``k ∈ {0…K}``, ``k ≤ K·y``, amount ``a_min·y + k``."""
    n = len(c)
    h = _highs(threads, time_limit)
    if K > 0:
        eye = sp.identity(n, format="csr")
        link = sp.hstack([-K * eye, eye])  # k − K·y ≤ 0
        cap_rows = sp.hstack([a_min_u * A, A])
        M = sp.vstack([link, cap_rows])
        _pass(h, np.concatenate([c * a_min_u, c]), np.concatenate([np.ones(n), np.full(n, float(K))]), M,
              np.concatenate([np.zeros(n), caps]), integer=True)
    else:
        _pass(h, c * a_min_u, np.ones(n), a_min_u * A, caps, integer=True)
    h.run()
    st = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:
        raise StrategyError("decide.solver_failed", status=h.modelStatusToString(st))
    v = np.round(np.asarray(h.getSolution().col_value, dtype=np.float64))
    amount = np.asarray(a_min_u * v[:n] + (v[n:] if K > 0 else 0.0), dtype=np.float64)
    return amount, h.modelStatusToString(st), float(info.mip_dual_bound)


def _decisions(problem: CreditProblem, pricing: Pricing, amount: npt.NDArray[np.float64],
               pd_values: npt.NDArray[np.float64] | None) -> pd.DataFrame:
    firms = problem.firms
    pds = firms["pd"].to_numpy(dtype=np.float64) if pd_values is None else pd_values
    approved = amount > 0
    q = np.where(approved, pricing.retention, 0.0)
    rate = np.where(approved, pricing.rate, np.nan)
    interest = q * (1.0 - pds) * np.nan_to_num(rate) * amount
    loss = q * pds * pricing.lgd * amount
    reason = np.where(approved, "approved",
                      np.where(pricing.excluded, "excluded_grade",
                               np.where(pricing.margin <= 0, "unprofitable", "budget_or_limit")))
    out = pd.DataFrame({
        "grade": firms["grade"].astype(str).to_numpy(),
        "pd": pds,
        "approved": approved,
        "amount": amount,
        "rate": rate,
        "retention": q,
        "expected_interest": interest,
        "expected_loss": loss,
        "expected_profit": interest - loss,
        "decision": reason,
    }, index=firms.index)
    for col in firms.columns:
        if col not in out.columns:
            out[col] = firms[col].to_numpy()
    out.index.name = "enterprise_id"
    return out
