"""Find what persons who asked for e-mails should know (consents about to end, first reads), and
e-mail every notice not sent yet. Run it from cron, every hour or every day: it is idempotent, and a
mail server that fails is tried again at the next run."""

from typing import Any

from django.core.management.base import BaseCommand

from consent.notices import inbox


class Command(BaseCommand):
    help = "E-mail the notices of persons who asked for them (never their content)."

    def handle(self, *args: Any, **options: Any) -> None:
        found, sent = inbox.send_pending()
        self.stdout.write(f"{found} notices found, {sent} e-mails sent")
