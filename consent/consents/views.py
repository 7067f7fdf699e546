"""Members' pages for consents: recording one, withdrawing one, the printable receipt, the evidence
file, and the one-time code of the person's space."""

import json
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from access import organisations, persons
from consent.consents import selectors, services
from consent.consents.evidence import EvidenceFile
from consent.consents.forms import ConsentForm, WithdrawForm
from consent.information import texts as information
from consent.models import LegalBasis, Method
from core.domain_errors import Conflict, Invalid
from teams.requests import AuthenticatedHttpRequest
from teams.selectors import category_labels
from web.pages import form_errors, render_with_forms, submitted, submitted_files
from web.presence import Presence


def _end_of_day(day) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    view = persons.person_detail(user=request.user, person_id=pk)
    following = sorted((f.team for f in view.follow_ups), key=lambda t: t.name)
    # Another organisation's team records its consents itself, or the person does (``access.organisations``).
    teams = organisations.teams_of_own_organisation(request.user, following)
    chosen = request.POST.get("team") or request.GET.get("team") or (teams[0].pk if teams else None)
    team = next((t for t in teams if str(t.pk) == str(chosen)), teams[0] if teams else None)
    categories = list(team.continuity_categories.order_by("id")) if team else []
    current = (
        selectors.current_consent(user=request.user, person=view.person, team_id=team.pk)
        if team and request.method == "GET"
        else None
    )
    shown = information.current_text(get_language())
    initial: dict[str, Any] = {
        "team": team.pk if team else None,
        "information": shown.pk if shown else None,
        "legal_basis": information.basis_for(view.person.pk, team.pk)
        if team
        else settings.RELAIS_LEGAL_BASIS,
    }
    if current is not None:  # a change starts from what the person said last time
        initial.update(
            replaces=current.pk,
            categories=[c.code for c in current.categories.all()],
            purpose=current.purpose,
            valid_until=timezone.localtime(current.valid_until).date() if current.valid_until else None,
        )
    form = ConsentForm(
        submitted(request),
        submitted_files(request),
        teams=teams,
        categories=categories,
        texts=information.current_texts(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("evidence")
        try:
            consent = services.record_consent(
                user=request.user,
                person_id=pk,
                team_id=data["team"],
                categories=data["categories"],
                purpose=data["purpose"],
                method=data["method"],
                valid_until=_end_of_day(data["valid_until"]),
                evidence=EvidenceFile(upload.name, upload.read()) if upload else None,
                replaces=data.get("replaces"),
                presence=data.get("presence") or None,
                confirmed=bool(data.get("confirmed")),
                information=data["information"],
                legal_basis=data["legal_basis"],
            )
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The consent is recorded. Print the receipt for the person."))
            return redirect("consent-receipt-page", pk=consent.pk)
    return render_with_forms(
        request,
        "consent/consents/consent_new.html",
        {
            "person": view.person,
            "team": team,
            "form": form,
            "current": current,
            # Another team's consent asks who is present (issue 21); the service decides, this shows.
            "own_team": team is None or request.user.memberships.filter(team=team).exists(),
            "elsewhere": [t for t in following if t not in teams],
            "nav": "persons",
        },
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    receipt = selectors.consent_receipt(user=request.user, consent_id=pk)
    consent = receipt.consent
    form = WithdrawForm(submitted(request), submitted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("evidence")
        try:
            services.withdraw_consent(
                user=request.user,
                consent_id=pk,
                method=form.cleaned_data["method"],
                evidence=EvidenceFile(upload.name, upload.read()) if upload else None,
            )
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("The withdrawal is recorded: the team no longer sees this information.")
            )
            return redirect(f"{reverse('consent-receipt-page', args=[pk])}?event=withdrawn")
    codes = json.loads(receipt.payload).get("categories", [])
    labels = category_labels()
    context = {"consent": consent, "shared": [labels.get(code, code) for code in codes], "form": form}
    return render_with_forms(request, "consent/consents/withdraw.html", context, form)


@login_required
@require_safe
def consent_receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The signed receipt, printable, in plain words and as the signed JSON."""
    event = request.GET.get("event") if request.GET.get("event") in ("given", "withdrawn") else None
    receipt = selectors.consent_receipt(user=request.user, consent_id=pk, event=event)
    payload = json.loads(receipt.payload)
    labels = category_labels()
    own = receipt.consent.person.account_id == request.user.pk
    withdrawn = payload["event"] == "withdrawn"
    return render(
        request,
        "consent/consents/receipt.html",
        {
            "receipt": receipt,
            "payload": payload,
            "labels": [labels.get(code, code) for code in payload["categories"]],
            "method": dict(Method.choices).get(payload["method"], payload["method"]),
            "at": datetime.fromisoformat(payload["at"]),
            "valid_until": datetime.fromisoformat(payload["valid_until"]) if payload["valid_until"] else None,
            "signed": receipt.payload,
            "has_evidence": selectors.receipt_has_evidence(receipt),
            "presence": Presence(payload["presence"]).label if payload.get("presence") else None,
            # What the person was told and on what basis, as signed (issue 24); older receipts lack it.
            "information": selectors.receipt_information(payload),
            "legal_basis": LegalBasis(payload["legal_basis"]).label if payload.get("legal_basis") else "",
            "before_information": not payload.get("information"),
            "person_name": receipt.consent.person.display_name,
            "withdrawn": withdrawn,
            "refusal": payload["event"] != "withdrawn" and not payload["categories"],
            "own": own,
            "recorded_by": selectors.receipt_recorded_by(receipt),
            "body_class": "portal" if own else "",
        },
    )


@login_required
@require_safe
def consent_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = request.GET.get("event")
    evidence, content = selectors.consent_evidence(user=request.user, consent_id=pk, event=event)
    response = HttpResponse(content, content_type=evidence.content_type)
    kind = "withdrawal" if event == "withdrawn" else "evidence"
    response["Content-Disposition"] = f'attachment; filename="consent-{pk}-{kind}"'
    response["Cache-Control"] = "no-store"
    return response


SHOWN_CODE = "portal_code"


@login_required
@require_http_methods(["GET", "POST"])
def portal_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A one-time code for the person to open their space, or to choose a new password for it.

    The code is made by a POST and shown by the GET it redirects to, from the worker's session, until
    it is used or expires: reloading or printing the page shows the same code, never makes another."""
    if request.method == "POST":
        code, invitation = services.invite_to_portal(user=request.user, person_id=pk)
        request.session[SHOWN_CODE] = {"person": pk, "invitation": invitation.pk, "code": code}
        return redirect("portal-invite", pk=pk)
    view = persons.person_detail(user=request.user, person_id=pk)
    shown = request.session.get(SHOWN_CODE) or {}
    still_open = (
        selectors.open_invitation(person=view.person, invitation_id=shown.get("invitation"))
        if shown.get("person") == pk
        else None
    )
    if still_open is None:
        request.session.pop(SHOWN_CODE, None)
    response = render(
        request,
        "consent/consents/invitation.html",
        {
            "person": view.person,
            "code": shown.get("code") if still_open else None,
            "invitation": still_open,
            "space_open": view.person.account_id is not None,
            "address": request.build_absolute_uri(reverse("portal-activation")),
            "nav": "persons",
        },
    )
    response["Cache-Control"] = "no-store"
    return response
