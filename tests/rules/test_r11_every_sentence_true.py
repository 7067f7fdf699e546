"""R11, every sentence is true: what a page says about who reads what is what the API does.

A person, Jo, is followed by three teams. The test walks Jo's information through the states that
made pages lie before (issue "Every sentence true", §2–5): no consent; consents given; one changed;
one withdrawn; one expired; emergency accesses open (one on a category the person withdrew, for
danger to life); one ended early by a colleague and the other's time passed. Notes are written by
members of each team, and by the readers themselves. In every state, each page that says who reads
something is read: the person page of each author (each note's badge and "why can I see this?",
the note form's line per category, the compact status, the teams' cards), the message after saving
a note, and the person's portal. Each claim is compared with what the API answers to a member of
each team who wrote nothing (``GET /api/v1/notes/<id>/``, ``GET /api/v1/persons/<id>/``).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from consent.consents import services as consent_services
from consent.emergency import ending as glass_end
from consent.emergency import services as glass
from consent.models import Consent, GlassBreak, NoteHiding
from consent.say import exclusions
from records.models import Note
from tests.factories import give_consent, make_member, make_note, make_person, make_portal_account, make_team

LABELS = {
    "contact": "Coordonnées",
    "housing": "Logement et hébergement",
    "support_plan": "Projet d'accompagnement",
    "health": "Santé",
    "addiction": "Conduites addictives",
}
NOTE_CATEGORIES = ("housing", "support_plan", "health", "addiction")


def text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: no tags, entities read, spaces collapsed."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("’", "'")
    return " ".join(plain.split())


class World:
    """Jo, three teams that follow Jo (each with an author and a member who writes nothing, the
    probe), a fourth team that does not, and what the API answers to each probe."""

    def __init__(self, api, web):
        self.api, self.web = api, web
        self.maraude = make_team("Maraude Nord", ("contact", "housing", "support_plan", "addiction"))
        self.csapa = make_team("CSAPA Horizon", ("contact", "housing", "health", "addiction"))
        self.accueil = make_team("Accueil de jour", ("housing",))
        self.ailleurs = make_team("Ailleurs", ("housing", "health"))
        self.teams = [self.maraude, self.csapa, self.accueil, self.ailleurs]
        self.camille = make_member(self.maraude, username="camille")
        self.sami = make_member(self.maraude, peer=True, username="sami")
        self.nadia = make_member(self.csapa, username="nadia")
        self.ali = make_member(self.accueil, username="ali")
        self.probes = {
            self.maraude.pk: make_member(self.maraude, username="yves"),
            self.csapa.pk: make_member(self.csapa, username="lou"),
            self.accueil.pk: make_member(self.accueil, username="eli"),
            self.ailleurs.pk: make_member(self.ailleurs, username="max"),
        }
        self.jo = make_person(self.maraude, self.csapa, self.accueil, display_name="Jo", phone="0611223344")
        self.jo_account = make_portal_account(self.jo, "jo")
        self.authors = {self.camille: self.maraude, self.sami: self.maraude, self.nadia: self.csapa}
        for author, team in self.authors.items():
            for code in NOTE_CATEGORIES:  # within its team's mission or not: its author reads it
                make_note(self.jo, author, team, code, f"{author.username} {code}")
        make_note(self.jo, self.ali, self.accueil, "housing", "ali housing")
        self.kept_out: dict[int, str] = {}  # a team, and the label of the member Jo keeps out of it
        self.states: list[str] = []
        self.untrue: list[tuple] = []  # every claim the API contradicts: all of them are reported

    def expect(self, holds: bool, claim: tuple) -> None:
        if not holds:
            self.untrue.append(claim)

    def team_named(self, sentence: str) -> set[int]:
        return {team.pk for team in self.teams if team.name in sentence}

    def names_who_is_kept_out(self, sentence: str) -> bool:
        """A sentence that says a team reads says which of its members Jo keeps out (R11, issue 24)."""
        return all(
            f"{team.name} sauf {self.kept_out[team.pk]}" in sentence
            for team in self.teams
            if team.pk in self.kept_out and team.name in sentence
        )

    # What the API answers ---------------------------------------------------------------------

    def reads_note(self, user, note: Note) -> bool:
        return self.api.as_(user).get(f"/api/v1/notes/{note.pk}/").status_code == 200

    def readers(self, note: Note) -> set[int]:
        """The teams whose member who wrote nothing gets the note from the API."""
        return {team_id for team_id, probe in self.probes.items() if self.reads_note(probe, note)}

    def readers_of_every_note(self) -> dict[int, set[int]]:
        """``readers`` of each note, from each probe's list of Jo's notes (one call per team), and
        checked against a single read of each note by the first probe."""
        answers: dict[int, set[int]] = {note.pk: set() for note in Note.objects.filter(person=self.jo)}
        for team_id, probe in self.probes.items():
            listed = self.api.as_(probe).get(f"/api/v1/persons/{self.jo.pk}/notes/?page_size=100")
            for row in listed.json()["results"] if listed.status_code == 200 else []:
                answers[row["id"]].add(team_id)
        maraude = self.probes[self.maraude.pk]
        for note in Note.objects.filter(person=self.jo):
            assert self.reads_note(maraude, note) == (self.maraude.pk in answers[note.pk])
        return answers

    def reads_contact(self, team_id: int) -> bool:
        answer = self.api.as_(self.probes[team_id]).get(f"/api/v1/persons/{self.jo.pk}/")
        return answer.status_code == 200 and "phone" in answer.json()

    def team_reads(self, team_id: int, code: str) -> bool:
        """Whether the team's members read the category now (asked of the API once per state): its
        contact details, or a note of it written outside the team."""
        if (team_id, code) not in self.asked:
            if code == "contact":
                self.asked[team_id, code] = self.reads_contact(team_id)
            else:
                notes = Note.objects.filter(person=self.jo, category__code=code).exclude(team_id=team_id)
                outside = notes.order_by("pk").first()
                assert outside is not None, code
                self.asked[team_id, code] = team_id in self.answers[outside.pk]
        return self.asked[team_id, code]

    # The claims -------------------------------------------------------------------------------

    def check(self, state: str) -> None:
        self.states.append(state)
        self.answers = answers = self.readers_of_every_note()
        self.asked: dict[tuple[int, str], bool] = {}
        for author in self.authors:
            self.check_person_page(state, author, answers)
        self.check_portal(state)

    def check_person_page(self, state: str, reader, answers: dict[int, set[int]]) -> None:
        page = self.web.as_(reader).get(f"/persons/{self.jo.pk}/").content.decode()
        for match in re.finditer(
            r'<article class="note[^"]*" aria-labelledby="note-(\d+)">(.*?)</article>', page, re.S
        ):
            note = Note.objects.get(pk=int(match.group(1)))
            body = match.group(2)
            badges = text(" ".join(re.findall(r'<span class="badge">(.*?)</span>', body)))
            why = text(re.search(r"<details>(.*?)</details>", body, re.S).group(1))
            where = (state, reader.username, note.body, why)
            readers = answers[note.pk]
            if "Vous seul" in badges:
                self.expect(note.author_id == reader.pk and not readers, ("badge", *where))
            if note.author_id == reader.pk:
                self.expect(("Vous seul" in badges) == (not readers), ("badge", *where))
                self.expect(self.team_named(why) == readers, ("why", *where))
                self.expect(self.names_who_is_kept_out(why), ("why, kept out", *where))
                if readers:
                    self.expect("Personne d'autre" not in why, ("why", *where))
            else:
                named = self.team_named(why)
                self.expect(bool(named) and named <= readers, ("why", *where))
                self.expect(("urgence" in why) == ("urgence" in badges.lower()), ("badge", *where))
        # The note form: who will read a note of each kind, the author being the reader.
        lines = re.search(r'<ul class="readers">(.*?)</ul>', page, re.S).group(1)
        claimed = {
            text(label): text(line)
            for label, line in re.findall(r"<li><strong>(.*?)</strong> — (.*?)</li>", lines, re.S)
        }
        for code in NOTE_CATEGORIES:
            # A new note is hidden from no one: the line is compared with an own note that is not.
            hidden = NoteHiding.objects.filter(lifted_at__isnull=True).values("note_id")
            own = (
                Note.objects.filter(person=self.jo, author=reader, category__code=code)
                .exclude(pk__in=hidden)
                .first()
            )
            if own is None:
                continue
            line = claimed[LABELS[code]]
            where = (state, reader.username, code, line)
            self.expect(self.team_named(line) == answers[own.pk], ("note form", *where))
            self.expect(self.names_who_is_kept_out(line), ("note form, kept out", *where))
            self.expect(("vous seul" in line) == (not answers[own.pk]), ("note form", *where))
        # The teams' cards, and the compact status of the reader's own teams.
        panel = re.search(r'aria-labelledby="consent-panel">(.*?)</section>', page, re.S).group(1)
        for name, card in re.findall(r"<h3>(.*?)</h3>(.*?)(?=<h3>|$)", panel, re.S):
            team_id = self.team_named(name).pop()
            reads = [code for code in LABELS if self.team_reads(team_id, code)]
            says_name_only = "ne voit que le nom" in text(card)
            self.expect(says_name_only == (not reads), ("card", state, reader.username, name, text(card)))
        status = re.search(r'<section class="card status"[^>]*>(.*?)</section>', page, re.S)
        if status:
            for team_id, line in re.findall(r'<li data-team="(\d+)">(.*?)</li>', status.group(1), re.S):
                line = text(line)
                for code, label in LABELS.items():
                    self.expect(
                        (label in line) == self.team_reads(int(team_id), code), ("status", state, code, line)
                    )

    def check_portal(self, state: str) -> None:
        page = self.web.as_(self.jo_account).get("/portal/").content.decode()
        sections = re.findall(
            r'<section class="card" aria-labelledby="team-(\d+)">(.*?)</section>', page, re.S
        )
        assert len(sections) == 3, state
        for team_id, section in sections:
            team_id = int(team_id)
            reads_any = False
            for label, claim in re.findall(r"<strong>(.*?)</strong>\u00a0: ([^<]*)</p>", section):
                code = next(code for code, known in LABELS.items() if known == text(label))
                sees = "n’y a pas accès" not in claim
                reads = self.team_reads(team_id, code)
                reads_any |= reads
                self.expect(sees == reads, ("portal", state, team_id, code, text(claim)))
            if "seulement votre nom" in text(section):
                self.expect(not reads_any, ("portal", state, team_id, "seulement votre nom"))

    def write_and_read_the_message(self, state: str, author, team, code: str) -> None:
        """The message after saving names the author and every team that reads the new note."""
        response = self.web.as_(author).post(
            f"/persons/{self.jo.pk}/notes/new/",
            {"team": team.pk, "category": code, "body": f"{state} {code}", "confirm_unshared": "on"},
            follow=True,
        )
        message = re.search(r"La note est enregistrée\.[^<]*", html.unescape(response.content.decode()))
        if message is None:
            self.expect(False, ("message", state, code, "no message"))
            return
        note = Note.objects.filter(person=self.jo, author=author).latest("pk")
        assert note.category.code == code and note.body == f"{state} {code}"
        readers = self.readers(note)
        said = message.group(0)
        self.expect(
            "vous" in said.lower() and self.team_named(said) == readers, ("message", state, code, said)
        )
        self.expect(self.names_who_is_kept_out(said), ("message, kept out", state, code, said))


@pytest.fixture
def world(db, api, web):
    return World(api, web)


def test_every_sentence_about_who_reads_is_what_the_api_does(world):
    w = world
    w.check("nothing agreed")

    by_maraude = give_consent(w.jo, w.maraude, ["housing", "contact"], by=w.camille)
    by_csapa = give_consent(w.jo, w.csapa, ["health", "housing"], by=w.nadia)
    w.check("consents given")
    w.write_and_read_the_message("given", w.camille, w.maraude, "health")  # read by CSAPA, and its author

    by_maraude = give_consent(w.jo, w.maraude, ["housing", "support_plan"], by=w.camille)
    w.check("a consent changed")

    consent_services.withdraw_consent(user=w.nadia, consent_id=by_csapa.pk, method="oral")
    w.check("a consent withdrawn")

    Consent.objects.filter(pk=by_maraude.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    w.check("a consent expired")

    give_consent(w.jo, w.maraude, ["housing"], by=w.camille, valid_until=timezone.now() + timedelta(days=20))
    ours = glass.break_glass(
        user=w.camille,
        person_id=w.jo.pk,
        team_id=w.maraude.pk,
        categories=["addiction", "contact"],
        reason="danger_to_life",
        statement="Injoignable, en danger.",
    )
    theirs = glass.break_glass(
        user=w.nadia,
        person_id=w.jo.pk,
        team_id=w.csapa.pk,
        categories=["health"],  # withdrawn by Jo: only a danger to life opens it
        reason="danger_to_life",
        statement="Hospitalisé.",
    )
    w.check("emergency accesses open")
    w.write_and_read_the_message("emergency", w.camille, w.maraude, "addiction")
    w.write_and_read_the_message("emergency-other", w.camille, w.maraude, "health")

    glass_end.end_early(user=w.probes[w.maraude.pk], glass_break_id=ours.pk)
    GlassBreak.objects.filter(pk=theirs.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    w.check("emergency accesses ended")
    w.write_and_read_the_message("ended", w.camille, w.maraude, "addiction")

    # Issue 24: Jo keeps one member of Maraude Nord out, and hides a note of Sami's from the CSAPA.
    give_consent(w.jo, w.csapa, ["housing"], by=w.nadia)
    zoe = make_member(w.maraude, username="zoe")
    exclusions.keep_out(
        user=w.camille, person_id=w.jo.pk, member_id=zoe.pk, presence="in_person", confirmed=True
    )
    w.kept_out[w.maraude.pk] = zoe.label
    hidden = Note.objects.get(person=w.jo, author=w.sami, category__code="housing")
    NoteHiding.objects.create(person=w.jo, note=hidden, team=w.csapa, recorded_by=w.jo_account)
    w.check("a member kept out, a note hidden from one team")
    shown = Note.objects.get(person=w.jo, author=w.camille, category__code="housing")
    assert w.readers(shown) == {w.maraude.pk, w.csapa.pk}
    assert w.readers(hidden) == {w.maraude.pk}  # the CSAPA reads housing, but not this note
    assert w.api.as_(zoe).get(f"/api/v1/persons/{w.jo.pk}/").status_code == 404
    w.write_and_read_the_message("kept out", w.camille, w.maraude, "housing")

    assert len(w.states) == 8
    assert w.untrue == [], "\n".join(map(repr, w.untrue))
