"""The record's ends are final (issue "Written in stone"): set-once columns guarded by triggers on
follow-ups, emergency accesses, representatives and portal codes, and on PostgreSQL no superuser or
staff account made by anyone but the owner (``relais.db.record_guards``)."""

from django.db import migrations

from relais.db import record_guards


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0012_glass_end_and_review_duties"),
        ("records", "0008_notices"),
        ("teams", "0005_glass_break_switch"),
    ]

    operations = [migrations.RunPython(record_guards.install, record_guards.remove)]
