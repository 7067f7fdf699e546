"""The category registry moves from records to teams, below both records and consent: the table
keeps its name (``records_category``), only Django's picture of it changes."""

from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    if not types.filter(app_label="teams", model="category").exists():
        types.filter(app_label="records", model="category").update(app_label="teams")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("records", "0003_default_categories"),
        ("teams", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("label_fr", models.CharField(max_length=120, verbose_name="label (French)")),
                        ("label_en", models.CharField(max_length=120, verbose_name="label (English)")),
                        ("description_fr", models.CharField(blank=True, max_length=300, verbose_name="description (French)")),
                        ("description_en", models.CharField(blank=True, max_length=300, verbose_name="description (English)")),
                    ],
                    options={
                        "verbose_name": "category",
                        "verbose_name_plural": "categories",
                        "db_table": "records_category",
                        "ordering": ["id"],
                    },
                ),
                migrations.AlterField(
                    model_name="team",
                    name="continuity_categories",
                    field=models.ManyToManyField(
                        blank=True, related_name="teams", to="teams.category", verbose_name="continuity categories"
                    ),
                ),
            ]
        ),
        migrations.RunPython(rename_content_type, migrations.RunPython.noop),
    ]
