"""What the person was told, and on what basis (issue 24): versioned information texts, and each
consent's text and legal basis. Consents already recorded are marked as recorded before Relais kept
them: nobody can say now what those persons were told. The first texts are published here, in both
languages, plain and easy to read; later versions come with ``manage.py publish_information``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from consent.information.first_texts import publish_into


def publish_first_texts(apps, schema_editor):
    publish_into(apps.get_model("consent", "InformationText"), schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0017_exclusions_and_note_hidings'),
        ('records', '0008_notices'),
        ('teams', '0007_second_factor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='before_information',
            field=models.BooleanField(default=True),  # every consent already recorded
        ),
        migrations.AlterField(
            model_name='consent',
            name='before_information',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='consent',
            name='legal_basis',
            field=models.CharField(blank=True, choices=[('csp_l1110_4', 'GDPR art. 9(2)(h) and Public Health Code art. L.1110-4 (care and medico-social support)'), ('casf_l121_6_2', 'GDPR art. 9(2)(h) and Social Action and Families Code art. L.121-6-2 (social action)')], max_length=20, verbose_name='legal basis'),
        ),
        migrations.CreateModel(
            name='InformationText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(max_length=20, verbose_name='version')),
                ('language', models.CharField(choices=[('fr', 'French'), ('en', 'English')], max_length=8, verbose_name='language')),
                ('easy_read', models.BooleanField(default=False, verbose_name='easy to read')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(verbose_name='text')),
                ('published_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['language', 'easy_read', '-published_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('version', 'language', 'easy_read'), name='information_one_text')],
            },
        ),
        migrations.AddField(
            model_name='consent',
            name='information',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='consent.informationtext'),
        ),
        migrations.AddConstraint(
            model_name='consent',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('before_information', False), ('information__isnull', False), models.Q(('legal_basis', ''), _negated=True)), models.Q(('before_information', True), ('information__isnull', True), ('legal_basis', '')), _connector='OR'), name='consent_informed_on_a_basis'),
        ),
        migrations.RunPython(publish_first_texts, migrations.RunPython.noop),
    ]
