"""Who is asking, for an auditor: the account established as an auditor for this request, and how
far their reading reaches (the whole deployment, one organisation, or nothing).

The log's selectors and the auditors' queues (``access.organisations``) take an ``Auditor``, not an
account: the only way to have one is ``establish``, which records the refusal of anyone else (R4,
R9). A selector handed a worker's account is then a type error, not a check forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audit import recorder
from core.domain_errors import NotAnAuditor


@dataclass(frozen=True)
class Auditor:
    """An auditor whose reach has been established for this request."""

    user: Any
    organisation_id: int | None
    whole_deployment: bool


def establish(user: recorder.Actor, action: str, *, object_type: str) -> Auditor:
    """The auditor behind ``user``, or the recorded 403 of ``action`` for anyone else (R4). A role
    flag makes an auditor, a membership never does; the deployment's auditor is one explicitly
    (``audits_deployment``)."""
    if not getattr(user, "is_auditor", False):
        with recorder.denials(user, action, object_type=object_type):
            raise NotAnAuditor()
    return Auditor(
        user=user,
        organisation_id=getattr(user, "organisation_id", None),
        whole_deployment=bool(getattr(user, "audits_deployment", False)),
    )
