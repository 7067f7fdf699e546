from django.db import migrations

DEFAULTS = [
    ("contact", "Coordonnées", "Contact details", "Téléphone, adresse, courriel", "Phone, address, email"),
    ("housing", "Logement et hébergement", "Housing", "Lieu de vie actuel, demandes en cours",
     "Current place to live, applications"),
    ("support_plan", "Projet d'accompagnement", "Support plan", "Objectifs, rendez-vous, prochaines étapes",
     "Goals, appointments, next steps"),
    ("administrative", "Droits et démarches", "Rights and paperwork", "Papiers, prestations, ressources",
     "Papers, benefits, income"),
    ("health", "Santé", "Health", "Santé somatique et santé mentale", "Physical and mental health"),
    ("addiction", "Conduites addictives", "Addictions", "Consommations, traitement", "Use, treatment"),
    ("justice", "Situation judiciaire", "Legal situation", "Procédures, contrôle judiciaire, probation",
     "Proceedings, probation"),
    ("family", "Famille et entourage", "Family and relatives", "Enfants, proches", "Children, relatives"),
]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("records", "Category")
    alias = schema_editor.connection.alias if schema_editor else "default"
    for code, label_fr, label_en, description_fr, description_en in DEFAULTS:
        Category.objects.using(alias).update_or_create(
            code=code,
            defaults={
                "label_fr": label_fr,
                "label_en": label_en,
                "description_fr": description_fr,
                "description_en": description_en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0002_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
