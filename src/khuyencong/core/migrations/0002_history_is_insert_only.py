"""History is insert-only, also for anyone with direct database access through the application's
account: UPDATE is refused on both databases; DELETE is refused on PostgreSQL.

(On SQLite, DELETE stays possible because the test framework empties tables with DELETE between
browser tests; PostgreSQL empties them with TRUNCATE, which row triggers do not see.)
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_objectchange_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'core_objectchange is insert-only: history cannot be edited or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_objectchange_no_update BEFORE UPDATE ON core_objectchange
  FOR EACH ROW EXECUTE FUNCTION core_objectchange_refuse();
CREATE TRIGGER core_objectchange_no_delete BEFORE DELETE ON core_objectchange
  FOR EACH ROW EXECUTE FUNCTION core_objectchange_refuse();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_objectchange_no_update ON core_objectchange;
DROP TRIGGER IF EXISTS core_objectchange_no_delete ON core_objectchange;
DROP FUNCTION IF EXISTS core_objectchange_refuse();
"""
SQLITE_UP = """
CREATE TRIGGER core_objectchange_no_update BEFORE UPDATE ON core_objectchange
BEGIN
  SELECT RAISE(ABORT, 'core_objectchange is insert-only: history cannot be edited');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_objectchange_no_update;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
