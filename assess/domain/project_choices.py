"""A project's subjects and languages: closed lists of codes, shown in the reader's language.

A project stores codes, never words: subjects from :data:`SUBJECTS` (``geography``,
``english``...), the languages it is run in as ISO 639-1 codes from :data:`PROJECT_LANGUAGES`
(``fr``, ``en``...). Each reader sees them in their own language: the French PDF of a project
registered from English pages says "Géographie, Biologie". Names come from the catalogues
(``subjects.<code>``, ``language_names.<code>``), so a language added to the catalogues names
them with no change here.

Projects registered before the lists existed had words typed in the teacher's language;
migration 0017 turned the words it recognised (English and French names and usual
synonyms) into codes and kept any other word as it was typed. Such a word is shown as
typed, in every language (:func:`subject_name` returns it unchanged), counted under its
own name by the statistics, and stays on the project when the teacher saves it again
(``kept`` in :func:`assess.domain.project.validate_project`); it cannot be chosen anew.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from assess.i18n import languages, source, t

#: Subjects, the closed list (codes; names in the catalogues under ``subjects.``).
SUBJECTS: tuple[str, ...] = (
    "art", "biology", "careers", "chemistry", "citizenship", "classical_languages", "computer_science",
    "cross_curricular", "digital_skills", "drama", "dutch", "economics", "english", "environment",
    "european_citizenship", "foreign_languages", "french", "geography", "german", "health", "history",
    "history_of_art", "italian", "language_literature", "mathematics", "media_education", "music", "philosophy",
    "physical_education", "physics", "pre_school", "primary_education", "religion_ethics", "science",
    "social_studies", "spanish", "special_needs", "sustainability", "technology", "vocational", "other",
)

#: Languages a project is run in: ISO 639-1 codes (names under ``language_names.``): the
#: official languages of the European Union and those of the other eTwinning countries.
PROJECT_LANGUAGES: tuple[str, ...] = (
    "ar", "az", "bg", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "ga", "gl",
    "hr", "hu", "hy", "is", "it", "ka", "la", "lb", "lt", "lv", "mk", "mt", "nl", "no", "pl", "pt", "ro", "ru",
    "sk", "sl", "sq", "sr", "sv", "tr", "uk",
)


def subject_name(value: str, lang: str) -> str:
    """A subject in ``lang`` ('geography' -> 'Géographie'); a word kept from before the list
    is shown as it was typed."""
    return _name("subjects", value, lang) if value in SUBJECTS else value


def language_name(value: str, lang: str) -> str:
    """A project language in ``lang`` ('en' -> 'anglais'); a word kept from before the list
    is shown as it was typed."""
    return _name("language_names", value, lang) if value in PROJECT_LANGUAGES else value


def _name(table: str, code: str, lang: str) -> str:
    key = f"{table}.{code}"
    return t(key, lang) if key in source() else code


def subject_names(values: Iterable[str], lang: str) -> str:
    """'Geography, Biology' in ``lang``, in the order stored."""
    return ", ".join(subject_name(value, lang) for value in values)


def language_names(values: Iterable[str], lang: str) -> str:
    return ", ".join(language_name(value, lang) for value in values)


def plain(text: str) -> str:
    """A name to compare and sort: no accents, no case, single spaces ('Éducation  physique'
    -> 'education physique')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def by_name(values: Iterable[str], lang: str, name: Callable[[str, str], str]) -> list[str]:
    """``values`` sorted by their name in ``lang``, accents and case ignored."""
    return sorted(values, key=lambda value: plain(name(value, lang)))


@cache
def _recogniser(codes: tuple[str, ...], table: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in languages():
        for code in codes:
            found.setdefault(plain(_name(table, code, lang)), code)
    found.update({plain(code): code for code in codes})
    return found


def recognise_subject(value: str) -> str | None:
    """The code of a subject given as its code or its name in any language of the suite
    ('Geography', 'géographie' -> 'geography'); None for anything else."""
    return _recogniser(SUBJECTS, "subjects").get(plain(value))


def recognise_language(value: str) -> str | None:
    """The ISO 639-1 code of a language given as its code or its name in any language of the
    suite ('French', 'français', 'FR' -> 'fr'); None for anything else."""
    return _recogniser(PROJECT_LANGUAGES, "language_names").get(plain(value))
