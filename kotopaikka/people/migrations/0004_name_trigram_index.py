"""Tolerant name search: the name keys of existing records, and on PostgreSQL the pg_trgm
extension with GIN trigram indexes on the keys (people.selectors uses them as the prefilter;
SQLite has no trigram index and prefilters otherwise).

The indexes are created here, not in the models' Meta, because SQLite cannot create them:
the migration state does not know them, and a change of the key columns must keep them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("people_person_name_key_trgm", "people_person", "name_key"),
    ("people_personname_value_key_trgm", "people_personname", "value_key"),
]


def fill_keys(apps, schema_editor):
    from kotopaikka.people.names import normalise

    Person = apps.get_model("people", "Person")
    PersonName = apps.get_model("people", "PersonName")
    persons = list(Person.objects.only("pk", "given_names", "family_name"))
    for person in persons:
        person.name_key = normalise(f"{person.given_names} {person.family_name}")[:500]
    Person.objects.bulk_update(persons, ["name_key"], batch_size=500)
    others = list(PersonName.objects.only("pk", "value"))
    for other in others:
        other.value_key = normalise(other.value)[:500]
    PersonName.objects.bulk_update(others, ["value_key"], batch_size=500)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_merge_and_name_keys")]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
