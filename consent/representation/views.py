"""Pages of representatives (``consent.representation.services``): a worker records and ends them with their
evidence; the person, and the representative, see them in the portal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent.models import Representative
from consent.representation import services as representatives
from consent.representation.forms import RepresentativeEndForm, RepresentativeForm
from core.domain_errors import Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import confirmed, form_errors, render_with_forms, submitted, unconfirmed

SHOWN_CODE = "representative_code"  # the code just made, shown to the worker who made it


def _form(data: object = None) -> RepresentativeForm:
    return RepresentativeForm(
        data, kinds=Representative.Kind.choices, scopes=Representative.Scope.choices, auto_id="r-%s"
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_representatives(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who acts for the person, and a form to record someone, with the evidence. The new code is
    made by the POST and shown by the GET it redirects to, from the worker's session, until used."""
    form = _form(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            agent, code, invitation = representatives.record_representative(
                user=request.user, person_id=pk, **form.cleaned_data
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            request.session[SHOWN_CODE] = {"person": pk, "invitation": invitation.pk, "code": code}
            messages.success(request, _("Recorded. Give the code below to %(name)s.") % {"name": agent.name})
            return redirect("person-representatives", pk=pk)
    return _page(request, pk, form)


def _page(
    request: AuthenticatedHttpRequest,
    pk: int,
    form: RepresentativeForm,
    refused: RepresentativeEndForm | None = None,
    refused_id: int | None = None,
) -> HttpResponse:
    roles = representatives.representatives_of(user=request.user, person_id=pk)
    shown = request.session.get(SHOWN_CODE) or {}
    invitation = (
        representatives.open_code(person=roles.person, invitation_id=shown.get("invitation"))
        if shown.get("person") == pk
        else None
    )
    if invitation is None:
        request.session.pop(SHOWN_CODE, None)
    items = [
        {
            "agent": agent,
            "end_form": refused
            if refused is not None and refused_id == agent.pk
            else RepresentativeEndForm(auto_id=f"e{agent.pk}-%s"),
        }
        for agent in roles.representatives
    ]
    context = {
        "person": roles.person,
        "items": items,
        "form": form,
        "code": shown.get("code") if invitation else None,
        "invitation": invitation,
        "nav": "persons",
    }
    response = render_with_forms(request, "consent/representation/person.html", context, form, refused)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End a role, with what proves it ends; the representative's space closes at once."""
    form = RepresentativeEndForm(request.POST, auto_id=f"e{pk}-%s")
    if form.is_valid():
        try:
            agent = representatives.end_representative(
                user=request.user, representative_id=pk, evidence=form.cleaned_data["evidence"]
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Done. %(name)s no longer acts for the person.") % {"name": agent.name}
            )
            return redirect("person-representatives", pk=agent.person_id)
    person_id = representatives.person_of(user=request.user, representative_id=pk)
    return _page(request, person_id, _form(), form, pk)


@login_required
@require_POST
def new_code(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new code for a representative (a first code lost, or a password forgotten)."""
    code, invitation = representatives.new_code_for(user=request.user, representative_id=pk)
    person_id = invitation.person_id
    request.session[SHOWN_CODE] = {"person": person_id, "invitation": invitation.pk, "code": code}
    return redirect("person-representatives", pk=person_id)


@login_required
@require_safe
def portal_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """In the portal: who acts for me (and, for a trusted person, a button to end it); or, for a
    representative, the role they hold and what it lets them do."""
    roles = representatives.my_representatives(user=request.user)
    context = {"acting": roles, "nav": "portal-representatives", "body_class": "portal"}
    return render(request, "consent/representation/portal.html", context)


@login_required
@require_POST
def portal_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person ends their trusted person's role themselves: irreversible for them (only a worker
    gives it back), so only the confirming button acts."""
    representatives.person_of(user=request.user, representative_id=pk)  # another's: a 404 first
    if not confirmed(request):
        return unconfirmed(request)
    agent = representatives.end_representative(user=request.user, representative_id=pk)
    messages.success(request, _("Done. %(name)s no longer acts for you.") % {"name": agent.name})
    return redirect("portal-representatives")
