"""Blocks: the shared row sets feature expressions read, on top of the snapshot layer.

A block is a SELECT over ``pit_*`` views that yields rows carrying ``enterprise_id``. Features of
an *aggregate* block are aggregate expressions (the block is grouped by ``enterprise_id``);
features of a *scalar* block are per-row expressions over one row per enterprise. Grouping all
features of a block into one query means one scan of the events for ~50 event features, instead
of one scan per feature, while every feature keeps its own self-contained SQL definition.

Helper views (``pit_ent``, ``pit_base``, ``pit_ev``, ...) are derived from the snapshot and are
installed after it; they are point-in-time because they read only ``pit_*`` views.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmscore.datamodel.specials import NOT_AUTHORIZED

#: The registry statuses of a failed enterprise (one spelling for every block and feature).
FAILED_STATUSES = "('revoked', 'cancelled')"

#: (view name, SQL template) of derived point-in-time views, in dependency order.
HELPER_TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        # one row per enterprise id: the most recently observed record (several sources may describe it)
        "pit_ent",
        """SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY enterprise_id ORDER BY observed_at DESC, record_id DESC) AS _rn
    FROM pit_enterprise
) AS ranked WHERE _rn = 1""",
    ),
    (
        # the enterprises that exist on D: the rows of the feature matrix
        "pit_base",
        "SELECT * FROM pit_ent WHERE established_date IS NULL OR established_date <= {as_of}",
    ),
    (
        # events about enterprises that happened by D
        "pit_ev",
        """SELECT *, subject_id AS enterprise_id FROM pit_event
WHERE subject_type = 'enterprise' AND (event_date IS NULL OR event_date <= {as_of})""",
    ),
    (
        # ties valid on D
        "pit_rel",
        """SELECT * FROM pit_relation
WHERE (effective_from IS NULL OR effective_from <= {as_of}) AND (effective_to IS NULL OR effective_to > {as_of})""",
    ),
    (
        # enterprises in distress on D: failed status, active dishonest listing, open enforcement, exit
        "pit_distressed",
        f"""SELECT enterprise_id FROM pit_base WHERE status IN {FAILED_STATUSES}
UNION
SELECT enterprise_id FROM pit_ev
WHERE (event_type IN ('dishonest_listing', 'enforcement') AND (end_date IS NULL OR end_date > {{as_of}}))
   OR event_type IN ('bankruptcy', 'market_exit')""",
    ),
    (
        "lr_person",
        """SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY observed_at DESC, record_id DESC) AS _rn
    FROM pit_person
) AS ranked WHERE _rn = 1""",
    ),
    (
        # persons whose personal-credit authorization is valid on D (the gate)
        "lr_auth",
        """SELECT subject_id AS person_id, max(record_id) AS grant_record_id FROM pit_authorization_grant
WHERE scope = 'personal_credit'
  AND (effective_from IS NULL OR effective_from <= {as_of})
  AND (effective_to IS NULL OR effective_to > {as_of})
  AND (revoked_at IS NULL OR revoked_at >= {cutoff})
GROUP BY subject_id""",
    ),
    (
        # latest personal-credit report per *authorized* person: unauthorized files are never read
        "lr_credit",
        """SELECT person_id, band, overdue, record_id FROM (
    SELECT e.subject_id AS person_id, e.code AS band, e.value AS overdue, e.record_id,
           row_number() OVER (PARTITION BY e.subject_id ORDER BY e.event_date DESC, e.observed_at DESC) AS _rn
    FROM pit_event AS e JOIN lr_auth AS a ON a.person_id = e.subject_id
    WHERE e.event_type = 'personal_credit' AND e.subject_type = 'person'
      AND (e.event_date IS NULL OR e.event_date <= {as_of})
) AS ranked WHERE _rn = 1""",
    ),
    (
        # public-record facts about persons (court lists): not personal credit, no authorization needed
        "lr_pevents",
        """SELECT subject_id AS person_id,
    max(CASE WHEN event_type = 'dishonest_listing' AND (end_date IS NULL OR end_date > {as_of}) THEN 1.0 ELSE 0.0 END)
        AS dishonest_now,
    max(CASE WHEN event_type = 'consumption_restriction' AND (end_date IS NULL OR end_date > {as_of})
        THEN 1.0 ELSE 0.0 END)
        AS restricted_now,
    sum(CASE WHEN event_type = 'enforcement' THEN 1.0 ELSE 0.0 END) AS enforcements
FROM pit_event
WHERE subject_type = 'person' AND event_type IN ('dishonest_listing', 'consumption_restriction', 'enforcement')
  AND (event_date IS NULL OR event_date <= {as_of})
