"""Migration 0020 adds the standing conflicts and the teachers' declarations waiting for the
office, on both databases; its constraints refuse a row naming both a teacher and a school
(or neither), and the downgrade removes both tables and nothing else."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from assess.storage import db
from assess.storage.models import School, StandingConflict, User
from tests.services.helpers import make_project, make_user

NEW_TABLES = {"standing_conflicts", "conflict_declarations"}


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_standing_conflicts_upgrade_and_downgrade(empty_database_url):
    engine = db.make_engine(empty_database_url)
    try:
        db.upgrade_database(engine)
        assert tables(engine) >= NEW_TABLES
        with db.make_session_factory(engine).begin() as session:
            teacher = make_user(session, email="claire@example.org")
            juror = make_user(session, email="ana@example.org", roles={"juror"})
            make_project(session, owner=teacher)
            school = session.scalar(select(School.id).where(School.name == "Scoil Mhuire"))
            session.add_all([
                StandingConflict(juror_id=juror.id, teacher_id=teacher.id, relation="personal", origin="office"),
                StandingConflict(juror_id=juror.id, school_id=school, relation="former_colleague", origin="juror"),
            ])
        factory = db.make_session_factory(engine)
        for values in ({"teacher_id": teacher.id, "school_id": school}, {}, {"teacher_id": juror.id},
                       {"school_id": school, "relation": "spouse"}):
            row = {"juror_id": juror.id, "relation": "other", "origin": "office", **values}
            with factory() as session, pytest.raises(IntegrityError):
                session.add(StandingConflict(**row))
                session.commit()

        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0019")
        assert not NEW_TABLES & tables(engine)
        with factory() as session:  # the rest is there
            assert session.scalar(select(User.email).where(User.id == juror.id)) == "ana@example.org"

        db.upgrade_database(engine)
        assert tables(engine) >= NEW_TABLES
        with factory() as session:
            assert session.scalars(select(StandingConflict)).all() == []
    finally:
        engine.dispose()
