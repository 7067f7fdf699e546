"""Publish a new version of what a person is told before they consent (issue 24): one language, plain
or easy to read, from a text file whose first line is the title. Versions are never edited; the
consents already recorded keep naming the words their persons were given."""

from pathlib import Path
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from consent.information import texts
from core.domain_errors import Invalid


class Command(BaseCommand):
    help = "Publish a new version of the information text given before a consent (never edits one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="UTF-8 text: the title on the first line, then the text.")
        parser.add_argument("--text-version", dest="text_version", required=True, help="e.g. 2 or 2027-01")
        parser.add_argument("--language", required=True, help="a language of the deployment, e.g. fr")
        parser.add_argument("--easy-read", action="store_true", help="the easy to read version")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            title, _newline, body = options["file"].read_text(encoding="utf-8").partition("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        try:
            text = texts.publish(
                version=options["text_version"],
                language=options["language"],
                easy_read=options["easy_read"],
                title=title,
                body=body,
            )
        except Invalid as exc:
            detail = cast(dict[str, list[object]], exc.detail)
            raise CommandError(
                "; ".join(f"{field}: {' '.join(map(str, errors))}" for field, errors in detail.items())
            ) from None
        self.stdout.write(f"published information text #{text.pk}: version {text.version}, {text.language}")
