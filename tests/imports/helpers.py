"""Builders for the import tests: the sample exports of ``samples/`` and Microsoft Forms
workbooks, built with openpyxl as Forms writes them."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

from assess.services import questionnaires

SAMPLES = Path(__file__).parent / "samples"

FAMILIES_EN = [
    "My child talked about the project at home.",
    "My child learned about other countries and the way people live there.",
    "My child showed me things they made in the project.",
    "The school let families see the project (an exhibition, a show, a website or the TwinSpace).",
    "Our family could take part in the project (helping, coming to an event, answering questions).",
    "The school respected privacy and image rights, for example by asking us before publishing photos or videos of our child.",
    "The project made my child more curious about the world.",
    "How did you first hear about the project?",
    "Anything else you would like to tell the teachers? (optional)",
]

#: The families questionnaire's questions as a German teacher typed them in Google Forms
#: (samples/google-families-de.csv) and Microsoft Forms (:func:`msforms_families_de`):
#: matched through samples/google-families-de-mapping.yaml.
FAMILIES_DE = [
    "Mein Kind hat zu Hause über das Projekt gesprochen.",
    "Mein Kind hat andere Länder und die Lebensweise der Menschen dort kennengelernt.",
    "Mein Kind hat mir Dinge gezeigt, die es im Projekt gemacht hat.",
    "Die Schule hat den Familien das Projekt gezeigt (Ausstellung, Aufführung, Website oder TwinSpace).",
    "Unsere Familie konnte sich am Projekt beteiligen (helfen, zu einer Veranstaltung kommen, Fragen beantworten).",
    "Die Schule hat Privatsphäre und Bildrechte respektiert, zum Beispiel indem sie uns vor der Veröffentlichung "
    "von Fotos oder Videos unseres Kindes gefragt hat.",
    "Das Projekt hat mein Kind neugieriger auf die Welt gemacht.",
    "Wie haben Sie zum ersten Mal von dem Projekt erfahren?",
    "Möchten Sie den Lehrkräften noch etwas mitteilen? (freiwillig)",
]
MAPPING_DE = SAMPLES / "google-families-de-mapping.yaml"

#: What identifies a respondent in the samples: none of it may ever be stored.
IDENTIFYING_VALUES = [
    # Google Forms (EN, FR)
    "anne.martin@example.org", "brian.oconnor@example.org", "chloe.dupont@example.org", "david.smith@example.org",
    "emma.leroy@example.org", "francoise.girard@example.fr", "gilles.bernard@example.fr", "helene.petit@example.fr",
    "isabelle.roux@example.fr",
    # Microsoft Forms
    "bruno.lefevre@example.org", "Bruno Lefèvre", "nadia.haddad@example.org", "Nadia Haddad",
    "olga.nowak@example.org", "Olga Nowak", "pierre.blanc@example.org", "Pierre Blanc",
    # LimeSurvey
    "tok3nJEAN", "tok3nKATE", "tok3nLUC", "tok3nMARC", "192.0.2.17", "192.0.2.18", "192.0.2.19", "192.0.2.20",
    "Jean.Moreau", "Kate.Walsh", "1234567",
]

MSFORMS_HEADERS_EN = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
#: A German Microsoft Forms export (older exports end there; newer ones add the last modification time).
MSFORMS_HEADERS_DE = ["ID", "Startzeit", "Fertigstellungszeit", "E-Mail", "Name"]
MSFORMS_HEADERS_FR = ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom",
                      "Heure de la dernière modification"]


def xlsx(rows: list[list]) -> bytes:
    """A workbook of one sheet holding ``rows`` (the first is the header row)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def msforms_families(*, french: bool = False) -> bytes:
    """A Microsoft Forms export of the families questionnaire: two good rows, a word the
    scale does not know (row 3), an empty row (row 4), a 0 on the 1-5 scale (row 5)."""
    headers = (MSFORMS_HEADERS_FR if french else MSFORMS_HEADERS_EN) + FAMILIES_EN

    def meta(n: int, email: str, name: str) -> list:
        # Naive on purpose: Microsoft Forms writes the form's local time, with no zone.
        start = datetime(2025, 10, n + 1, 9, 30, 0)  # noqa: DTZ001
        done = datetime(2025, 10, n + 1, 9, 41, 12)  # noqa: DTZ001
        return [n, start, done, email, name, done]

    return xlsx([
        headers,
        [*meta(1, "bruno.lefevre@example.org", "Bruno Lefèvre"),
         "Strongly agree", "Agree", "Agree", "Strongly agree", "Neutral", "I don't know", "Agree",
         "An exhibition or event at school", "Well done"],
        [*meta(2, "nadia.haddad@example.org", "Nadia Haddad"), 4, 5, 3, 4, 4, 4, 5, "From my child", None],
        [*meta(3, "olga.nowak@example.org", "Olga Nowak"),
         "Perhaps", "Agree", "Agree", "Agree", "Agree", "Agree", "Agree", "Another way", None],
        [None] * len(headers),
        [*meta(5, "pierre.blanc@example.org", "Pierre Blanc"),
         0, "Agree", "Agree", "Agree", "Agree", "Agree", "Agree", "Another way", None],
    ])


def msforms_families_de() -> bytes:
    """A German Microsoft Forms export of the families questionnaire, questions and choices
    typed in German: two good rows, then (sheet rows 4 to 6) a word the scale does not know,
    an empty row and a 0 on the 1-5 scale."""
    headers = MSFORMS_HEADERS_DE + FAMILIES_DE

    def meta(n: int, email: str, name: str) -> list:
        # Naive on purpose: Microsoft Forms writes the form's local time, with no zone.
        return [n, datetime(2025, 11, n + 2, 19, 5, 0), datetime(2025, 11, n + 2, 19, 14, 30), email, name]  # noqa: DTZ001

    return xlsx([
        headers,
        [*meta(1, "jonas.weber@example.de", "Jonas Weber"),
         "Stimme voll und ganz zu", "Stimme eher zu", "Teils/teils", "Stimme zu", "Weiß nicht",
         "Stimme überhaupt nicht zu", "Stimme eher nicht zu", "Durch mein Kind", "Danke an alle Lehrkräfte!"],
        [*meta(2, "lea.hoffmann@example.de", "Lea Hoffmann"), 4, 5, 3, 4, 4, "Keine Angabe", 5,
         "Die Website der Schule, der TwinSpace oder soziale Medien", None],
        [*meta(3, "max.koch@example.de", "Max Koch"),
         "Vielleicht", "Stimme zu", "Stimme zu", "Stimme zu", "Stimme zu", "Stimme zu", "Stimme zu", "Auf anderem Weg", None],
        [None] * len(headers),
        [*meta(5, "sophie.richter@example.de", "Sophie Richter"),
         0, "Stimme zu", "Stimme zu", "Stimme zu", "Stimme zu", "Stimme zu", "Stimme zu", "Auf anderem Weg", None],
    ])


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def families():
    return questionnaires.installed().get("families")


def pupils():
    return questionnaires.installed().get("pupils")
