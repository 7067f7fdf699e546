# ruff: noqa: E501  (the texts are paragraphs, kept whole so that their words are exactly the published ones)
"""Version 1 of what the person is told before they consent, as the migration that published it
recorded it (``consent/migrations/0017``). Never change these words: consents name them. A new wording
is a new version, published with ``manage.py publish_information FILE --text-version V --language L``."""

FIRST_VERSION = "1"

_FR = """Relais est l'outil que les équipes qui vous accompagnent utilisent pour noter ce qui est utile à votre accompagnement.

Ce qui est noté
Les professionnels notent ce qui sert à votre accompagnement : vos coordonnées, votre logement, vos démarches, votre santé si vous en parlez, et les rendez-vous. Chaque information a une catégorie (par exemple « Logement » ou « Santé »).

Qui peut le lire
Une équipe ne lit une information que si vous êtes d'accord pour la partager avec elle, et seulement les catégories dont sa mission a besoin. Tant que vous n'avez rien accepté, seul l'auteur d'une note la lit. Les travailleurs pairs ont les mêmes droits et les mêmes devoirs que leurs collègues, dont le secret professionnel.

Vos choix
Vous choisissez, équipe par équipe, ce que vous partagez. Vous pouvez refuser, changer d'avis ou tout arrêter à tout moment, avec un professionnel ou dans votre espace personnel. Refuser ne change rien à l'aide que vous recevez.

Ce que la loi prévoit
Vos informations sont traitées pour votre prise en charge sanitaire et sociale (RGPD, article 9, paragraphe 2, h). Le partage entre professionnels suit le Code de la santé publique (article L.1110-4) ou le Code de l'action sociale et des familles (article L.121-6-2) : seulement ce qui est nécessaire à la continuité de votre accompagnement.

Vos droits
Vous pouvez voir tout ce qui est noté sur vous, savoir qui l'a lu, en recevoir une copie, demander une correction, vous opposer à un traitement ou demander l'effacement. Chaque lecture est enregistrée dans un journal que vous pouvez consulter. Vous pouvez aussi vous adresser à la CNIL (www.cnil.fr).

Combien de temps
Quand plus aucune équipe ne vous accompagne depuis plusieurs années, votre dossier est archivé, puis effacé. Vous êtes prévenu avant, dans votre espace si vous en avez un."""

_FR_EASY = """Relais est un outil pour les équipes qui vous aident.

Les professionnels écrivent des notes sur votre accompagnement.
Par exemple : votre logement, vos papiers, votre santé.

Une équipe lit les notes seulement si vous êtes d'accord.
Vous choisissez quoi partager, et avec quelle équipe.

Vous pouvez dire non.
Vous pouvez changer d'avis quand vous voulez.
Si vous dites non, on vous aide quand même.

La loi permet aux professionnels qui vous aident de partager ce qui est utile pour vous aider.
Seulement ce qui est utile.

Vous pouvez voir vos informations et savoir qui les a lues.
Vous pouvez demander une copie ou une correction.

Quand plus personne ne vous aide depuis longtemps, votre dossier est effacé.
On vous prévient avant."""

_EN = """Relais is the tool the teams who support you use to write down what is useful for your support.

What is written
Professionals write down what helps your support: how to reach you, your housing, your paperwork, your health if you speak of it, and appointments. Each piece of information has a category (for example "Housing" or "Health").

Who can read it
A team reads information only if you agree to share it with that team, and only the categories its mission needs. Until you agree, only the author of a note reads it. Peer workers have the same rights and the same duties as their colleagues, professional secrecy included.

Your choices
You choose, team by team, what you share. You can refuse, change your mind or stop everything at any time, with a worker or in your own space. Refusing changes nothing in the help you receive.

What the law says
Your information is processed for your health and social care (GDPR, article 9(2)(h)). Sharing between professionals follows the Public Health Code (article L.1110-4) or the Social Action and Families Code (article L.121-6-2): only what the continuity of your support needs.

Your rights
You can see everything written about you, know who read it, get a copy, ask for a correction, object to a processing or ask for erasure. Every reading is recorded in a journal you can look at. You can also turn to the CNIL (www.cnil.fr).

How long
When no team has supported you for several years, your file is archived, then erased. You are told before, in your space if you have one."""

_EN_EASY = """Relais is a tool for the teams who help you.

Workers write notes about the help you get.
For example: your housing, your papers, your health.

A team reads the notes only if you say yes.
You choose what to share, and with which team.

You can say no.
You can change your mind when you want.
If you say no, you still get help.

The law lets the workers who help you share what is useful to help you.
Only what is useful.

You can see your information and who read it.
You can ask for a copy or a correction.

When nobody has helped you for a long time, your file is erased.
You are told before."""

FIRST_TEXTS = [
    {
        "version": FIRST_VERSION,
        "language": "fr",
        "easy_read": False,
        "title": "Vos informations dans Relais",
        "body": _FR,
    },
    {
        "version": FIRST_VERSION,
        "language": "fr",
        "easy_read": True,
        "title": "Vos informations dans Relais (facile à lire)",
        "body": _FR_EASY,
    },
    {
        "version": FIRST_VERSION,
        "language": "en",
        "easy_read": False,
        "title": "Your information in Relais",
        "body": _EN,
    },
    {
        "version": FIRST_VERSION,
        "language": "en",
        "easy_read": True,
        "title": "Your information in Relais (easy to read)",
        "body": _EN_EASY,
    },
]


def publish_into(model, using: str = "default") -> None:
    """Publish version 1 where it is missing: the migration does it with its historical model, on the
    connection it migrates (the owner's); the demo and the tests' factories after a flush."""
    for text in FIRST_TEXTS:
        model.objects.using(using).get_or_create(
            version=text["version"],
            language=text["language"],
            easy_read=text["easy_read"],
            defaults={"title": text["title"], "body": text["body"]},
        )
