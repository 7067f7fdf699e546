"""Folded names for a search that ignores case and accents; existing persons get theirs."""

import unicodedata

from django.db import migrations, models


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fill(apps, schema_editor):
    Person = apps.get_model("records", "Person")
    persons = Person.objects.using(schema_editor.connection.alias)
    batch = []
    for person in persons.only("pk", "display_name", "first_name", "last_name").iterator(chunk_size=1000):
        person.name_key = _fold(person.display_name)
        person.identity_key = _fold(f"{person.first_name} {person.last_name}".strip())
        batch.append(person)
        if len(batch) == 1000:
            persons.bulk_update(batch, ["name_key", "identity_key"])
            batch = []
    persons.bulk_update(batch, ["name_key", "identity_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_category_moves_to_teams"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="identity_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=301),
        ),
        migrations.AddField(
            model_name="person",
            name="name_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=150),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
