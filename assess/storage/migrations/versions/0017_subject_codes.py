"""Projects' subjects and languages stored as codes (assess.domain.project_choices).

Until now a project kept the words its teacher typed or picked, in the language of their
pages ("Geography" from English pages, "Géographie" from French ones), and a French PDF
said "Geography, Biology". From now on a project stores codes of two closed lists (subject
codes such as ``geography``; ISO 639-1 codes such as ``fr`` for its languages), and every
page, PDF, workbook and CSV names them in its reader's language.

This revision turns the words already stored into codes: every English and French name of
a code, the suggestions the form offered, and the usual synonyms and French school-subject
names below (compared without case, accents or repeated spaces). A word it does not
recognise ("Robotics") is kept exactly as typed: it is shown as typed in every language,
counted under its own name by the statistics, and stays on the project when the teacher
saves it again, but cannot be chosen anew (docs/languages.md). A word met twice (once in
English, once in French) becomes one code. The tables are frozen here: later changes to
the lists or the catalogues do not change what this revision did.

The downgrade writes the codes back as English names (the words typed in French before
the upgrade come back in English); the words kept as typed stay as they are.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BATCH = 500

#: Subject code -> its English name (the downgrade's word), then the other words for it.
SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "art": ("Art", "Arts plastiques", "Arts", "Visual arts", "Fine arts", "Arts visuels", "Education artistique",
            "Éducation artistique", "Dessin", "Drawing"),
    "biology": ("Biology", "Biologie", "SVT", "Sciences de la vie et de la Terre", "Biologie-écologie",
                "Life sciences", "Sciences de la vie"),
    "careers": ("Careers guidance", "Orientation", "Careers", "Career guidance", "Careers education"),
    "chemistry": ("Chemistry", "Chimie"),
    "citizenship": ("Citizenship", "Éducation à la citoyenneté", "Éducation civique", "Civics", "Civic education",
                    "Citizenship education", "Enseignement moral et civique", "EMC", "Citoyenneté",
                    "Philosophie et citoyenneté"),
    "classical_languages": ("Classical languages", "Langues anciennes", "Latin", "Greek", "Ancient Greek", "Grec",
                            "Grec ancien", "Latin et grec", "Latin-grec"),
    "computer_science": ("Computer science", "Informatique", "ICT", "IT", "Informatics", "Computing", "TIC", "NSI",
                         "Numérique et sciences informatiques", "Coding", "Programmation"),
    "cross_curricular": ("Cross-curricular", "Interdisciplinaire", "Cross curricular", "Interdisciplinary",
                         "Pluridisciplinaire", "Transversal"),
    "digital_skills": ("Digital skills", "Compétences numériques", "Numérique", "Digital literacy",
                       "Digital education", "Éducation au numérique", "Education numérique"),
    "drama": ("Drama", "Théâtre", "Theatre", "Theater", "Art dramatique"),
    "dutch": ("Dutch", "Néerlandais", "Nederlands", "Flemish", "Flamand"),
    "economics": ("Economics", "Économie", "SES", "Sciences économiques et sociales", "Économie-droit",
                  "Business", "Business studies", "Économie et gestion", "Gestion"),
    "english": ("English", "Anglais", "Anglais professionnel", "English as a foreign language", "EFL"),
    "environment": ("Environmental education", "Éducation à l'environnement", "Environment", "Environnement",
                    "Environmental studies", "Écologie", "Ecology"),
    "european_citizenship": ("European citizenship", "Citoyenneté européenne", "European studies",
                             "Études européennes", "Europe"),
    "foreign_languages": ("Foreign languages", "Langues étrangères", "Langues vivantes", "Langues", "Languages",
                          "Modern languages", "Langues modernes", "Modern foreign languages", "MFL"),
    "french": ("French", "Français", "French as a foreign language", "FLE"),
    "geography": ("Geography", "Géographie"),
    "german": ("German", "Allemand", "Deutsch"),
    "health": ("Health education", "Éducation à la santé", "Health", "Santé", "Prévention santé environnement",
               "PSE", "Home economics"),
    "history": ("History", "Histoire", "Histoire-géographie", "Histoire géographie", "History and geography"),
    "history_of_art": ("History of art", "Histoire de l'art", "Histoire des arts", "Art history"),
    "italian": ("Italian", "Italien", "Italiano"),
    "language_literature": ("Language and literature", "Langue et littérature", "Literature", "Littérature",
                            "Lettres", "Lettres-histoire", "Mother tongue", "Langue maternelle", "Langage",
                            "Reading", "Lecture"),
    "mathematics": ("Mathematics", "Mathématiques", "Maths", "Math", "Mathematique", "Géométrie", "Geometry"),
    "media_education": ("Media education", "Éducation aux médias", "Media literacy", "Éducation aux médias et à "
                        "l'information", "EMI", "Médias", "Media"),
    "music": ("Music", "Musique", "Éducation musicale", "Music education"),
    "philosophy": ("Philosophy", "Philosophie"),
    "physical_education": ("Physical education", "Éducation physique", "EPS", "PE", "Sport", "Sports",
                           "Activités physiques", "Gym", "Éducation physique et sportive"),
    "physics": ("Physics", "Physique", "Physique-chimie", "Physique chimie", "Physics and chemistry"),
    "pre_school": ("Pre-school education", "Enseignement maternel", "Pre-school", "Preschool", "Pre-primary",
                   "Kindergarten", "Maternelle", "Explorer le monde", "Découverte du monde", "Éveil"),
    "primary_education": ("Primary education", "Enseignement primaire", "Primary", "Primaire",
                          "Primary school subjects", "Toutes matières"),
    "religion_ethics": ("Religion and ethics", "Religion et morale", "Religion", "Religious education", "Ethics",
                        "Morale", "Éthique", "Cours de religion", "Cours de morale"),
    "science": ("Science", "Sciences", "Natural sciences", "Sciences naturelles", "Sciences et technologie",
                "Enseignement scientifique", "Questionner le monde", "STEM", "STEAM"),
    "social_studies": ("Social studies", "Sciences sociales", "Social sciences", "Sciences humaines",
                       "Humanities"),
    "spanish": ("Spanish", "Espagnol", "Español", "Castillan"),
    "special_needs": ("Special needs education", "Enseignement spécialisé", "Special needs", "Special education",
                      "SEN", "ULIS", "SEGPA"),
    "sustainability": ("Sustainable development", "Développement durable", "Sustainability", "Durabilité",
                       "Climate", "Climat"),
    "technology": ("Technology", "Technologie", "Design and technology", "Design & technology", "Technical education",
                   "Éducation technologique"),
    "vocational": ("Vocational subjects", "Cours techniques et professionnels", "Vocational", "Vocational education",
                   "VET", "Enseignement professionnel", "Hôtellerie-restauration", "Hôtellerie", "Restauration",
                   "Cuisine", "Cooking", "Commerce", "Gestion-administration", "Métiers de la santé",
                   "Électrotechnique", "Agronomie", "Aménagement paysager", "Tourism", "Tourisme"),
    "other": ("Other", "Autre", "Autres"),
}

#: Language code (ISO 639-1) -> its English name (the downgrade's word), then the other words for it.
LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "ar": ("Arabic", "arabe"), "az": ("Azerbaijani", "azerbaïdjanais"), "bg": ("Bulgarian", "bulgare"),
    "bs": ("Bosnian", "bosnien"), "ca": ("Catalan", "català"), "cs": ("Czech", "tchèque", "čeština"),
    "cy": ("Welsh", "gallois", "Cymraeg"), "da": ("Danish", "danois", "dansk"),
    "de": ("German", "allemand", "Deutsch"), "el": ("Greek", "grec", "Ελληνικά"),
    "en": ("English", "anglais"), "es": ("Spanish", "espagnol", "español", "castellano", "castillan"),
    "et": ("Estonian", "estonien", "eesti"), "eu": ("Basque", "euskara"), "fi": ("Finnish", "finnois", "suomi"),
    "fr": ("French", "français"), "ga": ("Irish", "irlandais", "Gaeilge", "Irish Gaelic"),
    "gl": ("Galician", "galicien", "galego"), "hr": ("Croatian", "croate", "hrvatski"),
    "hu": ("Hungarian", "hongrois", "magyar"), "hy": ("Armenian", "arménien"), "is": ("Icelandic", "islandais"),
    "it": ("Italian", "italien", "italiano"), "ka": ("Georgian", "géorgien"), "la": ("Latin",),
    "lb": ("Luxembourgish", "luxembourgeois", "Lëtzebuergesch"), "lt": ("Lithuanian", "lituanien", "lietuvių"),
    "lv": ("Latvian", "letton", "latviešu"), "mk": ("Macedonian", "macédonien"), "mt": ("Maltese", "maltais", "Malti"),
    "nl": ("Dutch", "néerlandais", "Nederlands", "Flemish", "flamand"),
    "no": ("Norwegian", "norvégien", "norsk", "nb", "nn"), "pl": ("Polish", "polonais", "polski"),
    "pt": ("Portuguese", "portugais", "português"), "ro": ("Romanian", "roumain", "română"),
    "ru": ("Russian", "russe"), "sk": ("Slovak", "slovaque", "slovenčina"),
    "sl": ("Slovenian", "slovène", "Slovene", "slovenščina"), "sq": ("Albanian", "albanais", "shqip"),
    "sr": ("Serbian", "serbe"), "sv": ("Swedish", "suédois", "svenska"), "tr": ("Turkish", "turc", "Türkçe"),
    "uk": ("Ukrainian", "ukrainien"),
}


def plain(text: str) -> str:
    """No accents, no case, single spaces, one kind of apostrophe and dash: the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", str(text).replace("’", "'").replace("–", "-"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _lookup(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    found = {plain(code): code for code in words}
    for code, names in words.items():
        for name in names:
            found.setdefault(plain(name), code)
    return found


