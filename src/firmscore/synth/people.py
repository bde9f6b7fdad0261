"""Persons of a block and their roles: legal representatives, officers, shareholders, branch heads.

Legal representatives follow the [E] default of ``docs/synthetic-data.md``: 80 % run one firm, 15 %
two or three, 5 % four or more (geometric tail). Fraud rings get one or two nominee persons who are
legal representative of every shell and one shared supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmscore.synth.config import COMMUNITY_SIZE, PERSONS_PER_BLOCK, SynthConfig, year_of
from firmscore.synth.population import Firms
from firmscore.synth.tables import BRANCH, JOINT_STOCK, LIMITED, PARTNERSHIP, SOLE


@dataclass
class Roles:
    """Persons (local indices ``0 .. n_persons-1``) and the ties of the block's firms to them."""

    n_persons: int
    birth_year: np.ndarray
    health: np.ndarray  # latent personal creditworthiness (drives personal credit facts)
    nominee: np.ndarray  # bool: nominee of a fraud ring
    legal_rep: np.ndarray  # per firm: person local index
    branch_head: np.ndarray  # per firm: local index of the head office (branches) or -1
    officer_person: np.ndarray
    officer_firm: np.ndarray
    officer_role: np.ndarray  # 0 supervisor, 1 director
    holder_person: np.ndarray
    holder_firm: np.ndarray
    holder_share: np.ndarray
    first_day: np.ndarray  # first day the person is tied to a firm

    def firms_run(self) -> np.ndarray:
        """Number of firms each person represents."""
        return np.bincount(self.legal_rep, minlength=self.n_persons)


class _Allocator:
    def __init__(self) -> None:
        self.next = 0

    def take(self, k: int) -> np.ndarray:
        out = np.arange(self.next, self.next + k)
        self.next += k
        return out


def _rep_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    u = rng.random(n)
    tail = 4 + rng.geometric(0.35, n) - 1
    return np.where(u < 0.80, 1, np.where(u < 0.95, rng.integers(2, 4, n), np.minimum(tail, 30)))


