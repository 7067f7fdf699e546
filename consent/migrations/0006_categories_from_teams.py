from django.db import migrations, models


class Migration(migrations.Migration):
    """State only: the categories now live in teams (same table)."""

    dependencies = [
        ("consent", "0005_portal_code_labels"),
        ("teams", "0002_category_moves_to_teams"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="consent",
                    name="categories",
                    field=models.ManyToManyField(blank=True, related_name="+", to="teams.category"),
                ),
            ]
        ),
    ]
