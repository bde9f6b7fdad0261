"""Per-enterprise facts the consistency checks compare, each computed once over the snapshot.

All views read the feature engine's point-in-time views (``pit_base``, ``pit_ev``, ``pit_rel``),
so the trust indicators see exactly the records the score sees. Heavy scans of ``pit_ev`` happen
twice: one grouped pass for trailing-window facts and one join of invoices and taxes with the
latest annual report's year.
"""

from __future__ import annotations

from firmscore.trust.thresholds import TrustThresholds

#: Rows of an invoice that count as turnover: not voided (a missing code means valid).
VALID_INVOICE = "coalesce(code, 'valid') <> 'voided'"


#: Records whose arrival time is information: dated, and not stamped exactly at midnight (UTC) of their
#: own date, which is how historical back-loads without a delivery date set ``observed_at``.
ARRIVAL_KNOWN = "event_date IS NOT NULL AND observed_at <> CAST(event_date AS TIMESTAMPTZ)"


def helper_views(th: TrustThresholds) -> list[tuple[str, str]]:
    """(view name, SQL template) of the shared facts, in dependency order."""
    window_start = "CAST({as_of} - INTERVAL 12 MONTH AS DATE)"
    headcount_start = f"CAST({{as_of}} - INTERVAL {th.headcount_max_age_months} MONTH AS DATE)"
    return [
        (
            # where each feed starts: a year before a feed's first record cannot be compared
            "trust_coverage",
            """SELECT min(event_date) FILTER (WHERE event_type = 'invoice_out') AS invoice_start,
       min(event_date) FILTER (WHERE event_type = 'tax_payment') AS tax_start
FROM pit_ev""",
        ),
        (
            # the latest annual report per firm (highest report year, then latest observed)
            "trust_report",
            """SELECT enterprise_id, report_year, revenue, employees, record_id AS report_record_id FROM (
    SELECT *, row_number() OVER (PARTITION BY enterprise_id
                                 ORDER BY report_year DESC NULLS LAST, observed_at DESC, record_id DESC) AS _rn
    FROM (
        SELECT enterprise_id, amount AS revenue, value AS employees, record_id, observed_at,
               coalesce(TRY_CAST(CASE WHEN json_valid(attrs) THEN json_extract_string(attrs, '$.year') END
                                 AS INTEGER),
                        year(event_date) - 1) AS report_year
        FROM pit_ev WHERE event_type = 'annual_report'
    ) AS reports
) AS ranked WHERE _rn = 1 AND report_year IS NOT NULL""",
        ),
        (
            # months of the report year the firm existed, and months the invoice / tax feeds cover
            "trust_report_period",
            """SELECT enterprise_id, report_year, revenue, employees, report_record_id, months_reported,
       CASE WHEN invoice_from IS NULL OR year(invoice_from) > report_year THEN 0
            ELSE 13 - month(invoice_from) END AS months_invoiced,
       CASE WHEN tax_from IS NULL OR year(tax_from) > report_year THEN 0
            ELSE 13 - month(tax_from) END AS months_taxed
FROM (
    SELECT p.*,
           CASE WHEN year(p.reported_from) > p.report_year THEN 0 ELSE 13 - month(p.reported_from) END
               AS months_reported,
           greatest(p.reported_from, CAST(date_trunc('month', c.invoice_start) AS DATE)) AS invoice_from,
           greatest(p.reported_from, CAST(date_trunc('month', c.tax_start) AS DATE)) AS tax_from
    FROM (
        SELECT r.*,
               greatest(make_date(r.report_year, 1, 1),
                        CAST(date_trunc('month', b.established_date) AS DATE)) AS reported_from
        FROM trust_report AS r LEFT JOIN pit_base AS b ON b.enterprise_id = r.enterprise_id
    ) AS p
    CROSS JOIN trust_coverage AS c
) AS spans""",
        ),
        (
            # invoiced turnover and tax paid in the report year
            "trust_report_sums",
            f"""SELECT r.enterprise_id,
       sum(e.amount) FILTER (WHERE e.event_type = 'invoice_out' AND {VALID_INVOICE}) AS invoiced,
       sum(e.amount) FILTER (WHERE e.event_type = 'tax_payment') AS tax_paid
FROM trust_report AS r
JOIN pit_ev AS e ON e.enterprise_id = r.enterprise_id AND year(e.event_date) = r.report_year
WHERE e.event_type IN ('invoice_out', 'tax_payment')
GROUP BY r.enterprise_id""",
        ),
        (
            # one grouped pass over the firm's events: trailing-window and arrival facts
            "trust_activity",
            f"""SELECT enterprise_id,
       count(*) FILTER (WHERE event_type = 'invoice_out') AS invoice_records,
       count(*) FILTER (WHERE event_type = 'tax_payment') AS tax_records,
       sum(amount) FILTER (WHERE event_type = 'invoice_out' AND {VALID_INVOICE}
                           AND event_date > {window_start}) AS invoiced_12m,
       count(*) FILTER (WHERE event_type = 'invoice_out' AND event_date > {window_start}) AS invoice_rows_12m,
       count(*) FILTER (WHERE event_type = 'invoice_out' AND code = 'voided'
                        AND event_date > {window_start}) AS voided_rows_12m,
       sum(amount) FILTER (WHERE event_type = 'invoice_out' AND {VALID_INVOICE} AND amount > 0
                           AND event_date > {window_start}) AS invoiced_positive_12m,
       -sum(amount) FILTER (WHERE event_type = 'invoice_out' AND {VALID_INVOICE} AND amount < 0
                            AND event_date > {window_start}) AS credit_notes_12m,
       sum(amount) FILTER (WHERE event_type = 'tax_payment' AND event_date > {window_start}) AS tax_paid_12m,
       arg_max(value, event_date) FILTER (WHERE event_type = 'social_insurance' AND value IS NOT NULL
                                          AND event_date > {headcount_start}) AS headcount,
       max(event_date) FILTER (WHERE event_type = 'social_insurance' AND value IS NOT NULL
                               AND event_date > {headcount_start}) AS headcount_date,
       count(*) FILTER (WHERE {ARRIVAL_KNOWN}) AS dated_records,
       count(*) FILTER (WHERE {ARRIVAL_KNOWN}
                        AND date_diff('day', event_date, CAST(observed_at AS DATE)) > {th.late_days})
           AS late_records,
       max(date_diff('day', event_date, CAST(observed_at AS DATE))) FILTER (WHERE {ARRIVAL_KNOWN})
           AS max_delay_days
FROM pit_ev
GROUP BY enterprise_id""",
        ),
        (
            # how many firms share the (normalised) address / phone, from the registry and from ties
            "trust_contacts",
            """WITH c AS (
    SELECT enterprise_id,
           nullif(lower(regexp_replace(address, '\\s+', '', 'g')), '') AS addr,
           nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') AS tel
    FROM pit_base
), ties AS (
    SELECT src_id AS enterprise_id, dst_id AS other, relation_type FROM pit_rel
    WHERE relation_type IN ('shared_address', 'shared_phone') AND src_type = 'enterprise' AND dst_type = 'enterprise'
    UNION
    SELECT dst_id AS enterprise_id, src_id AS other, relation_type FROM pit_rel
    WHERE relation_type IN ('shared_address', 'shared_phone') AND src_type = 'enterprise' AND dst_type = 'enterprise'
), degree AS (
    SELECT enterprise_id,
           nullif(count(DISTINCT other) FILTER (WHERE relation_type = 'shared_address'), 0) AS addr_ties,
           nullif(count(DISTINCT other) FILTER (WHERE relation_type = 'shared_phone'), 0) AS phone_ties
    FROM ties GROUP BY enterprise_id
), counted AS (
    SELECT enterprise_id, addr, tel,
           CASE WHEN addr IS NOT NULL THEN count(*) OVER (PARTITION BY addr) END AS addr_firms,
           CASE WHEN tel IS NOT NULL THEN count(*) OVER (PARTITION BY tel) END AS phone_firms,
           CASE WHEN addr IS NOT NULL AND tel IS NOT NULL THEN count(*) OVER (PARTITION BY addr, tel) END
               AS both_firms
    FROM c
)
SELECT c.enterprise_id, c.addr IS NOT NULL AS has_address, c.tel IS NOT NULL AS has_phone,
       CASE WHEN c.addr IS NULL AND d.addr_ties IS NULL THEN NULL
            ELSE greatest(coalesce(c.addr_firms, 0), coalesce(d.addr_ties, 0) + 1) END AS address_firms,
       CASE WHEN c.tel IS NULL AND d.phone_ties IS NULL THEN NULL
            ELSE greatest(coalesce(c.phone_firms, 0), coalesce(d.phone_ties, 0) + 1) END AS phone_firms,
       c.both_firms
FROM counted AS c LEFT JOIN degree AS d ON d.enterprise_id = c.enterprise_id""",
        ),
    ]
