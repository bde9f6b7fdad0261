"""One block from start to finish: draw firms, persons, ties, outcome and events, and return the
Arrow tables of every output record type plus the ground truth."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from firmscore.synth import identity
from firmscore.synth.config import BLOCK_SIZE, PERSONS_PER_BLOCK, SynthConfig
from firmscore.synth.context import BlockContext
from firmscore.synth.core import firm_core
from firmscore.synth.events_credit import credit_events
from firmscore.synth.events_legal import administrative_events, authorization_table, court_events, personal_credit
from firmscore.synth.events_registry import annual_reports, headcount_and_platform, registry_events, tax_events
from firmscore.synth.frames import SOURCE, EventBuffer, RelationBuffer, date_array, record_ids, timestamp_array
from firmscore.synth.invoices import invoice_events
from firmscore.synth.network import build_network
from firmscore.synth.outcome import CAUSES, NONE, draw_outcome
from firmscore.synth.people import Roles, build_roles
from firmscore.synth.population import NO_DAY, STATUSES, build_firms
from firmscore.synth.strings import digit_matrix, from_byte_matrix, join, number_text, pick
from firmscore.synth.tables import (
    CITIES,
    ENTERPRISE_TYPES,
    GIVEN_CHARS,
    INDUSTRIES,
    MOBILE_PREFIXES,
    ROADS,
    SURNAME_WEIGHTS,
    SURNAMES,
    TRADE_NAME_CHARS,
    TYPE_NAME_SUFFIX,
)

#: person division codes: every city with 16 county suffixes (1,120 divisions → 60 M persons)
_PERSON_SUFFIXES = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "21", "22", "81", "82")
PERSON_DIVISIONS = np.array([int(p) * 100 + int(s) for p in CITIES.prefix for s in _PERSON_SUFFIXES])
MAX_PERSONS = identity.person_slot_space(len(PERSON_DIVISIONS)) * identity.DAY_CLASSES
MAX_ENTERPRISES = min(identity.MAX_ENTERPRISES, MAX_PERSONS // PERSONS_PER_BLOCK * BLOCK_SIZE)

RECORD_TYPES = ("enterprise", "person", "relation", "event", "authorization_grant")


@dataclass
class BlockTables:
    """The output of one block."""

    tables: dict[str, pa.Table]
    truth: pa.Table
    event_counts: dict[str, int]
    relation_counts: dict[str, int]


def _mobile(rng: np.random.Generator, m: int) -> pa.Array:
    return join(pick(MOBILE_PREFIXES, rng.integers(0, len(MOBILE_PREFIXES), m)),
                from_byte_matrix(digit_matrix(rng.integers(0, 10**8, m), 8)))


def _chinese_names(rng: np.random.Generator, m: int) -> pa.Array:
    sur = pick(SURNAMES, rng.choice(len(SURNAMES), m, p=SURNAME_WEIGHTS))
    g1 = pick(GIVEN_CHARS, rng.integers(0, len(GIVEN_CHARS), m))
    g2 = pick(("", *GIVEN_CHARS), np.where(rng.random(m) < 0.7, rng.integers(1, len(GIVEN_CHARS) + 1, m), 0))
    return join(sur, g1, g2)


def _person_table(cfg: SynthConfig, block: int, roles: Roles, rng: np.random.Generator) -> tuple[pa.Table, pa.Array]:
    m = roles.n_persons
    gidx = block * PERSONS_PER_BLOCK + np.arange(m)
    divisions = digit_matrix(PERSON_DIVISIONS, 6)
    ids, _ = identity.resident_ids(cfg.seed, gidx, divisions, roles.birth_year, rng.random(m))
    lag = rng.integers(1, 10, m)
    table = pa.table({
        "id_number": ids,
        "name": _chinese_names(rng, m),
        "phone": _mobile(rng, m),
        "birth_year": pa.array(roles.birth_year.astype(np.int16), pa.int16()),
        "source": pa.repeat(pa.scalar(SOURCE), m),
        "source_record_id": record_ids("PS", block, m),
        "observed_at": timestamp_array(((roles.first_day + lag) * 86400 + 36000) * 1_000_000),
        "effective_from": date_array(roles.first_day),
        "effective_to": date_array(np.full(m, NO_DAY, dtype=np.int64)),
        "legal_expiry": date_array(np.full(m, NO_DAY, dtype=np.int64)),
    })
    return table, ids


def _enterprise_table(ctx: BlockContext, block: int, codes: pa.Array, person_ids: pa.Array) -> pa.Table:
    rng = ctx.rng(50)
    f = ctx.firms
    core = f.core
    n = ctx.n
    city_name = pick(CITIES.name, core.city)
    trade = join(pick(TRADE_NAME_CHARS, rng.integers(0, len(TRADE_NAME_CHARS), n)),
                 pick(TRADE_NAME_CHARS, rng.integers(0, len(TRADE_NAME_CHARS), n)))
    name = join(city_name, trade, pick(INDUSTRIES.word, core.industry), pick(TYPE_NAME_SUFFIX, core.etype))
    own_address = join(city_name, "市", pick(ROADS, rng.integers(0, len(ROADS), n)), "路",
                       number_text(rng.integers(1, 999, n)), "号", number_text(rng.integers(1, 30, n)), "层",
                       number_text(rng.integers(1, 40, n) * 100 + rng.integers(1, 20, n)), "室")
    landline = join(pick(CITIES.area_code, core.city), "-",
                    from_byte_matrix(digit_matrix(rng.integers(5 * 10**7, 9 * 10**7, n), 8)))
    own_phone = pa.array(np.where(rng.random(n) < 0.45, landline.to_numpy(zero_copy_only=False),
                                  _mobile(rng, n).to_numpy(zero_copy_only=False)), pa.string())
    address = own_address.take(pa.array(ctx.net.address_owner))
    phone = own_phone.take(pa.array(ctx.net.phone_owner))
    registered = np.where(f.capital_wan > 0, f.capital_wan * 1e4, np.nan)
    paid = np.where(f.capital_wan > 0, f.paid_in_wan * 1e4, np.nan)
    seen = np.where(f.exit_day != NO_DAY, f.exit_day, f.established_day) + rng.integers(1, 6, n)
    late = rng.random(n) < 0.01
    seen = seen + np.where(late, rng.integers(60, 366, n), 0)
    return pa.table({
        "enterprise_id": codes,
        "uscc": codes,
        "name": name,
        "legal_rep_id": person_ids.take(pa.array(ctx.roles.legal_rep)),
        "established_date": date_array(f.established_day),
        "registered_capital": pa.array(registered, pa.float64(), mask=np.isnan(registered)),
        "paid_in_capital": pa.array(paid, pa.float64(), mask=np.isnan(paid)),
        "industry": pick(INDUSTRIES.code, core.industry),
        "region": pa.array(core.region.astype(str).astype(object), pa.string()),
        "enterprise_type": pick(ENTERPRISE_TYPES, core.etype),
        "status": pick(STATUSES, f.status),
        "insured_employees": pa.array(f.employees.astype(np.int32), pa.int32()),
        "address": address,
        "phone": phone,
        "platform_member_since": date_array(f.member_since),
        "source": pa.repeat(pa.scalar(SOURCE), n),
        "source_record_id": record_ids("EN", block, n),
        "observed_at": timestamp_array((seen * 86400 + 32400) * 1_000_000),
        "effective_from": date_array(f.established_day),
        "effective_to": date_array(f.exit_day),
        "legal_expiry": date_array(np.full(n, NO_DAY, dtype=np.int64)),
    })


def _role_relations(ctx: BlockContext, rb: RelationBuffer, codes: list[str]) -> None:
    f, roles, net = ctx.firms, ctx.roles, ctx.net
    g = ctx.gidx
    est = f.established_day
    obs = est + 3
    rb.add("legal_representative", est, obs, src_person=roles.legal_rep, dst_firm=g)
    role_attrs = pick(('{"role":"supervisor"}', '{"role":"director"}'), roles.officer_role)
    rb.add("officer", est[roles.officer_firm], obs[roles.officer_firm], src_person=roles.officer_person,
           dst_firm=g[roles.officer_firm], attrs=role_attrs)
    rb.add("shareholding", est[roles.holder_firm], obs[roles.holder_firm], src_person=roles.holder_person,
           dst_firm=g[roles.holder_firm], share=roles.holder_share)
    amount = np.round(net.inv_share * np.maximum(f.capital_wan[net.inv_dst], 1) * 1e4, 2)
    rb.add("investment", net.inv_day, net.inv_day + 5, src_firm=g[net.inv_src], dst_firm=g[net.inv_dst],
           share=net.inv_share, amount=amount)
    rb.add("guarantee", net.loan_start[net.g_dst], net.loan_start[net.g_dst] + 7, src_firm=g[net.g_src],
           dst_firm=g[net.g_dst], amount=net.principal_wan[net.g_dst] * 1e4)
    br = np.flatnonzero(roles.branch_head >= 0)
    rb.add("branch", est[br], obs[br], src_firm=g[roles.branch_head[br]], dst_firm=g[br])
    for kind, owner in (("shared_address", net.address_owner), ("shared_phone", net.phone_owner)):
        shared = np.flatnonzero(np.bincount(owner, minlength=ctx.n) > 1)
        src: list[int] = []
        dst: list[int] = []
        for o in shared:
            members = np.flatnonzero(owner == o)
            members = members[np.argsort([codes[i] for i in members])]
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    src.append(int(members[a]))
                    dst.append(int(members[b]))
        s, d = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
        start = np.maximum(est[s], est[d]) if len(s) else s
        rb.add(kind, start, start + 3, src_firm=g[s], dst_firm=g[d])


def _truth(ctx: BlockContext, codes: pa.Array, default_day: np.ndarray) -> pa.Table:
    f, out = ctx.firms, ctx.outcome
    n = ctx.n
    circle = np.full(n, -1, dtype=np.int64)
    in_c = ctx.net.g_circle >= 0
    circle[ctx.net.g_dst[in_c]] = ctx.net.g_circle[in_c]
    order = np.argsort(out.dst_of, kind="stable")
    dst_sorted = out.dst_of[order]
    offsets = np.searchsorted(dst_sorted, np.arange(n + 1)).astype(np.int32)
    sources = pa.ListArray.from_arrays(pa.array(offsets), codes.take(pa.array(out.src_of[order])))
    return pa.table({
        "enterprise_id": codes,
        "active_at_as_of": pa.array(f.active),
        "latent_health": pa.array(-f.core.risk),
        "pd_own_12m": pa.array(f.pd_own),
        "default_12m": pa.array(out.default),
        "default_date": date_array(np.where(out.default, default_day, NO_DAY)),
        "default_cause": pa.array(np.array(CAUSES, dtype=object)[out.cause], pa.string(),
                                  mask=out.cause == NONE),
        "fraud_ring_id": pa.array(f.ring, pa.int64(), mask=f.ring < 0),
        "guarantee_circle_id": pa.array(circle, pa.int64(), mask=circle < 0),
        "contagion_sources": sources,
    })


def generate_block(cfg: SynthConfig, block: int) -> BlockTables:
    """Generate every record of block ``block`` (firms ``block*BLOCK_SIZE ...``)."""
    lo = block * BLOCK_SIZE
    hi = min(cfg.n_enterprises, lo + BLOCK_SIZE)
    core = firm_core(cfg, np.arange(lo, hi))
    firms = build_firms(cfg, block, core)
    roles = build_roles(cfg, firms)
    net = build_network(cfg, firms, roles)
    outcome = draw_outcome(cfg, firms, net)
    ctx = BlockContext(cfg=cfg, firms=firms, roles=roles, net=net, outcome=outcome)
    person, person_ids = _person_table(cfg, block, roles, ctx.rng(51))
    codes = core.uscc(cfg.seed)

    eb = EventBuffer()
    rb = RelationBuffer()
    registry_events(ctx, eb)
    annual_reports(ctx, eb)
    tax_events(ctx, eb)
    headcount_and_platform(ctx, eb)
    default_day = credit_events(ctx, eb)
    court_events(ctx, eb)
    administrative_events(ctx, eb)
    personal_credit(ctx, eb)
    invoice_events(ctx, eb, rb)
    _role_relations(ctx, rb, codes.to_pylist() if len(net.address_owner) else [])

    tables = {
        "enterprise": _enterprise_table(ctx, block, codes, person_ids),
        "person": person,
        "relation": rb.table(cfg, block, person_ids),
        "event": eb.table(cfg, block, person_ids),
        "authorization_grant": authorization_table(ctx, person_ids, block),
    }
    return BlockTables(tables=tables, truth=_truth(ctx, codes, default_day), event_counts=eb.type_counts(),
                       relation_counts=rb.type_counts())


def manifest_counts(counts: dict[str, int]) -> str:
    """Stable JSON text of a count dictionary (used in the manifest)."""
    return json.dumps(dict(sorted(counts.items())), ensure_ascii=False)
