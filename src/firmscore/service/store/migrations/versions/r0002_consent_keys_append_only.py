"""Consents, API keys, and the query log made append-only by triggers.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER query_log_no_delete BEFORE DELETE ON query_log
BEGIN SELECT RAISE(ABORT, 'query_log is append-only'); END""",
    """CREATE TRIGGER query_log_no_update BEFORE UPDATE ON query_log
WHEN OLD.leaf_index IS NOT NULL OR NEW.entry_id IS NOT OLD.entry_id OR NEW.at IS NOT OLD.at
  OR NEW.institution_id IS NOT OLD.institution_id OR NEW.principal IS NOT OLD.principal OR NEW.role IS NOT OLD.role
  OR NEW.purpose IS NOT OLD.purpose OR NEW.endpoint IS NOT OLD.endpoint OR NEW.enterprise_id IS NOT OLD.enterprise_id
  OR NEW.returned IS NOT OLD.returned OR NEW.seq IS NOT OLD.seq
BEGIN SELECT RAISE(ABORT, 'query_log is append-only'); END""",
)

_PG_FUNCTION = """CREATE OR REPLACE FUNCTION query_log_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'query_log is append-only'; END IF;
  IF OLD.leaf_index IS NOT NULL OR (NEW.entry_id, NEW.at, NEW.institution_id, NEW.principal, NEW.role, NEW.purpose,
      NEW.endpoint, NEW.enterprise_id, NEW.returned, NEW.seq) IS DISTINCT FROM (OLD.entry_id, OLD.at,
      OLD.institution_id, OLD.principal, OLD.role, OLD.purpose, OLD.endpoint, OLD.enterprise_id, OLD.returned,
      OLD.seq) THEN
    RAISE EXCEPTION 'query_log is append-only';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql"""


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("client_id", sa.String(64), sa.ForeignKey("api_client.client_id"), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_api_key_client_id", "api_key", ["client_id"])
    op.create_table(
        "consent",
        sa.Column("grant_id", sa.String(64), primary_key=True),
        sa.Column("enterprise_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("institution_id", sa.String(64), sa.ForeignKey("institution.institution_id"), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("effective_from", TS, nullable=False),
        sa.Column("effective_to", TS),
        sa.Column("granted_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.Column("record_id", sa.String(128), nullable=False),
        sa.Column("revocation_record_id", sa.String(128)),
    )
    op.create_index("ix_consent_lookup", "consent", ["enterprise_id", "institution_id", "purpose"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER query_log_append_only BEFORE UPDATE OR DELETE ON query_log "
                   "FOR EACH ROW EXECUTE FUNCTION query_log_append_only()")
    else:
        for ddl in _SQLITE_TRIGGERS:
            op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS query_log_append_only ON query_log")
        op.execute("DROP FUNCTION IF EXISTS query_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS query_log_no_delete")
        op.execute("DROP TRIGGER IF EXISTS query_log_no_update")
    op.drop_table("consent")
    op.drop_table("api_key")
