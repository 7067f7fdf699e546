"""R11, word for word: each sentence about who reads what, as the policy's answer writes it
(``access.wording``), in English and in French. The pages' tests check that each page shows these;
here, that each sentence says exactly what the reading is: the team, the basis, the end, who is kept
out, and the author first."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from access import wording
from access.readership import NoteReaders, Readership, Reading

pytestmark = pytest.mark.any_database

PARIS = ZoneInfo("Europe/Paris")
END = datetime(2027, 3, 4, 17, 30, tzinfo=PARIS)
CONSENT = Reading(team_id=1, team="Maraude Nord", consent_id=7, glass_break_id=None, ends_at=None)
UNTIL = Reading(team_id=2, team="CSAPA Est", consent_id=8, glass_break_id=None, ends_at=END)
EMERGENCY = Reading(team_id=1, team="Maraude Nord", consent_id=None, glass_break_id=12, ends_at=END)
KEPT_OUT = Reading(
    team_id=1, team="Maraude Nord", consent_id=7, glass_break_id=None, ends_at=None, kept_out=("Léa", "Marc")
)
ALONE = NoteReaders(author_id=3, teams=())
SHARED = NoteReaders(author_id=3, teams=(CONSENT, UNTIL))


@pytest.fixture(autouse=True)
def paris(settings):
    settings.TIME_ZONE = "Europe/Paris"


def test_the_basis_names_the_consent_its_end_or_the_emergency_access():
    with translation.override("en"):
        assert wording.basis(CONSENT) == "the person's consent"
        assert wording.basis(UNTIL) == "the person's consent, until March 4, 2027"
        assert wording.basis(EMERGENCY) == "emergency access no. 12, until March 4, 2027, 17:30"
    with translation.override("fr"):
        assert wording.basis(UNTIL) == "son consentement, jusqu’au 4 mars 2027"


def test_a_team_reading_names_the_team_and_whom_the_person_keeps_out():
    with translation.override("en"):
        assert wording.team_reading(CONSENT) == "Maraude Nord (the person's consent)"
        assert wording.team_reading(KEPT_OUT) == "Maraude Nord but Léa, Marc (the person's consent)"
        assert wording.teams_reading([CONSENT, UNTIL]) == (
            "Maraude Nord (the person's consent), CSAPA Est (the person's consent, until March 4, 2027)"
        )


def test_the_authors_sentences_say_the_author_first_then_each_team():
    with translation.override("en"):
        assert wording.form_line(ALONE) == "you alone, until the person agrees"
        assert wording.form_line(SHARED) == (
            "you, and the members of Maraude Nord (the person's consent), "
            "CSAPA Est (the person's consent, until March 4, 2027)"
        )
        assert wording.saved_message(ALONE) == "The note is saved. You alone read it for now."
        assert wording.saved_message(SHARED).startswith(
            "The note is saved. Read by: you, and the members of Maraude Nord (the person's consent), "
        )
        assert wording.own_note_why(ALONE) == (
            "You wrote this note. Nobody else reads it until the person agrees to share this kind of "
            "information with a team that needs it."
        )
        assert wording.own_note_why(SHARED).startswith(
            "You wrote this note. It is also read by the members of Maraude Nord (the person's consent), "
        )


def test_the_emergency_sentences_name_the_access_its_team_and_its_end():
    with translation.override("en"):
        assert wording.emergency_why(EMERGENCY) == (
            "Readable now through an emergency access (no. 12) of Maraude Nord, until March 4, 2027, "
            "17:30: each read is recorded, the person is told, and an auditor reviews it."
        )
        readable = {"housing": CONSENT, "contact": UNTIL}
        labels = {"housing": "Housing", "contact": "Contact details"}
        assert wording.already_readable("Maraude Nord", readable, labels) == (
            "Maraude Nord already reads: Contact details (the person's consent, until March 4, 2027); "
            "Housing (the person's consent)."
        )


OTHER_EMERGENCY = Reading(team_id=2, team="CSAPA Est", consent_id=None, glass_break_id=13, ends_at=END)


def test_the_emergencies_open_now_are_those_of_the_teams_asked_about_each_once():
    """The person page's "emergency access open" box: for each open access of the teams asked
    about (every team if none is named), its categories; a consent read beside it changes nothing."""
    readership = Readership(
        {
            "contact": (CONSENT, OTHER_EMERGENCY),
            "housing": (EMERGENCY, OTHER_EMERGENCY),
            "support_plan": (EMERGENCY,),
        }
    )
    assert [(e.glass_break_id, e.team, e.categories) for e in readership.emergencies()] == [
        (12, "Maraude Nord", ("housing", "support_plan")),
        (13, "CSAPA Est", ("contact", "housing")),
    ]
    assert [e.glass_break_id for e in readership.emergencies([1])] == [12]
    assert [e.glass_break_id for e in readership.emergencies([2])] == [13]
    assert readership.emergencies([]) == []


def test_who_reads_a_note_names_its_author():
    readers = Readership({"housing": (CONSENT,)}).of_note(3, "housing", note_id=5, team_id=1)
    assert (readers.author_id, readers.teams) == (3, (CONSENT,))
