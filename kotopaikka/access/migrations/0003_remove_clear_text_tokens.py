"""Remove DRF's clear-text API tokens (issue 11, point 5).

Before django-rest-knox, `rest_framework.authtoken` kept every token in clear text in the
table `authtoken_token` (its primary key *is* the token), and the change log copied it as the
logged object's id and name. That app is no longer installed, so nothing else will touch its
table: this migration deletes the tokens and drops the table (every old token stops working
at once: users log in again for a knox token), forgets the app's applied migrations, and
overwrites the old tokens in the change log's entries about them (`object_pk`,
`object_repr`), which were the tokens themselves. A database without that table (a new one)
is left as it is.
"""

from django.db import migrations

TOKEN_TABLE = "authtoken_token"
REDACTED_PK = "revoked"
REDACTED_REPR = "[revoked clear-text API token]"


def remove_clear_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if TOKEN_TABLE in tables:
            cursor.execute(f"DELETE FROM {quote(TOKEN_TABLE)}")
            cursor.execute(f"DROP TABLE {quote(TOKEN_TABLE)}")
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
        if {"auditlog_logentry", "django_content_type"} <= tables:
            # the columns the change log has by now (a new database may run this before
            # django-auditlog's later migrations; it has no entries to redact then)
            columns = {
                c.name
                for c in connection.introspection.get_table_description(cursor, "auditlog_logentry")
            }
            values = {"object_pk": REDACTED_PK, "object_repr": REDACTED_REPR}
            values |= {"serialized_data": None} if "serialized_data" in columns else {}
            values = {name: value for name, value in values.items() if name in columns}
            if values:
                assignments = ", ".join(f"{quote(name)} = %s" for name in values)
                cursor.execute(
                    f"UPDATE auditlog_logentry SET {assignments} WHERE content_type_id IN "
                    "(SELECT id FROM django_content_type WHERE app_label = %s)",
                    [*values.values(), "authtoken"],
                )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_api_tokens"),
        ("auditlog", "__first__"),
        ("contenttypes", "__first__"),
    ]
    # Irreversible on purpose: the clear-text tokens are not to come back.
    operations = [migrations.RunPython(remove_clear_text_tokens, migrations.RunPython.noop)]
