"""Migration 0017 turns the subjects and languages projects stored as words (in the language
of the teacher's pages) into codes, and keeps a word it does not know exactly as typed, on
both databases. The downgrade writes the codes back as English words."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, update

from assess.storage import db
from assess.storage.models import Project
from tests.services.helpers import make_project, make_user


def stored(session, project_id: int) -> tuple[list, list]:
    row = session.execute(select(Project.subjects, Project.languages).where(Project.id == project_id)).one()
    return list(row[0]), list(row[1])


def test_words_become_codes_and_unknown_words_stay_as_typed(empty_database_url):
    engine = db.make_engine(empty_database_url)
    try:
        db.upgrade_database(engine)
        with db.make_session_factory(engine).begin() as session:
            teacher = make_user(session, email="claire@example.org")
            made = {name: make_project(session, owner=teacher, title=f"Project {name}").id
                    for name in ("english", "french", "unknown", "empty")}
        # As stored before 0017: back to 0016, then the words the pages let teachers type.
        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0016")
        words = {
            "english": (["Geography", "Biology", "Computer science"], ["English", "French"]),
            "french": (["Géographie", "  biologie ", "Langues vivantes", "SVT", "Géographie"],
                       ["français", "Anglais", "néerlandais"]),
            "unknown": (["Robotique", "Histoire"], ["Klingon", "Deutsch"]),
            "empty": ([], []),
        }
        with engine.begin() as connection:
            for name, (subjects, languages) in words.items():
                connection.execute(update(Project).where(Project.id == made[name])
                                   .values(subjects=subjects, languages=languages))
        db.upgrade_database(engine)

        with db.make_session_factory(engine)() as session:
            assert stored(session, made["english"]) == (["geography", "biology", "computer_science"], ["en", "fr"])
            # Words met twice become one code; SVT is biology, met once already.
            assert stored(session, made["french"]) == (["geography", "biology", "foreign_languages"], ["fr", "en", "nl"])
            assert stored(session, made["unknown"]) == (["Robotique", "history"], ["Klingon", "de"])
            assert stored(session, made["empty"]) == ([], [])

        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0016")
        with db.make_session_factory(engine)() as session:
            assert stored(session, made["french"]) == (["Geography", "Biology", "Foreign languages"],
                                                       ["French", "English", "Dutch"])
            assert stored(session, made["unknown"]) == (["Robotique", "History"], ["Klingon", "German"])
        db.upgrade_database(engine)
        with db.make_session_factory(engine)() as session:
            assert stored(session, made["french"]) == (["geography", "biology", "foreign_languages"], ["fr", "en", "nl"])
    finally:
        engine.dispose()
