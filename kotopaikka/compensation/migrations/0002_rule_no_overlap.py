"""One row per rule and recipient kind for any day, enforced by PostgreSQL itself: an
exclusion constraint over (key, kind, period), as placement's agreements do. SQLite has no
exclusion constraints; there the service and the loader (`services.check_no_overlap`) refuse
an overlap, and SQLite's single writer serialises saves."""

from django.db import migrations

CONSTRAINT = "compensation_rule_no_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE compensation_compensationrule ADD CONSTRAINT "
        f"{CONSTRAINT} EXCLUDE USING gist "
        "(key WITH =, kind WITH =, daterange(valid_from, valid_until, '[]') WITH &&)"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE compensation_compensationrule DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [("compensation", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
