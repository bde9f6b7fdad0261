"""Each typology on a small hand-made case, with the exact flags and evidence expected."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from fraud_cases import AS_OF, ent, evt, firm_index, invoice, rel

from firmscore.fraud import Typology
from firmscore.fraud.bust_out import detect_bust_outs
from firmscore.fraud.guarantee import detect_guarantee_circles
from firmscore.fraud.identity import detect_identity_reuse
from firmscore.fraud.phoenix import detect_phoenix
from firmscore.fraud.round_trip import detect_round_trips, matched_cycles
from firmscore.fraud.shell import detect_shell_clusters

D = dt.timedelta


def _strengths(res, inp, ids):
    return {e: round(float(res.strength[firm_index(inp, e)]), 6) for e in ids}


def _evidence(res, inp, eid):
    ev = res.evidence.set_index("firm")
    return ev.loc[firm_index(inp, eid)]


# ----------------------------------------------------------------------------- invoice round trip


def _loop(write, amounts, start=dt.date(2025, 1, 10), rounds=3):
    rows = []
    for r in range(rounds):
        day = start + D(days=60 * r)
        a, b, c = amounts
        rows += [invoice("A", "B", day, a), invoice("B", "C", day + D(days=3), b),
                 invoice("C", "A", day + D(days=6), c)]
    return write("event", rows)


def test_three_firm_round_trip_is_flagged_with_its_invoices(write, inputs):
    write("enterprise", [ent(x) for x in "ABCDE"])
    loop_ids = _loop(write, (1_000_000.0, 990_000.0, 1_005_000.0))
    write("event", [invoice("D", "E", dt.date(2025, 2, 1), 500_000.0),
                    invoice("E", "D", dt.date(2025, 2, 20), 80_000.0)])
    inp = inputs()
    res = detect_round_trips(inp)
    assert res.typology is Typology.ROUND_TRIP
    expected = round((1 - 0.4**3) * 1.0, 6)  # three rounds, all of their volume on the loop
    assert _strengths(res, inp, "ABCDE") == {"A": expected, "B": expected, "C": expected, "D": 0.0, "E": 0.0}
    ev = _evidence(res, inp, "A")
    assert set(ev["record_ids"]) <= set(loop_ids) and len(ev["record_ids"]) == 9
    assert ev["paths"][0] == "A →(¥1,000,000, 2025-05-10) B →(¥990,000, 2025-05-13) C →(¥1,005,000, 2025-05-16) A"
    assert "3 round(s)" in ev["explanation_en"] and "3 轮" in ev["explanation_zh"]
    assert sorted(res.evidence["firm"]) == sorted(firm_index(inp, x) for x in "ABC")


def test_a_loop_without_matching_amounts_is_not_a_round_trip(write, inputs):
    write("enterprise", [ent(x) for x in "ABC"])
    _loop(write, (1_000_000.0, 400_000.0, 2_000_000.0))
    inp = inputs()
    assert matched_cycles(inp.invoices).empty
    assert detect_round_trips(inp).strength.sum() == 0


def test_round_trip_invoices_observed_after_the_as_of_date_are_not_seen(write, inputs):
    write("enterprise", [ent(x) for x in "ABC"])
    _loop(write, (1_000_000.0, 1_000_000.0, 1_000_000.0), start=dt.date(2025, 5, 1), rounds=1)
    assert detect_round_trips(inputs(dt.date(2025, 5, 5))).strength.sum() == 0  # the closing leg is not known yet
    assert detect_round_trips(inputs()).strength.max() == pytest.approx(0.6)


def test_round_trip_through_a_counterparty_without_an_enterprise_record(write, inputs):
    """Real invoice data names counterparties that have no enterprise record: they are nodes of the loop."""
    write("enterprise", [ent("A"), ent("B")])
    write("event", [invoice("A", "B", dt.date(2025, 3, 1), 50_000.0), invoice("B", "X9", dt.date(2025, 3, 2), 50_000.0),
                    evt("invoice_in", "A", dt.date(2025, 3, 4), counterparty_id="X9", amount=49_500.0)])
    inp = inputs()
    res = detect_round_trips(inp)
    assert _strengths(res, inp, "AB") == {"A": 0.6, "B": 0.6}
    assert "X9" in _evidence(res, inp, "B")["paths"][0]


# ----------------------------------------------------------------------------- shell cluster


def test_twenty_shells_at_one_address_are_flagged_and_the_busy_neighbours_are_not(write, inputs):
    shells = [f"S{i:02d}" for i in range(20)]
    rows = [ent(s, address="深圳市福田路1号8层801室", insured_employees=0, legal_rep_id=f"P{i}",
                established_date=dt.date(2024, 3, 1) + D(days=3 * i)) for i, s in enumerate(shells)]
    busy = [f"B{i}" for i in range(5)]
    rows += [ent(b, address="深圳市创业路9号", insured_employees=25, established_date=dt.date(2024, 3, 1) + D(days=i))
             for i, b in enumerate(busy)]
    rows += [ent("LONE", address="深圳市南山路3号", insured_employees=0, established_date=dt.date(2024, 3, 2))]
    ids = write("enterprise", rows)
    events = []
    for i, b in enumerate(busy):
        events.append(evt("tax_payment", b, dt.date(2025, 4, 15), amount=20_000.0))
        events.append(invoice(b, "CUSTOMER", dt.date(2025, 5, 1) + D(days=i), 300_000.0))
    write("event", events)
    inp = inputs()
    res = detect_shell_clusters(inp)
    s = _strengths(res, inp, [*shells, *busy, "LONE"])
    assert all(s[x] == 1.0 for x in shells)
    assert all(s[x] == 0.0 for x in [*busy, "LONE"])
    ev = _evidence(res, inp, "S10")
    record_of = dict(zip([r["enterprise_id"] for r in rows], ids, strict=True))
    assert ev["record_ids"][0] == record_of["S10"]
    # peers registered within 90 days, nearest registration first: S00..S09 (before) and S11.. (after)
    assert set(ev["record_ids"][1:]) <= {record_of[x] for x in shells if x != "S10"}
    assert len(ev["record_ids"]) == 12
    assert ev["paths"][0] == "S10 -[shared_address]- S00"
    assert "20 firms" in ev["explanation_en"] and "no insured staff" in ev["explanation_en"]
    assert "无参保员工" in ev["explanation_zh"]


def test_shells_registered_years_apart_are_not_a_burst(write, inputs):
    rows = [ent(f"S{i}", address="同一地址1号", insured_employees=0, established_date=dt.date(2016 + 2 * i, 1, 1))
            for i in range(4)]
    write("enterprise", rows)
    assert detect_shell_clusters(inputs()).strength.sum() == 0


# ----------------------------------------------------------------------------- phoenix


def test_phoenix_pair_and_the_innocent_restarts(write, inputs):
    old_rows = [
        ent("OLD", legal_rep_id="P1", industry="F51", address="杭州市文一路1号", status="cancelled",
            effective_to=dt.date(2024, 1, 1)),
        ent("NEW", legal_rep_id="P1", industry="F51", address="杭州市文一路1号", established_date=dt.date(2024, 3, 1)),
        # cancelled cleanly: a restart, not a phoenix
        ent("OLD2", legal_rep_id="P2", industry="C13", status="cancelled", effective_to=dt.date(2024, 1, 1)),
        ent("NEW2", legal_rep_id="P2", industry="C13", established_date=dt.date(2024, 3, 1)),
        # left debts behind but starts over in another trade, elsewhere
        ent("OLD3", legal_rep_id="P3", industry="F51", address="甲地", status="revoked",
            effective_to=dt.date(2024, 1, 1)),
        ent("NEW3", legal_rep_id="P3", industry="I65", address="乙地", established_date=dt.date(2024, 3, 1)),
    ]
    ent_ids = dict(zip([r["enterprise_id"] for r in old_rows], write("enterprise", old_rows), strict=True))
    neg = write("event", [evt("enforcement", "OLD", dt.date(2023, 6, 1), amount=800_000.0),
                          evt("dishonest_listing", "OLD", dt.date(2023, 9, 1)),
                          evt("enforcement", "OLD3", dt.date(2023, 6, 1), amount=100_000.0)])
    inp = inputs()
    res = detect_phoenix(inp)
    assert _strengths(res, inp, ["OLD", "NEW", "OLD2", "NEW2", "OLD3", "NEW3"]) == {
        "OLD": 0.0, "NEW": 1.0, "OLD2": 0.0, "NEW2": 0.0, "OLD3": 0.0, "NEW3": 0.0}
    ev = _evidence(res, inp, "NEW")
    assert ev["record_ids"] == [ent_ids["NEW"], ent_ids["OLD"], *neg[:2]]
    assert ev["paths"] == ["P1 -[legal_representative]-> OLD (exited 2024-01-01)", "P1 -[legal_representative]-> NEW"]
    assert "industry and address" in ev["explanation_en"] and "同一行业、同一地址" in ev["explanation_zh"]


def test_phoenix_sharing_only_the_industry_without_a_dishonest_listing(write, inputs):
    write("enterprise", [ent("OLD", legal_rep_id="P1", industry="F51", address="甲", status="cancelled",
                             effective_to=dt.date(2024, 1, 1)),
                         ent("NEW", legal_rep_id="P1", industry="F51", address="乙",
                             established_date=dt.date(2024, 2, 1))])
    write("event", [evt("enforcement", "OLD", dt.date(2023, 6, 1))])
    inp = inputs()
    assert _strengths(detect_phoenix(inp), inp, ["NEW"]) == {"NEW": 0.65}


# ----------------------------------------------------------------------------- bust-out


def _history(write, firm, monthly, recent, buyers, heads, taxes):
    rows = []
    for k in range(12):
        day = AS_OF - D(days=15 + 30 * k)
        amount = recent if k < 3 else monthly
        for j, b in enumerate(buyers if k < 3 else buyers[:1]):
            rows.append(invoice(firm, b, day - D(days=j), amount / (len(buyers) if k < 3 else 1)))
    for day, head in heads:
        rows.append(evt("social_insurance", firm, day, value=float(head)))
    for day, tax in taxes:
        rows.append(evt("tax_payment", firm, day, amount=tax))
    return write("event", rows)


def test_bust_out_against_genuine_growth(write, inputs):
    write("enterprise", [ent("BUST", insured_employees=5), ent("GROW", insured_employees=30)])
    flat_tax = [(AS_OF - D(days=d), 3_000.0) for d in (10, 100, 190, 280)]
    ids = _history(write, "BUST", 100_000.0, 1_000_000.0, ["Z1"],
                   [(AS_OF - D(days=200), 5), (AS_OF - D(days=20), 5)], flat_tax)
    grow_tax = [(AS_OF - D(days=10), 30_000.0)] + [(AS_OF - D(days=d), 3_000.0) for d in (100, 190, 280)]
    _history(write, "GROW", 100_000.0, 1_000_000.0, [f"C{i}" for i in range(10)],
             [(AS_OF - D(days=200), 5), (AS_OF - D(days=20), 30)], grow_tax)
    inp = inputs()
    res = detect_bust_outs(inp)
    s = _strengths(res, inp, ["BUST", "GROW"])
    tax_ratio = (3_000.0 / 90) / (9_000.0 / 275)
    tax_lag = 1 - np.log(tax_ratio) / np.log(10.0)
    assert s["BUST"] == round(0.4 * 1.0 + 0.4 * tax_lag + 0.2 * 1.0, 6)
    assert s["GROW"] < 0.1
    ev = _evidence(res, inp, "BUST")
    assert ev["record_ids"][1:4] == ids[0:3]  # the three recent invoices, largest first (equal: latest first)
    assert ev["paths"][0] == "BUST -[trade ¥1,000,000]-> Z1"
    assert "10.0×" in ev["explanation_en"] and "10.0 倍" in ev["explanation_zh"]


# ----------------------------------------------------------------------------- guarantee circle


def test_guarantee_circle_of_three(write, inputs):
    write("enterprise", [ent(x) for x in "ABCDE"])
    loop = write("relation", [rel("guarantee", "A", "B", amount=1e6), rel("guarantee", "B", "C", amount=2e6),
                              rel("guarantee", "C", "A", amount=3e6), rel("guarantee", "D", "E", amount=1e6)])
    inp = inputs()
    res = detect_guarantee_circles(inp)
    assert _strengths(res, inp, "ABCDE") == {"A": 0.7, "B": 0.7, "C": 0.7, "D": 0.0, "E": 0.0}
    ev = _evidence(res, inp, "B")
    assert sorted(ev["record_ids"]) == sorted(loop[:3])
    assert ev["paths"] == ["B -[guarantee ¥2,000,000]-> C -[guarantee ¥3,000,000]-> A -[guarantee ¥1,000,000]-> B"]
    assert "3 firms" in ev["explanation_en"]


# ----------------------------------------------------------------------------- identity reuse


def test_one_identity_behind_firms_in_five_cities(write, inputs):
    cities = ["110101", "310101", "440301", "330102", "510104"]
    rows = [ent(f"R{i}", legal_rep_id="P9", region=c, established_date=dt.date(2024, 1, 1) + D(days=40 * i))
            for i, c in enumerate(cities)]
    rows += [ent("H1", legal_rep_id="P8", region="110101"), ent("H2", legal_rep_id="P8", region="310101")]
    rows += [ent("SLOW1", legal_rep_id="P7", region="110101", established_date=dt.date(2016, 1, 1))]
    rows += [ent(f"SLOW{i}", legal_rep_id="P7", region=c, established_date=dt.date(2016 + 2 * i, 1, 1))
             for i, c in enumerate(cities[1:], 2)]
    write("enterprise", rows)
    inp = inputs()
    res = detect_identity_reuse(inp)
    s = _strengths(res, inp, [f"R{i}" for i in range(5)] + ["H1", "H2"] + [f"SLOW{i}" for i in range(1, 6)])
    assert [s[f"R{i}"] for i in range(5)] == [1.0] * 5
    assert s["H1"] == s["H2"] == 0.0  # a second city is ordinary
    assert all(s[f"SLOW{i}"] == 0.0 for i in range(1, 6))  # years apart: a career, not a borrowed ID
    ev = _evidence(res, inp, "R0")
    assert ev["paths"][0] == "P9 -[legal_representative]-> R0" and len(ev["paths"]) == 5
    assert "4 other cit" in ev["explanation_en"]


def test_bust_out_without_headcount_or_tax_records_says_so(write, inputs):
    """A source without social-insurance or tax data (cumcm2020c): the checks count half and are named missing."""
    write("enterprise", [ent("NODATA", insured_employees=None)])
    _history(write, "NODATA", 100_000.0, 1_000_000.0, ["Z1"], [], [])
    inp = inputs()
    res = detect_bust_outs(inp)
    assert _strengths(res, inp, ["NODATA"]) == {"NODATA": round(0.4 * 0.5 + 0.4 * 0.5 + 0.2, 6)}
    ev = _evidence(res, inp, "NODATA")
    assert "no headcount records, no tax records" in ev["explanation_en"]
    assert "参保人数无记录、纳税无记录" in ev["explanation_zh"]


def test_a_token_purchase_from_a_real_firm_does_not_make_a_shell_real(write, inputs):
    shells = [ent(f"S{i}", address="同一地址8号", insured_employees=0, legal_rep_id=f"P{i}",
                  established_date=dt.date(2024, 3, 1) + D(days=i)) for i in range(4)]
    write("enterprise", [*shells, ent("REAL")])
    write("event", [invoice("REAL", "S0", dt.date(2025, 3, 1), 20_000.0)])  # all of S0's trade is outside
    inp = inputs()
    s = _strengths(detect_shell_clusters(inp), inp, ["S0", "S1"])
    # S0: trade term 1 − 1 · 20,000 / 300,000; its peers are fully dormant
    d0 = 0.40 + 0.45 * (1 - 20_000 / 300_000) + 0.15
    assert s["S0"] == round(d0 * 1.0, 6)
    assert s["S1"] == round(1.0 * (d0 + 2) / 3, 6)


def test_a_ring_invoicing_itself_is_not_a_bust_out(write, inputs):
    """Recent sales to firms sharing the seller's address are the shell detector's case, not a ramp-up."""
    write("enterprise", [ent("R1", address="环路1号"), ent("R2", address="环路1号"), ent("OUT", address="别处")])
    _history(write, "R1", 100_000.0, 1_000_000.0, ["R2"], [], [])
    _history(write, "OUT", 100_000.0, 1_000_000.0, ["Z9"], [], [])
    inp = inputs()
    s = _strengths(detect_bust_outs(inp), inp, ["R1", "OUT"])
    assert s["R1"] == 0.0 and s["OUT"] == 0.6