def build_roles(cfg: SynthConfig, firms: Firms) -> Roles:
    """Draw persons and roles for one block."""
    rng = cfg.block_rng(firms.block, 2)
    n = firms.n
    et = firms.core.etype
    alloc = _Allocator()
    in_ring = firms.ring >= 0

    # branch heads: a limited or joint-stock company of the same community (or any in the block)
    branch_head = np.full(n, -1, dtype=np.int64)
    heads = np.flatnonzero(np.isin(et, [LIMITED, JOINT_STOCK]) & ~in_ring)
    branches = np.flatnonzero(et == BRANCH)
    if len(heads) and len(branches):
        comm = np.arange(n) // COMMUNITY_SIZE
        pick = rng.integers(0, len(heads), len(branches))
        for attempt in range(3):  # prefer a head office in the branch's community
            same = comm[heads[pick]] == comm[branches]
            if same.all():
                break
            redo = ~same
            pick[redo] = rng.integers(0, len(heads), int(redo.sum()))
            del attempt
        branch_head[branches] = heads[pick]

    # legal representatives of ordinary firms, assigned along a community-local order
    ordinary = np.flatnonzero(~in_ring)
    legal_rep = np.full(n, -1, dtype=np.int64)
    if len(ordinary):
        counts = _rep_counts(rng, len(ordinary))
        k = int(np.searchsorted(np.cumsum(counts), len(ordinary)) + 1)
        persons = alloc.take(k)
        order = ordinary[np.argsort(ordinary // COMMUNITY_SIZE + rng.random(len(ordinary)) * 1.5, kind="stable")]
        legal_rep[order] = np.repeat(persons, counts[:k])[: len(ordinary)]
    nominee_ids: list[np.ndarray] = []
    officer_p: list[np.ndarray] = []
    officer_f: list[np.ndarray] = []
    officer_r: list[np.ndarray] = []
    for members in firms.ring_members:
        nominees = alloc.take(int(rng.integers(1, 3)))
        nominee_ids.append(nominees)
        legal_rep[members] = nominees[np.arange(len(members)) % len(nominees)]
        shared_supervisor = alloc.take(1)
        officer_p.append(np.repeat(shared_supervisor, len(members)))
        officer_f.append(members)
        officer_r.append(np.zeros(len(members), dtype=np.int64))
    # half of the branches are headed by the head office's legal representative
    b_same = branches[(branch_head[branches] >= 0) & (rng.random(len(branches)) < 0.5)]
    legal_rep[b_same] = legal_rep[branch_head[b_same]]

    # supervisors of companies: a new person or another person of the block; joint-stock directors
    companies = np.flatnonzero(np.isin(et, [LIMITED, JOINT_STOCK]) & ~in_ring)
    new_sup = rng.random(len(companies)) < 0.6
    supervisor = np.where(new_sup, 0, rng.integers(0, max(alloc.next, 1), len(companies)))
    supervisor[new_sup] = alloc.take(int(new_sup.sum()))
    clash = supervisor == legal_rep[companies]
    supervisor[clash] = alloc.take(int(clash.sum()))
    officer_p.append(supervisor)
    officer_f.append(companies)
    officer_r.append(np.zeros(len(companies), dtype=np.int64))
    js = np.flatnonzero(et == JOINT_STOCK)
    directors = alloc.take(2 * len(js))
    officer_p.append(directors)
    officer_f.append(np.repeat(js, 2))
    officer_r.append(np.ones(2 * len(js), dtype=np.int64))

    # natural-person shareholders
    sup_of = np.full(n, -1, dtype=np.int64)
    sup_of[companies] = supervisor
    hp: list[np.ndarray] = []
    hf: list[np.ndarray] = []
    hs: list[np.ndarray] = []
    ltd = np.flatnonzero(((et == LIMITED) | (et == PARTNERSHIP)) & ~in_ring)
    n_hold = np.where(rng.random(len(ltd)) < 0.45, 1, np.where(rng.random(len(ltd)) < 0.64, 2, 3))
    second = np.where(sup_of[ltd] >= 0, sup_of[ltd], -1)
    need_second = (n_hold >= 2) & (second < 0)
    second[need_second] = alloc.take(int(need_second.sum()))
    third_mask = n_hold >= 3
    third = np.full(len(ltd), -1, dtype=np.int64)
    third[third_mask] = alloc.take(int(third_mask.sum()))
    weights = rng.gamma(2.0, 1.0, (len(ltd), 3)) * (np.arange(3)[None, :] < n_hold[:, None])
    weights[:, 0] *= 1.5  # the legal representative usually holds the largest stake
    shares = np.round(weights / weights.sum(1, keepdims=True), 4)
    for j, holder in enumerate((legal_rep[ltd], second, third)):
        ok = np.arange(len(ltd))[n_hold > j]
        hp.append(holder[ok])
        hf.append(ltd[ok])
        hs.append(shares[ok, j])
    sole = np.flatnonzero((et == SOLE) & ~in_ring)
    hp.append(legal_rep[sole])
    hf.append(sole)
    hs.append(np.ones(len(sole)))
    js_dirs = directors.reshape(-1, 2) if len(js) else np.zeros((0, 2), dtype=np.int64)
    for j, holder in enumerate((legal_rep[js], js_dirs[:, 0], js_dirs[:, 1])):
        hp.append(holder)
        hf.append(js)
        hs.append(np.full(len(js), (0.4, 0.3, 0.3)[j]))
    for members, nominees in zip(firms.ring_members, nominee_ids, strict=True):
        hp.append(np.repeat(nominees[:1], len(members)))
        hf.append(members)
        hs.append(np.ones(len(members)))

    n_persons = alloc.next
    if n_persons > PERSONS_PER_BLOCK:
        raise RuntimeError(f"block {firms.block} needs {n_persons} persons, more than {PERSONS_PER_BLOCK}")
    # birth years from the earliest firm a person is tied to: age at founding ~ N(38, 9) in [18, 70]
    officer_person = np.concatenate(officer_p)
    officer_firm = np.concatenate(officer_f)
    holder_person = np.concatenate(hp)
    holder_firm = np.concatenate(hf)
    all_p = np.concatenate([legal_rep, officer_person, holder_person])
    all_f = np.concatenate([np.arange(n), officer_firm, holder_firm])
    first_day = np.full(n_persons, np.iinfo(np.int64).max)
    np.minimum.at(first_day, all_p, firms.established_day[all_f])
    first_day = np.where(first_day == np.iinfo(np.int64).max, cfg.as_of_day, first_day)
    age_at = np.clip(rng.normal(38, 9, n_persons), 18, 70)
    nominee = np.zeros(n_persons, dtype=bool)
    if nominee_ids:
        nominee[np.concatenate(nominee_ids)] = True
    age_at = np.where(nominee, np.clip(rng.normal(27, 6, n_persons), 19, 70), age_at)
    birth_year = np.minimum(year_of(first_day) - np.round(age_at).astype(np.int64), year_of(cfg.as_of_day) - 19)
    # personal creditworthiness: correlated with the firms the person represents
    z_sum = np.bincount(legal_rep, weights=firms.core.z, minlength=n_persons)
    runs = np.bincount(legal_rep, minlength=n_persons)
    mean_z = np.where(runs > 0, z_sum / np.maximum(runs, 1), 0.0)
    health = 0.75 * mean_z + 0.66 * rng.normal(0, 1, n_persons) - np.where(nominee, 1.0, 0.0)
    return Roles(
        n_persons=n_persons, birth_year=birth_year, health=health, nominee=nominee, legal_rep=legal_rep,
        branch_head=branch_head, officer_person=officer_person, officer_firm=officer_firm,
        officer_role=np.concatenate(officer_r), holder_person=holder_person, holder_firm=holder_firm,
        holder_share=np.concatenate(hs), first_day=first_day,
    )
