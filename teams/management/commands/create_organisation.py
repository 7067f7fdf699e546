"""The deployment's administrators create an organisation, and its first manager, from the server.

The manager's password is never chosen here (R10): the command prints the one-time setup code (or
e-mails it to the address given) with which the manager opens the account and chooses it.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import recorder
from core.domain_errors import DomainError
from teams import accounts, recovery, services
from teams.models import Organisation

SYSTEM = recorder.system("create_organisation")


class Command(BaseCommand):
    help = "Create an organisation (the data controller of its teams) and, if named, its first manager."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Its short name, as persons and staff read it.")
        parser.add_argument("--legal-name", required=True)
        parser.add_argument(
            "--data-protection-contact", required=True, help="Who answers persons about their data, and how."
        )
        parser.add_argument("--postal-address", required=True, help="The address persons can write to.")
        parser.add_argument("--manager", help="Username of its first manager, made with a setup code.")
        parser.add_argument("--manager-email", default="", help="Where the manager's setup code is e-mailed.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with recorder.unit_of_work():
                organisation = services.save_organisation(
                    by=SYSTEM,
                    organisation=Organisation(),
                    name=options["name"],
                    legal_name=options["legal_name"],
                    data_protection_contact=options["data_protection_contact"],
                    postal_address=options["postal_address"],
                )
                issued = None
                if options["manager"]:
                    manager = accounts.create_user(
                        by=SYSTEM,
                        username=options["manager"],
                        email=options["manager_email"],
                        is_manager=True,
                        organisation_id=organisation.pk,
                    )
                    issued = recovery.issue_setup_code(by=SYSTEM, user=manager)
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from None
        self.stdout.write(f"Organisation {organisation.name} created (id {organisation.pk}).")
        if issued is not None:
            if issued.emailed:
                self.stdout.write("The manager's setup code was e-mailed to their address.")
            else:
                self.stdout.write(
                    f"The manager's setup code, shown once: {issued.code} "
                    "(it opens the account at /account/code/)."
                )