GROUP BY subject_id""",
    ),
    (
        # the firms each person represents on D, and how many of them failed or are distressed
        "lr_firms",
        f"""SELECT b.legal_rep_id AS person_id, count(*) AS firms,
    sum(CASE WHEN b.status IN {FAILED_STATUSES} THEN 1.0 ELSE 0.0 END) AS failed,
    sum(CASE WHEN d.enterprise_id IS NOT NULL THEN 1.0 ELSE 0.0 END) AS distressed
FROM pit_base AS b LEFT JOIN pit_distressed AS d ON d.enterprise_id = b.enterprise_id
WHERE b.legal_rep_id IS NOT NULL
GROUP BY b.legal_rep_id""",
    ),
    (
        "lr_change",
        """SELECT enterprise_id, max(event_date) AS last_change FROM pit_ev
WHERE event_type = 'registry_change' AND code = 'legal_rep' GROUP BY enterprise_id""",
    ),
)


#: Helpers read by several block queries; small (one row per enterprise or person), so computing them
#: once per run (a temporary table) saves a scan of the events per block that reads them.
MATERIALIZED_HELPERS: frozenset[str] = frozenset(
    {"pit_base", "pit_distressed", "lr_person", "lr_auth", "lr_credit", "lr_pevents", "lr_firms", "lr_change"}
)

#: Event families: the event block runs once per family, restricted to the event types its features
#: read, so that each FILTER aggregate is evaluated on its own rows only (same results, less work).
EVENT_FAMILIES: dict[str, frozenset[str]] = {
    "trade": frozenset({"invoice_out", "invoice_in", "tax_payment", "platform_trade"}),
    "credit": frozenset({"loan", "repayment", "default", "credit_grade"}),
    "legal": frozenset({"enforcement", "dishonest_listing", "lawsuit", "penalty", "tax_arrears", "equity_pledge",
                        "chattel_mortgage", "consumption_restriction", "bankruptcy", "abnormal_operation"}),
}


def event_family(primary_event_type: str) -> str:
    """The family of a feature's primary event type (``"other"`` when none matches)."""
    return next((name for name, types in EVENT_FAMILIES.items() if primary_event_type in types), "other")


@dataclass(frozen=True)
class Block:
    """A row set that features read.

    Attributes
    ----------
    name : str
    kind : str
        ``"aggregate"`` (features are aggregates, grouped by ``enterprise_id``) or ``"scalar"``.
    source : str
        SQL template of the rows (must expose ``enterprise_id``).
    evidence_source : str
        SQL template of the canonical records behind the rows (must expose ``enterprise_id`` and
        ``record_id``); a feature's ``evidence_where`` (or ``where``) filters it.
    """

    name: str
    kind: str
    source: str
    evidence_source: str

    @property
    def evidence_sql(self) -> str:
        """The evidence relation, with ``{source}`` standing for the block's own rows."""
        return self.evidence_source.replace("{source}", self.source)


_EVENT_ROWS = (
    "SELECT e.*, b.registered_capital AS reg_capital FROM pit_ev AS e "
    "LEFT JOIN (SELECT enterprise_id, registered_capital FROM pit_base) AS b ON b.enterprise_id = e.enterprise_id"
)

