"""The first event table had no chain; its rows (development data only) cannot be chained after the
fact, so the table is replaced rather than altered."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.DeleteModel(name="AccessEvent")]
