"""Peewee migrations -- 016_calibration: the calibration maps `evaluate --save-calibration`
fitted, per LLM and group of answers (who answered), through which lookups report
confidences."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    @migrator.create_model
    class CalibrationMap(pw.Model):
        llm = pw.CharField(max_length=64)
        group_name = pw.CharField(max_length=64)
        slope = pw.DoubleField()
        intercept = pw.DoubleField()
        labelled_values = pw.IntegerField()
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "calibration_map"
            primary_key = pw.CompositeKey("llm", "group_name")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("calibration_map")
