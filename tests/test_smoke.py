def test_a_member_reads_a_shared_note(api, shared, person, peer):
    consent, note = shared
    response = api.as_(peer).get(f"/api/v1/persons/{person.pk}/notes/")
    assert response.status_code == 200, response.content
    assert [n["id"] for n in response.json()["results"]] == [note.pk]
