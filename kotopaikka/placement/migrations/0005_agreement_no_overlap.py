"""One agreement per municipality for any day, enforced by PostgreSQL itself: an exclusion
constraint over (municipality, period). SQLite has no exclusion constraints; there the service
(`agreement_save`) refuses an overlap, and SQLite's single writer serialises saves."""

from django.db import migrations

CONSTRAINT = "placement_agreement_no_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE placement_placementagreement ADD CONSTRAINT "
        f"{CONSTRAINT} EXCLUDE USING gist "
        "(municipality_id WITH =, daterange(valid_from, valid_until, '[]') WITH &&)"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE placement_placementagreement DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
    )


class Migration(migrations.Migration):
    dependencies = [("placement", "0004_case_reference_per_holder")]
    operations = [migrations.RunPython(add, remove)]
