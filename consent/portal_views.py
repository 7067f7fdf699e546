"""The accompanied person's pages: easy to read, one idea per line, their own record only."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent import portal, services
from consent.models import Method
from consent.portal_forms import ActivateForm, ShareForm
from consent.serializers import ExportSerializer
from relais.errors import Conflict, Invalid
from relais.web import form_errors, pages

JOURNAL_PAGE = 30


@require_http_methods(["GET", "POST"])
@pages
def activate(request: HttpRequest) -> HttpResponse:
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = portal.activate(code=data["code"], username=data["username"], password=data["password"])
        except Invalid as exc:
            form_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your space is open. Welcome."))
            return redirect("portal-home")
    return render(request, "portal/activate.html", {"form": form, "body_class": "portal"})


@login_required
@pages
def home(request: HttpRequest) -> HttpResponse:
    """Who sees what: for each team, each kind of information, shared or not, with a button."""
    offers = portal.my_teams(user=request.user)
    return render(
        request, "portal/home.html", {"offers": offers, "nav": "portal-home", "body_class": "portal"}
    )


@login_required
@require_POST
@pages
def share(request: HttpRequest) -> HttpResponse:
    """Share, or stop sharing, one kind of information with one team: a new consent that replaces the
    current one (R7), given by the person themselves."""
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This choice could not be read. Try again."))
        return redirect("portal-home")
    data = form.cleaned_data
    try:
        offer = portal.change_sharing(
            user=request.user, team_id=data["team"], category=data["category"], share=data["share"]
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, _first_message(exc))
    else:
        messages.success(
            request,
            _("Done. %(team)s now sees this information.") % {"team": offer.team.name}
            if data["share"]
            else _("Done. %(team)s no longer sees this information.") % {"team": offer.team.name},
        )
    return redirect("portal-home")


def _first_message(exc) -> str:
    if isinstance(exc.detail, dict):
        return str(next(iter(exc.detail.values()))[0])
    return str(exc.detail)


@login_required
@require_POST
@pages
def stop_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the whole consent given to one team."""
    services.withdraw_consent(user=request.user, consent_id=pk, method=Method.PORTAL)
    messages.success(request, _("Done. This team no longer sees anything about you."))
    return redirect("portal-home")


@login_required
@pages
def journal(request: HttpRequest) -> HttpResponse:
    """Who looked at my information, in plain sentences."""
    person, events = portal.access_log(user=request.user)
    page = Paginator(events, JOURNAL_PAGE).get_page(request.GET.get("page"))
    entries = portal.describe(user=request.user, person=person, events=list(page.object_list))
    return render(
        request,
        "portal/journal.html",
        {"entries": entries, "page": page, "nav": "portal-journal", "body_class": "portal"},
    )


@login_required
@pages
def receipts(request: HttpRequest) -> HttpResponse:
    person, found = portal.my_receipts(user=request.user)
    page = Paginator(found.select_related("consent__team"), 50).get_page(request.GET.get("page"))
    shown = portal.disclose_receipts(user=request.user, person=person, receipts=list(page.object_list))
    return render(
        request,
        "portal/receipts.html",
        {"receipts": shown, "page": page, "nav": "portal-receipts", "body_class": "portal"},
    )


@login_required
@pages
def export(request: HttpRequest) -> HttpResponse:
    data = ExportSerializer(portal.export(user=request.user)).data
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="relais-mes-donnees.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@pages
def printable(request: HttpRequest) -> HttpResponse:
    """The journal and the consents on paper, for a worker to print with a person who has no phone."""
    person, consents = portal.my_consents(user=request.user)
    consents = portal.disclose_my_consents(user=request.user, person=person, consents=list(consents))
    events = portal.access_log(user=request.user)[1]
    entries = portal.describe(user=request.user, person=person, events=list(events[:300]))
    return render(
        request,
        "portal/print.html",
        {"person": person, "consents": consents, "entries": entries, "body_class": "portal"},
    )
