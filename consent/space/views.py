"""The accompanied person's pages: easy to read, one idea per line, their own record only."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access import wording as readership_wording
from access.readership import Reading
from consent.consents import services
from consent.emergency import services as glass
from consent.information import texts
from consent.models import InformationText, Method
from consent.space import activation, export, journal, journal_html, offers_html, portal
from consent.space.forms import ActivateForm, ShareForm
from consent.space.serializers import ExportSerializer
from core.domain_errors import Conflict, Invalid
from teams.requests import AuthenticatedHttpRequest
from web.pages import confirmed, disclosed_page, form_errors, render_with_forms, submitted, unconfirmed

JOURNAL_PAGE = 30
PRINTED_LINES = 300


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    form = ActivateForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = activation.activate(
                code=data["code"], username=data["username"], password=data["password"]
            )
        except Invalid as exc:
            form_errors(form, exc)
        else:
            login(request, user, backend="teams.backends.UserBackend")
            messages.success(request, _("Your space is open. Welcome."))
            return redirect("home")  # each role starts where its work is (a representative's scope)
    return render_with_forms(
        request, "consent/space/activate.html", {"form": form, "body_class": "portal"}, form
    )


@login_required
@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who sees what: for each team, each kind of information, shared or not, with a button."""
    space = portal.my_space(user=request.user)
    information, easy_information = texts.current_pair(get_language())
    context = {
        "offers": space.offers,
        "offer_sections": _sections(request, space.offers, information),
        "unread": space.unread,
        "emergencies": space.emergencies,
        "restriction": space.restriction,
        "information": information,
        "easy_information": easy_information,
        "nav": "portal-home",
        "body_class": "portal",
    }
    return render(request, "consent/space/home.html", context)


def _sections(
    request: HttpRequest, offers: list[portal.TeamOffer], information: InformationText | None
) -> list[tuple[portal.TeamOffer, SafeString]]:
    """Each team's offer, with its lines written once in Python (``offers_html``)."""
    token = get_token(request)
    return [(offer, offers_html.share_lines(offer, information, token)) for offer in offers]


@login_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person has seen an emergency access to their information: the banner goes."""
    glass.acknowledge(user=request.user, glass_break_id=pk)
    return redirect("portal-home")


@login_required
@require_POST
def share(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Share, or stop sharing, one kind of information with one team: a new consent that replaces the
    current one (R7), given by the person themselves."""
    form = ShareForm(request.POST)
    if not form.is_valid():
        return render(
            request, "400.html", {"message": _("This choice could not be read. Try again.")}, status=400
        )
    data = form.cleaned_data
    try:
        offer = portal.change_sharing(
            user=request.user,
            team_id=data["team"],
            category=data["category"],
            share=data["share"],
            information=data.get("information"),
        )
    except (Invalid, Conflict) as exc:
        # Nothing changed: the page is shown again with the reason, and the request answers 4xx.
        form_errors(form, exc)
        information, easy_information = texts.current_pair(get_language())
        offers = portal.my_teams(user=request.user)
        context = {
            "offers": offers,
            "offer_sections": _sections(request, offers, information),
            "share_form": form,
            "information": information,
            "easy_information": easy_information,
            "nav": "portal-home",
        }
        return render_with_forms(
            request, "consent/space/home.html", {**context, "body_class": "portal"}, form
        )
    still = portal.team_reads_now(user=request.user, team_id=offer.team.pk).get(data["category"])
    messages.success(request, _sharing_message(offer.team.name, data["share"], still))
    return redirect("portal-home")


def _sharing_message(team: str, share: bool, still: Reading | None) -> str:
    """What the person is told after a change: whether the team sees it now, from the policy (R11)."""
    if share:
        return _("Done. %(team)s now sees this information.") % {"team": team}
    if still is not None and still.glass_break_id is not None:
        return _(
            "Done. You no longer share it with %(team)s; it still sees it through the emergency access, "
            "until %(end)s."
        ) % {"team": team, "end": readership_wording.when(still.ends_at)}  # type: ignore[arg-type]
    return _("Done. %(team)s no longer sees this information.") % {"team": team}


@login_required
@require_POST
def stop_all(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw the whole consent given to one team: irreversible, so only the confirming button
    (inside the question the first tap opens) acts; anything else changes nothing."""
    portal.consent_to_stop(user=request.user, consent_id=pk)  # another's is a 404 before anything
    if not confirmed(request):
        return unconfirmed(request)
    withdrawn = services.withdraw_consent(user=request.user, consent_id=pk, method=Method.PORTAL)
    emergencies = {
        reading.glass_break_id: reading
        for reading in portal.team_reads_now(user=request.user, team_id=withdrawn.team_id).values()
        if reading.glass_break_id is not None
    }
    if emergencies:
        end = max(reading.ends_at for reading in emergencies.values() if reading.ends_at)
        messages.success(
            request,
            _(
                "Done. This team no longer sees what you shared; it still sees what the emergency access "
                "opened, until %(end)s."
            )
            % {"end": readership_wording.when(end)},
        )
    else:
        messages.success(request, _("Done. This team no longer sees anything about you."))
    return redirect("portal-home")


@login_required
@require_safe
def journal_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who looked at my information, in plain sentences; my own visits only if I ask."""
    include_own = request.GET.get("mine") == "1"
    page, lines = disclosed_page(
        request, journal.journal(user=request.user, include_own=include_own), JOURNAL_PAGE
    )
    return render(
        request,
        "consent/space/journal.html",
        {
            "lines": lines,
            "items": journal_html.journal_items(lines),
            "page": page,
            "include_own": include_own,
            "query_prefix": "mine=1&" if include_own else "",
            "nav": "portal-journal",
            "body_class": "portal",
        },
    )


@login_required
@require_safe
def receipts(request: AuthenticatedHttpRequest) -> HttpResponse:
    page, shown = disclosed_page(request, portal.my_receipts(user=request.user), 50)
    return render(
        request,
        "consent/space/receipts.html",
        {"receipts": shown, "page": page, "nav": "portal-receipts", "body_class": "portal"},
    )


@login_required
@require_safe
def download(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = ExportSerializer(export.my_data(user=request.user)).data
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="relais-mes-donnees.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def printable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything Relais holds about the person, in plain words, that prints well (GDPR art. 15: an
    intelligible form; the JSON download stays for machines). A worker can print it with a person
    who has no phone."""
    data = export.my_data(user=request.user)
    _page, lines = disclosed_page(request, journal.journal(user=request.user), PRINTED_LINES, param="-")
    return render(
        request,
        "consent/space/print.html",
        {
            "person": data["person"],
            "follow_ups": data["follow_ups"],
            "consents": data["consents"],
            "notes_by_team": export.notes_by_team(data["notes"]),
            "lines": lines,
            "body_class": "portal",
        },
    )


@login_required
@require_POST
def renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Renew a consent that ends soon, in one step: the same choices, for as long again."""
    consent = portal.renew_consent(user=request.user, consent_id=pk)
    messages.success(
        request,
        _("Done. Your consent for %(team)s now ends on %(day)s.")
        % {
            "team": consent.team.name,
            "day": date_format(timezone.localtime(consent.valid_until), "DATE_FORMAT")
            if consent.valid_until
            else "",
        },
    )
    return redirect("portal-home")
