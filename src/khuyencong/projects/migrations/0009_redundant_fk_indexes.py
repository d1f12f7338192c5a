"""Foreign keys that lead a composite index lose their own index (one less to keep up on every
insert). Dropped by name on both databases, so SQLite does not rebuild the tables (a rebuild would
also drop their triggers)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0003_constraint_messages"),
        ("programmes", "0002_constraint_messages"),
        ("projects", "0008_project_code_upper"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="project",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger",
                        to="projects.project",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="province_now",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.administrativeunit",
                    ),
                ),
                migrations.AlterField(
                    model_name="project",
                    name="content",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="projects",
                        to="programmes.content",
                        verbose_name="content",
                    ),
                ),
                migrations.AlterField(
                    model_name="project",
                    name="lead_province",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.administrativeunit",
                        verbose_name="province (DOIT where filed)",
                    ),
                ),
                migrations.AlterField(
                    model_name="project",
                    name="lead_province_now",
                    field=models.ForeignKey(
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.administrativeunit",
                        verbose_name="province today",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS projects_ledgerentry_project_id_6476c65e",
                    "CREATE INDEX projects_ledgerentry_project_id_6476c65e ON projects_ledgerentry (project_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS projects_ledgerentry_province_now_id_4dd6d88b",
                    "CREATE INDEX projects_ledgerentry_province_now_id_4dd6d88b ON projects_ledgerentry (province_now_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS projects_project_content_id_6d5a36d9",
                    "CREATE INDEX projects_project_content_id_6d5a36d9 ON projects_project (content_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS projects_project_lead_province_id_59e4b5f6",
                    "CREATE INDEX projects_project_lead_province_id_59e4b5f6 ON projects_project (lead_province_id)",
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS projects_project_lead_province_now_id_eabf590e",
                    "CREATE INDEX projects_project_lead_province_now_id_eabf590e ON projects_project (lead_province_now_id)",
                ),
            ],
        ),
    ]
