"""The record of processing activities (GDPR art. 30) of one deployment, written from what it is
configured with: the controller named in the settings, the teams and the kinds of information their
missions need (the recipients and the data), the retention periods, the security measures switched
on. What the configuration cannot know is said to be the controller's to complete."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from consent.models import LegalBasis
from relais.retention.periods import periods_for, periods_of
from teams.models import Category, Organisation, Team


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


def _given(value: str, setting: str) -> str:
    return value or _("to be completed by the controller (setting %(name)s)") % {"name": setting}


def _controller(organisation: Organisation | None) -> Section:
    """One organisation's record names it; the deployment's names the configured controller and,
    below it, each organisation, the controller of what its own teams record."""
    if organisation is not None:
        return Section(
            _("Controller"),
            [
                _("Controller: %(value)s") % {"value": f"{organisation.legal_name} ({organisation.name})"},
                _("Contact: %(value)s") % {"value": _given(organisation.postal_address, "postal_address")},
                _("Data protection officer: %(value)s")
                % {"value": _given(organisation.data_protection_contact, "data_protection_contact")},
            ],
        )
    return Section(
        _("Controller"),
        [
            _("Controller: %(value)s") % {"value": _given(settings.RELAIS_CONTROLLER, "RELAIS_CONTROLLER")},
            _("Contact: %(value)s")
            % {"value": _given(settings.RELAIS_CONTROLLER_CONTACT, "RELAIS_CONTROLLER_CONTACT")},
            _("Data protection officer: %(value)s")
            % {"value": _given(settings.RELAIS_DPO_CONTACT, "RELAIS_DPO_CONTACT")},
        ]
        + [
            _("Organisation %(name)s (%(legal)s), controller of what its teams record: %(contact)s")
            % {"name": o.name, "legal": o.legal_name, "contact": o.data_protection_contact or "-"}
            for o in Organisation.objects.order_by("name")
        ],
    )


def processing_record(organisation: Organisation | None = None) -> list[Section]:
    """The record, section by section, in the active language: the deployment's, or one
    organisation's (its controller, its teams)."""
    periods = periods_of(organisation) if organisation is not None else periods_for()
    teams = Team.objects.prefetch_related("continuity_categories").order_by("name")
    if organisation is not None:
        teams = teams.filter(organisation=organisation)
    return [
        _controller(organisation),
        Section(
            _("Purposes"),
            [
                _(
                    "Continuity and coordination of the social, medico-social and health support of "
                    "the persons."
                ),
                _("The security of that information: the access log, its checks and its review by auditors."),
                _("The persons' own space: their consents, their journal, a copy of their data."),
            ],
        ),
        Section(
            _("Legal bases"),
            [str(label) for label in LegalBasis.labels]
            + [_("Sharing with a team only with the person's recorded consent (Relais rules R1 and R2).")],
        ),
        Section(
            _("Persons concerned"),
            [
                _("Accompanied persons, and the persons who act for them (trusted persons, guardians)."),
                _(
                    "The staff of the teams, managers and auditors (their accounts and their acts in "
                    "the log)."
                ),
            ],
        ),
        Section(
            _("Data"),
            [_("Identity (the name the person goes by, names, birth date) and contact details.")]
            + [f"{c.code}: {c.label}" for c in Category.objects.order_by("id")]
            + [_("Consents, their receipts and the information given; the access log.")],
        ),
        Section(
            _("Recipients"),
            [
                _("%(team)s: %(categories)s")
                % {
                    "team": team.name,
                    "categories": ", ".join(c.code for c in team.continuity_categories.order_by("id"))
                    or _("nothing"),
                }
                for team in teams
            ]
            + [_("Each team reads only what the person agreed to share with it and its mission needs.")],
        ),
        Section(
            _("Transfers outside the European Union"),
            [
                _("None by Relais. Host: %(value)s")
                % {"value": _given(settings.RELAIS_HOSTING, "RELAIS_HOSTING")}
            ],
        ),
        Section(
            _("Retention"),
            [
                _(
                    "A person's file: archived %(archive)s year(s) after their last follow-up ended, "
                    "erased %(erase)s year(s) later."
                )
                % {"archive": periods.archive_after_years, "erase": periods.erase_after_years},
                _("The access log: %(days)s days.") % {"days": settings.RELAIS_AUDIT_RETENTION_DAYS},
            ],
        ),
        Section(
            _("Security measures"),
            [
                _(
                    "Notes, contact details and evidence encrypted in the database (AES-256-GCM), "
                    "%(keys)s key(s)."
                )
                % {"keys": len(settings.RELAIS_FIELD_KEYS)},
                _("Second factor for staff accounts: %(value)s.")
                % {"value": _("required") if settings.RELAIS_MFA_REQUIRED else _("not required")},
                _("Every access recorded in a chained, append-only log, checked by verify_audit."),
                _("Database roles: %(value)s.")
                % {
                    "value": _("the service and the owner apart")
                    if "owner" in settings.DATABASES
                    else _("one role (set DATABASE_OWNER_URL)")
                },
                _("Sessions end after %(hours)s hour(s).") % {"hours": settings.SESSION_COOKIE_AGE // 3600},
            ],
        ),
    ]


def as_markdown(sections: list[Section]) -> str:
    title = _("Record of processing activities (GDPR art. 30): Relais")
    body = [f"# {title}"]
    for section in sections:
        body += ["", f"## {section.title}", "", *(f"- {line}" for line in section.lines)]
    return "\n".join(body) + "\n"
