"""Print the record of processing activities (GDPR art. 30), from the configuration: the deployment's,
or one organisation's (``--organisation``), each the controller of what its teams record."""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from relais.processing_record import as_markdown, processing_record
from teams.models import Organisation


class Command(BaseCommand):
    help = "Print the record of processing activities (GDPR art. 30) of this deployment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown")
        parser.add_argument(
            "--organisation", help="The record of one organisation (its name): its controller and its teams."
        )
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(name=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation is named {options['organisation']!r}.")
        with translation.override(options["language"]):
            sections = processing_record(organisation)
            if options["format"] == "json":
                text = json.dumps({s.title: s.lines for s in sections}, ensure_ascii=False, indent=2)
            else:
                text = as_markdown(sections)
        self.stdout.write(text)
