"""Organisations: an existing deployment becomes one organisation, without losing anything.

Every team joins it, and so does every staff account (not a person's own space nor a
representative's). The auditors it had read the whole log: they keep that reach, explicitly, as the
deployment's auditors. The organisation's particulars are placeholders its administrators complete.
"""

import django.db.models.deletion
from django.db import migrations, models

EXISTING = "Organisation"


def into_one_organisation(apps, schema_editor):
    # The rows are read and written on the connection that migrates (the owner's, where the service's
    # role has no grant yet), never on the default one.
    db = schema_editor.connection.alias
    Organisation = apps.get_model("teams", "Organisation")
    Team = apps.get_model("teams", "Team")
    User = apps.get_model("teams", "User")
    Person = apps.get_model("records", "Person")
    Representative = apps.get_model("consent", "Representative")
    spaces = set(Person.objects.using(db).exclude(account=None).values_list("account_id", flat=True))
    spaces |= set(Representative.objects.using(db).exclude(account=None).values_list("account_id", flat=True))
    staff = User.objects.using(db).exclude(pk__in=spaces).filter(is_superuser=False)
    if not Team.objects.using(db).exists() and not staff.exists():
        return  # a new deployment: its administrators create its organisations
    organisation = Organisation.objects.using(db).create(
        name=EXISTING,
        legal_name=EXISTING,
        data_protection_contact="",
        postal_address="",
    )
    Team.objects.using(db).update(organisation=organisation)
    staff.update(organisation=organisation)
    User.objects.using(db).filter(is_auditor=True).update(audits_deployment=True)


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0007_second_factor"),
        ("records", "0008_notices"),
        ("consent", "0016_disagreements"),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, unique=True, verbose_name="name")),
                ("legal_name", models.CharField(max_length=200, verbose_name="legal name")),
                (
                    "data_protection_contact",
                    models.CharField(
                        help_text="Who answers persons about their data, and how to reach them (an e-mail address, say).",
                        max_length=300,
                        verbose_name="data protection contact",
                    ),
                ),
                ("postal_address", models.TextField(verbose_name="address persons can write to")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="team",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="teams.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="accounts",
                to="teams.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="audits_deployment",
            field=models.BooleanField(
                default=False,
                help_text="Reads the log of every organisation (the territory's auditor), not only its own.",
                verbose_name="auditor of the whole deployment",
            ),
        ),
        migrations.RunPython(into_one_organisation, migrations.RunPython.noop),
    ]
