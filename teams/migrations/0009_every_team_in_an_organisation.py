"""Every team belongs to exactly one organisation (its own migration: PostgreSQL alters no table
with the previous migration's updates still pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("teams", "0008_organisations")]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="teams.organisation",
                verbose_name="organisation",
            ),
        ),
    ]