BLOCKS: dict[str, Block] = {
    "enterprise": Block(
        name="enterprise",
        kind="scalar",
        source="SELECT * FROM pit_base",
        evidence_source="SELECT enterprise_id, record_id FROM pit_base",
    ),
    "event": Block(
        name="event",
        kind="aggregate",
        source=_EVENT_ROWS,
        evidence_source=_EVENT_ROWS,
    ),
    "invoice_month": Block(
        name="invoice_month",
        kind="aggregate",
        source="""SELECT enterprise_id, event_type,
    date_diff('month', date_trunc('month', event_date), date_trunc('month', {as_of})) AS mi,
    sum(CASE WHEN code IS DISTINCT FROM 'voided' THEN amount ELSE 0.0 END) AS amt,
    count(*) AS n
FROM pit_ev
WHERE event_type IN ('invoice_out', 'invoice_in')
  AND event_date >= date_trunc('month', {as_of}) - INTERVAL 23 MONTH
GROUP BY enterprise_id, event_type,
    date_diff('month', date_trunc('month', event_date), date_trunc('month', {as_of}))""",
        evidence_source="SELECT * FROM pit_ev",
    ),
    "counterparty": Block(
        name="counterparty",
        kind="aggregate",
        source="""SELECT enterprise_id, event_type, counterparty_id, amt,
    amt / sum(amt) OVER (PARTITION BY enterprise_id, event_type) AS share
FROM (
    SELECT enterprise_id, event_type, counterparty_id, sum(amount) AS amt
    FROM pit_ev
    WHERE event_type IN ('invoice_out', 'invoice_in') AND counterparty_id IS NOT NULL
      AND code IS DISTINCT FROM 'voided' AND amount > 0
      AND event_date > {as_of} - INTERVAL 12 MONTH
    GROUP BY enterprise_id, event_type, counterparty_id
) AS per_counterparty""",
        evidence_source="SELECT * FROM pit_ev",
    ),
    "relation": Block(
        name="relation",
        kind="aggregate",
        source="""SELECT x.*, CASE WHEN d.enterprise_id IS NULL THEN 0.0 ELSE 1.0 END AS other_distressed,
    b.registered_capital AS reg_capital
FROM (
    SELECT dst_id AS enterprise_id, 'in' AS direction, relation_type, src_type AS other_type, src_id AS other_id,
           share, amount, record_id
    FROM pit_rel WHERE dst_type = 'enterprise'
    UNION ALL
    SELECT src_id AS enterprise_id, 'out' AS direction, relation_type, dst_type AS other_type, dst_id AS other_id,
           share, amount, record_id
    FROM pit_rel WHERE src_type = 'enterprise'
) AS x
LEFT JOIN pit_distressed AS d ON x.other_type = 'enterprise' AND d.enterprise_id = x.other_id
LEFT JOIN pit_base AS b ON b.enterprise_id = x.enterprise_id""",
        evidence_source="SELECT * FROM ({source}) AS relation_rows",
    ),
    "legal_rep": Block(
        name="legal_rep",
        kind="scalar",
        source=f"""SELECT b.enterprise_id, b.legal_rep_id, b.established_date, p.birth_year,
    CASE WHEN a.person_id IS NULL THEN 0 ELSE 1 END AS authorized,
    c.band, c.overdue, pe.dishonest_now, pe.restricted_now, pe.enforcements,
    f.firms, f.failed, f.distressed, ch.last_change,
    coalesce(b.status IN {FAILED_STATUSES}, false) AS self_failed,
    sd.enterprise_id IS NOT NULL AS self_distressed
FROM pit_base AS b
LEFT JOIN pit_distressed AS sd ON sd.enterprise_id = b.enterprise_id
LEFT JOIN lr_person AS p ON p.person_id = b.legal_rep_id
LEFT JOIN lr_auth AS a ON a.person_id = b.legal_rep_id
LEFT JOIN lr_credit AS c ON c.person_id = b.legal_rep_id
LEFT JOIN lr_pevents AS pe ON pe.person_id = b.legal_rep_id
LEFT JOIN lr_firms AS f ON f.person_id = b.legal_rep_id
LEFT JOIN lr_change AS ch ON ch.enterprise_id = b.enterprise_id""",
        evidence_source="""SELECT b.enterprise_id, 'person' AS kind, p.record_id FROM pit_base AS b
    JOIN lr_person AS p ON p.person_id = b.legal_rep_id
UNION ALL
SELECT b.enterprise_id, 'credit' AS kind, c.record_id FROM pit_base AS b
    JOIN lr_credit AS c ON c.person_id = b.legal_rep_id
UNION ALL
SELECT b.enterprise_id, 'grant' AS kind, a.grant_record_id AS record_id FROM pit_base AS b
    JOIN lr_auth AS a ON a.person_id = b.legal_rep_id
UNION ALL
SELECT b.enterprise_id, 'person_event_' || e.event_type AS kind, e.record_id FROM pit_base AS b
    JOIN pit_event AS e ON e.subject_type = 'person' AND e.subject_id = b.legal_rep_id
    AND e.event_type IN ('dishonest_listing', 'consumption_restriction', 'enforcement')
    AND (e.event_date IS NULL OR e.event_date <= {as_of})
UNION ALL
SELECT b.enterprise_id, 'firm' AS kind, o.record_id FROM pit_base AS b
    JOIN pit_base AS o ON o.legal_rep_id = b.legal_rep_id
UNION ALL
SELECT enterprise_id, 'legal_rep_change' AS kind, record_id FROM pit_ev
    WHERE event_type = 'registry_change' AND code = 'legal_rep'""",
    ),
}

#: SQL expression that turns a personal value into the NOT_AUTHORIZED code when the gate is closed.
NOT_AUTHORIZED_SQL = f"CAST({NOT_AUTHORIZED!r} AS DOUBLE)"
