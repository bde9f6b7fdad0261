"""Initial operational store: institutions, API clients, accounts, revoked tokens, the query log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "institution",
        sa.Column("institution_id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "api_client",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("institution_id", sa.String(64), sa.ForeignKey("institution.institution_id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_api_client_institution_id", "api_client", ["institution_id"])
    op.create_table(
        "account",
        sa.Column("username", sa.String(128), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("institution_id", sa.String(64), sa.ForeignKey("institution.institution_id")),
        sa.Column("enterprise_id", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_account_institution_id", "account", ["institution_id"])
    op.create_index("ix_account_enterprise_id", "account", ["enterprise_id"])
    op.create_table(
        "revoked_token",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=False),
    )
    op.create_table(
        "query_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(40), nullable=False, unique=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("institution_id", sa.String(64)),
        sa.Column("principal", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("endpoint", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(64)),
        sa.Column("returned", sa.Text, nullable=False),
        sa.Column("leaf_index", sa.BigInteger),
    )
    op.create_index("ix_query_log_institution_id", "query_log", ["institution_id"])
    op.create_index("ix_query_log_enterprise_id", "query_log", ["enterprise_id"])
    op.create_index("ix_query_log_leaf_index", "query_log", ["leaf_index"])


def downgrade() -> None:
    for table in ("query_log", "revoked_token", "account", "api_client", "institution"):
        op.drop_table(table)
