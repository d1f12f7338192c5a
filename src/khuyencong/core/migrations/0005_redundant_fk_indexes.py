"""Foreign keys that lead a composite index lose their own index (one less to keep up on every
insert). Dropped by name on both databases, so SQLite does not rebuild the tables (a rebuild would
also drop their triggers)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_job_queue"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="objectchange",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                migrations.AlterField(
                    model_name="objectchange",
                    name="parent_content_type",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS core_objectchange_content_type_id_b3a6f4f6",
                    "CREATE INDEX core_objectchange_content_type_id_b3a6f4f6 ON core_objectchange (content_type_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS core_objectchange_parent_content_type_id_f7dcef08",
                    "CREATE INDEX core_objectchange_parent_content_type_id_f7dcef08 ON core_objectchange (parent_content_type_id)",
                ),
            ],
        ),
    ]
