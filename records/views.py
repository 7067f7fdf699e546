"""Members' pages: their persons, a person's page, writing a note, bringing in another team.

Every page goes through the same selectors and services as the API, so it shows exactly what the
API would and is recorded the same way.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consent import policy
from records import selectors, services
from records.forms import FollowUpForm, NoteForm, PersonForm
from records.models import Category
from relais.errors import Conflict, Invalid
from relais.web import form_errors, pages
from teams.models import Team

PAGE_SIZE = 25


@login_required
@pages
def persons(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    member, found = selectors.followed_persons(user=request.user, search=search)
    page = Paginator(found.order_by("display_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    views = selectors.disclose_persons(member=member, persons=list(page.object_list))
    context = {
        "page": page,
        "views": views,
        "search": search,
        "query_prefix": f"{urlencode({'q': search})}&" if search else "",
        "nav": "persons",
    }
    return render(request, "records/persons.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@pages
def person_new(request: HttpRequest) -> HttpResponse:
    member = selectors.reader(request.user, "person.create", object_type="person")
    teams = Team.objects.filter(pk__in=member.team_ids).order_by("name")
    form = PersonForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            view = services.create_person(user=request.user, team_id=data.pop("team"), **data)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("The person is created. Record their consent to share with the team.")
            )
            return redirect("person", pk=view.person.pk)
    return render(request, "records/person_new.html", {"form": form, "nav": "persons"})


@login_required
@pages
def person(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.person_page(user=request.user, person_id=pk)
    return render(request, "records/person.html", _person_context(page))


def _person_context(page, note_form=None, warn_unshared=False, follow_up_form=None) -> dict:
    consents = {c.pk: c for c in page.consents}
    current = {c.team_id: c for c in page.consents if c.status == "current"}
    notes = [
        {
            "note": note,
            "grant": page.grants.get(note.category.code),
            "consent": consents.get(page.grants[note.category.code].consent_id)
            if note.category.code in page.grants
            else None,
        }
        for note in page.notes
    ]
    labels = dict(Category.objects.values_list("code", "label_en" if get_language() == "en" else "label_fr"))
    panel = [
        {
            "follow_up": follow_up,
            "consent": current.get(follow_up.team_id),
            "shared": [labels[code] for code in sorted(page.shared.get(follow_up.team_id, set()))],
        }
        for follow_up in page.view.follow_ups
    ]
    teams = page.my_following_teams
    return {
        "page": page,
        "person": page.view.person,
        "contact": page.view.contact,
        "notes": notes,
        "panel": panel,
        "history": page.consents,
        "note_form": note_form or NoteForm(teams=teams),
        "warn_unshared": warn_unshared,
        "follow_up_form": follow_up_form or FollowUpForm(teams=page.other_teams),
        "shared_by_team": [
            (team, [labels[code] for code in sorted(page.shared.get(team.pk, set()))]) for team in teams
        ],
        "nav": "persons",
    }


@login_required
@require_POST
@pages
def note_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a note; if its category is not shared with the team, warn first (R1: it stays the
    author's alone until the person agrees) and save only once the author confirms."""
    teams = selectors.writer_teams(user=request.user, person_id=pk)
    form = NoteForm(request.POST, teams=teams)
    warn = False
    if form.is_valid():
        data = form.cleaned_data
        shared = policy.shared_with_teams([data["team"]], pk).get(data["team"], set())
        if data["category"] not in shared and not data["confirm_unshared"]:
            warn = True
        else:
            try:
                services.write_note(
                    user=request.user,
                    person_id=pk,
                    team_id=data["team"],
                    category=data["category"],
                    body=data["body"],
                )
            except Invalid as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The note is saved."))
                return redirect("person", pk=pk)
    page = selectors.person_page(user=request.user, person_id=pk)
    return render(request, "records/person.html", _person_context(page, note_form=form, warn_unshared=warn))


@login_required
@require_POST
@pages
def follow_up_open(request: HttpRequest, pk: int) -> HttpResponse:
    form = FollowUpForm(request.POST, teams=Team.objects.order_by("name"))
    if form.is_valid():
        try:
            follow_up = services.open_follow_up(
                user=request.user, person_id=pk, team_id=form.cleaned_data["team"]
            )
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(team)s now follows this person. It sees nothing until the person agrees.")
                % {"team": follow_up.team.name},
            )
            return redirect("person", pk=pk)
    page = selectors.person_page(user=request.user, person_id=pk)
    return render(request, "records/person.html", _person_context(page, follow_up_form=form))
