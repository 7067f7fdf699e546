"""The benchmarks' world is built with the models as they are: a constraint added to consents (what
the person was told, the law shared under) once broke ``bench/dataset.py`` unnoticed, and every
figure of ``bench/service_http.py`` and ``bench/notes_list.py`` with it. Built small here, its secure
list answers as the benchmark asks it."""

from bench.dataset import build, world
from teams import tokens


def test_the_benchmarks_world_builds_and_its_secure_list_answers(api, db):
    teams, member, author = world()
    persons = build(5, 2, teams, member, author, 0)
    token, _expiry = tokens.issue(member)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    answer = api.get(f"/api/v1/persons/{persons[0]}/notes/?page_size=100")
    assert answer.status_code == 200
    assert answer.json()["count"] > 0
