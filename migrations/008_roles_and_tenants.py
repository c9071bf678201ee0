"""Peewee migrations -- 008_roles_and_tenants: each API key's role and tenant; the review queue
and decisions of each tenant; what a decision did to the catalogue's example (kept beside a
provisioned label it disagrees with until an admin accepts it); each field's revision, raised
whenever its examples change, so that a decision invalidates the cached answers of its field
only.

Keys made before have the role `lookup` (look up, jobs, their own usage): none of them teaches
the service until an operator says it may (`keys set-role NAME reviewer`)."""

import peewee as pw
from peewee_migrate import Migrator

_OLD_QUEUE_INDEX = "reviewqueueitem_product_id_description_hash_field_code"
_QUEUE_INDEX = "review_queue_tenant_product_field"


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE api_key ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT 'lookup'")
    migrator.sql("ALTER TABLE api_key ADD COLUMN tenant VARCHAR(64) NOT NULL DEFAULT 'default'")
    migrator.sql(
        "ALTER TABLE review_queue ADD COLUMN tenant VARCHAR(64) NOT NULL DEFAULT 'default'"
    )
    migrator.sql(f"DROP INDEX {_OLD_QUEUE_INDEX}")
    migrator.sql(
        f"CREATE UNIQUE INDEX {_QUEUE_INDEX} "
        "ON review_queue (tenant, product_id, description_hash, field_code)"
    )
    migrator.sql(
        "ALTER TABLE review_decision ADD COLUMN tenant VARCHAR(64) NOT NULL DEFAULT 'default'"
    )
    migrator.sql(
        "ALTER TABLE review_decision ADD COLUMN teaching VARCHAR(16) NOT NULL DEFAULT 'made'"
    )
    migrator.sql("ALTER TABLE review_decision ADD COLUMN catalogue_value TEXT")
    migrator.sql("ALTER TABLE review_decision ADD COLUMN accepted_by VARCHAR(64)")
    migrator.sql("ALTER TABLE review_decision ADD COLUMN accepted_at TIMESTAMP")
    migrator.sql(
        "CREATE INDEX review_decision_tenant_teaching ON review_decision (tenant, teaching)"
    )
    migrator.sql("ALTER TABLE field ADD COLUMN revision BIGINT NOT NULL DEFAULT 0")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE field DROP COLUMN revision")
    migrator.sql("DROP INDEX review_decision_tenant_teaching")
    for column in ("accepted_at", "accepted_by", "catalogue_value", "teaching", "tenant"):
        migrator.sql(f"ALTER TABLE review_decision DROP COLUMN {column}")
    migrator.sql(f"DROP INDEX {_QUEUE_INDEX}")
    migrator.sql("ALTER TABLE review_queue DROP COLUMN tenant")
    migrator.sql(
        f"CREATE UNIQUE INDEX {_OLD_QUEUE_INDEX} "
        "ON review_queue (product_id, description_hash, field_code)"
    )
    migrator.sql("ALTER TABLE api_key DROP COLUMN tenant")
    migrator.sql("ALTER TABLE api_key DROP COLUMN role")
