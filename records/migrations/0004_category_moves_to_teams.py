import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """State only: the category registry moved to teams; its table stays where it is."""

    dependencies = [
        ("records", "0003_default_categories"),
        ("teams", "0002_category_moves_to_teams"),
        ("consent", "0006_categories_from_teams"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="note",
                    name="category",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="notes", to="teams.category"
                    ),
                ),
                migrations.DeleteModel(name="Category"),
            ]
        ),
    ]
