"""Peewee migrations -- 010_budget_reservations: the tokens held for the requests and job
products under way of keys with a monthly budget, each until it is settled or expires."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    @migrator.create_model
    class BudgetReservation(pw.Model):
        id = pw.CharField(primary_key=True, max_length=32)
        owner = pw.CharField(max_length=128, index=True)
        tokens = pw.BigIntegerField()
        expires_at = pw.DateTimeField()

        class Meta:
            table_name = "budget_reservation"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("budget_reservation")
