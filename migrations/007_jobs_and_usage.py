"""Peewee migrations -- 007_jobs_and_usage: catalogue jobs (their products and one result per
product), shared by the API and every worker; what each key spends per job, LLM and day; each
key's webhook secret and monthly token budget."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    @migrator.create_model
    class Job(pw.Model):
        id = pw.CharField(primary_key=True, max_length=32)
        owner = pw.CharField(max_length=128, index=True)
        state = pw.CharField(max_length=16)
        total = pw.IntegerField()
        codes = pw.TextField()
        output_format = pw.CharField(max_length=8)
        llm = pw.CharField(max_length=128, null=True)
        webhook_url = pw.TextField(null=True)
        created_at = pw.DateTimeField()
        started_at = pw.DateTimeField(null=True)
        finished_at = pw.DateTimeField(null=True)
        done = pw.IntegerField(default=0)
        failed = pw.IntegerField(default=0)
        fields_ok = pw.IntegerField(default=0)
        fields_not_found = pw.IntegerField(default=0)
        fields_unknown_field = pw.IntegerField(default=0)
        fields_timeout = pw.IntegerField(default=0)
        fields_invalid_output = pw.IntegerField(default=0)
        fields_error = pw.IntegerField(default=0)

        class Meta:
            table_name = "job"

    @migrator.create_model
    class JobProduct(pw.Model):
        job = pw.ForeignKeyField(Job, column_name="job_id", on_delete="CASCADE")
        position = pw.IntegerField()
        product_id = pw.TextField()
        description = pw.TextField()
        fields = pw.TextField()

        class Meta:
            table_name = "job_product"
            primary_key = pw.CompositeKey("job", "position")

    @migrator.create_model
    class JobResult(pw.Model):
        job = pw.ForeignKeyField(Job, column_name="job_id", on_delete="CASCADE")
        product_key = pw.CharField(max_length=255)
        position = pw.IntegerField()
        result = pw.TextField(null=True)
        error = pw.TextField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "job_result"
            primary_key = pw.CompositeKey("job", "product_key")
            indexes = ((("job", "position"), True),)

    @migrator.create_model
    class UsageCount(pw.Model):
        owner = pw.CharField(max_length=128)
        job_id = pw.CharField(max_length=32)
        llm = pw.CharField(max_length=128)
        day = pw.DateField()
        calls = pw.BigIntegerField(default=0)
        prompt_tokens = pw.BigIntegerField(default=0)
        completion_tokens = pw.BigIntegerField(default=0)

        class Meta:
            table_name = "usage_count"
            primary_key = pw.CompositeKey("owner", "job_id", "llm", "day")

    @migrator.create_model
    class KeyAccount(pw.Model):
        owner = pw.CharField(primary_key=True, max_length=128)
        webhook_secret = pw.TextField(null=True)
        monthly_tokens = pw.BigIntegerField(null=True)

        class Meta:
            table_name = "key_account"


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("key_account")
    migrator.remove_model("usage_count")
    migrator.remove_model("job_result")
    migrator.remove_model("job_product")
    migrator.remove_model("job")
