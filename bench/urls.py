"""The service's URLs plus a plain DRF list over the same notes, as the benchmark's baseline."""

from django.urls import path
from rest_framework import generics

from records.models import Note
from records.serializers import NoteOutSerializer
from relais.urls import urlpatterns as service_urls
from teams.presentation import with_presentation


class PlainNoteList(generics.ListAPIView):
    """No policy, no audit: every note of the person, as a naive endpoint would serve them."""

    serializer_class = NoteOutSerializer

    def get_queryset(self):
        # The same output as the secure list, authors' chosen titles included (one join, as there).
        notes = Note.objects.filter(person_id=self.kwargs["pk"]).select_related("category", "author", "team")
        return with_presentation(notes, member="author", prefix="author")


urlpatterns = [*service_urls, path("bench/plain/<int:pk>/notes/", PlainNoteList.as_view())]
