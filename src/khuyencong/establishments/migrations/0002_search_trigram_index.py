"""On PostgreSQL, a trigram GIN index makes the accent-insensitive ``search_text`` search (LIKE
'%word%' per word) use an index instead of scanning every row. SQLite scans (fast at its scale).

The database user needs the right to create the ``pg_trgm`` extension, or a DBA creates it first
(``CREATE EXTENSION pg_trgm;``) – see docs/operations.md.
"""

from django.db import migrations


def up(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS est_search_trgm ON establishments_establishment "
        "USING gin (search_text gin_trgm_ops)"
    )


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS est_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("establishments", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
