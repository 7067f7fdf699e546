from django.db import migrations

from audit import append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chained_events")]

    operations = [migrations.RunPython(append_only.install, append_only.remove)]
