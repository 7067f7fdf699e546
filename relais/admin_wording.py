"""Django's own administration strings that our French catalogue words differently.

Django's French says "Ajout de équipe" and "Modification de utilisateur": its template cannot know
that a name starts with a vowel. Marking the same strings here keeps them in our catalogue, which
comes first (LOCALE_PATHS), so the administration reads "Ajouter : équipe". Nothing imports this
module: it exists for makemessages.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_WORDING = (
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
)