SUBJECTS, LANGUAGES = _lookup(SUBJECT_WORDS), _lookup(LANGUAGE_WORDS)


def to_codes(values, lookup: dict[str, str]) -> list[str]:
    """Each recognised word as its code, any other kept as typed; once each, in order."""
    found = [lookup.get(plain(value), value) for value in (values or []) if isinstance(value, str) and value.strip()]
    return list(dict.fromkeys(found))


def to_words(values, words: dict[str, tuple[str, ...]]) -> list[str]:
    found = [words[value][0] if value in words else value for value in (values or []) if isinstance(value, str)]
    return list(dict.fromkeys(found))


def _rewrite(subjects, languages) -> None:
    """Read the projects in batches by id and write back those whose lists change."""
    connection = op.get_bind()
    projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("subjects", JSON),
                        sa.column("languages", JSON))
    last = 0
    while True:
        rows = connection.execute(sa.select(projects.c.id, projects.c.subjects, projects.c.languages)
                                  .where(projects.c.id > last).order_by(projects.c.id).limit(BATCH)).all()
        if not rows:
            return
        for project_id, old_subjects, old_languages in rows:
            new_subjects, new_languages = subjects(old_subjects), languages(old_languages)
            if (new_subjects, new_languages) != (old_subjects, old_languages):
                connection.execute(sa.update(projects).where(projects.c.id == project_id)
                                   .values(subjects=new_subjects, languages=new_languages))
        last = rows[-1][0]


def upgrade() -> None:
    _rewrite(lambda values: to_codes(values, SUBJECTS), lambda values: to_codes(values, LANGUAGES))


def downgrade() -> None:
    _rewrite(lambda values: to_words(values, SUBJECT_WORDS), lambda values: to_words(values, LANGUAGE_WORDS))
