"""Demonstration data kept apart from real work (issue 9, finding 7).

Before: the Settings page loaded the demo into any installation; its jurors (sharing one
password shown on screen) then received assignments in real rounds and its projects
entered the national figures and the ministry's workbook. Now the demo loads only into an
installation without real data or a demonstration installation, and demonstration rows
never take part in real rounds, nor (outside a demonstration installation) in the
figures and exports.

"Mixed" below is an installation upgraded from before this change, where the demo had
been loaded next to real work: migration 0007 marks the demo's rows and leaves the
installation a real one. It is built by loading the demo into an empty installation, then
taking the demonstration mark off, then adding real work, which is what such an
installation holds.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from assess.cli import cli
from assess.domain.permissions import Actor
from assess.services import demo, demo_national, eql, exports, installation, jury
from assess.services import national as statistics
from assess.services.errors import Conflict, InvalidInput, ServiceError, message_of
from assess.storage.db import make_engine, make_session_factory, upgrade_database
from assess.storage.models import Application, Assignment, Project, Round, Setting, User
from tests.exports.helpers import build
from tests.jury.helpers import apply, close, make_juror, make_round, other_project
from tests.services.helpers import make_project, make_user

OFFICE = Actor.system()
REFUSAL_EN = ("This installation already holds real data: demonstration data can only be loaded into an empty "
              "installation or a demonstration installation.")


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def demo_ids(session, model) -> set[int]:
    return set(session.scalars(select(model.id).where(model.is_demo.is_(True))))


# --- loading is refused where real data is -----------------------------------------------------


def test_the_demo_is_refused_in_an_installation_holding_real_data(session):
    teacher = make_user(session, email="claire@school.example.org")
    make_project(session, owner=teacher)
    session.commit()

    with pytest.raises(Conflict) as refused:
        demo.load_demo(session, actor=OFFICE)
    session.rollback()
    assert refused.value.message("en") == REFUSAL_EN
    assert refused.value.message("fr").startswith("Cette installation contient déjà des données réelles")
    with pytest.raises(Conflict):
        demo_national.load_national_demo(session, actor=OFFICE, size=demo_national.NationalSize(
            projects=60, teachers=36, schools=48, partner_schools=100, jurors=12, responses=300))
    session.rollback()
    # Nothing half-stored: one teacher, one project, no demonstration account, no mark.
    assert count(session, User) == 1 and count(session, Project) == 1 and count(session, Round) == 0
    assert not installation.is_demo_installation(session)


@pytest.mark.parametrize("real", ["teacher", "juror", "round"])
def test_any_real_account_or_round_counts_as_real_data(session, real):
    if real == "round":
        make_round(session)
    else:
        make_user(session, email=f"{real}@school.example.org", roles={real})
    session.commit()
    assert installation.holds_real_data(session, actor=Actor.system())
    assert not installation.demo_allowed(session, actor=Actor.system())


def test_an_installation_with_only_its_administrators_takes_the_demo_and_becomes_a_demo_one(session):
    make_user(session, email="office@ministry.example.org", roles={"admin"})
    session.commit()
    assert installation.demo_allowed(session, actor=Actor.system()) and not installation.is_demo_installation(session)

    result = demo.load_demo(session, actor=OFFICE)
    session.commit()
    assert result.created and installation.is_demo_installation(session)
    # Every row the demo made is marked; the office's own account is not.
    assert {u.email for u in session.scalars(select(User).where(User.is_demo.is_(False)))} == {
        "office@ministry.example.org"}
    assert count(session, Project, Project.is_demo.is_(False)) == 0
    assert count(session, Round, Round.is_demo.is_(False)) == 0
    # Demo rows are not real data: loading again is allowed and changes nothing.
    assert not installation.holds_real_data(session, actor=Actor.system())
    assert not demo.load_demo(session, actor=OFFICE).created


def test_a_demo_installation_takes_the_demo_even_after_real_looking_work(session):
    """``assess init --demo`` first: what the office adds to try the suite does not lock the demo out."""
    assert installation.make_demo_installation(session, actor=OFFICE)
    teacher = make_user(session, email="trainee@school.example.org")
    make_project(session, owner=teacher)
    session.commit()

    result = demo.load_demo(session, actor=OFFICE)
    session.commit()
    assert result.created and result.round
    # The figures of a demonstration installation show the demo (it exists to show them).
    figures = statistics.national_figures(session, actor=OFFICE)
    assert figures.applications.total.applications == count(session, Application, Application.status == "submitted")
    assert figures.applications.total.labels >= 1
    assert {r.key for r in figures.applications.axis("round")} == demo_ids(session, Round)
    assert sum(p.responses for p in figures.participation) > 0


def test_a_demo_installation_cannot_be_declared_over_real_data(session):
    make_user(session, email="claire@school.example.org")
    session.commit()
    with pytest.raises(Conflict):
        installation.make_demo_installation(session, actor=OFFICE)


# --- rounds ------------------------------------------------------------------------------------


@pytest.fixture
def mixed(session):
    """An installation from before the change: the demo, then real work (see the module's docstring)."""
    loaded = demo.load_demo(session, actor=OFFICE)
    session.delete(session.get(Setting, installation.DEMO_INSTALLATION_KEY))
    session.flush()
    data = build(session)  # four real jurors, two real rounds, applications, scores, surveys
    session.commit()
    assert not installation.is_demo_installation(session)
    return loaded, data


def test_demo_jurors_are_never_assigned_in_a_real_round(session, mixed):
    loaded, data = mixed
    demo_jurors = {session.scalar(select(User.id).where(User.email == e)) for e in loaded.juror_emails}
    real_rounds = set(session.scalars(select(Round.id).where(Round.is_demo.is_(False))))
    assert real_rounds and demo_jurors
    on_real = set(session.scalars(select(Assignment.juror_id).join(Application).where(
        Application.round_id.in_(real_rounds))))
    assert on_real and on_real <= set(data.jurors)

    # A new real round with real and demo jurors available: only the real ones are drawn.
    office = data.office
    fresh = make_round(session, name="Labels 2026-2027")
    teachers = [make_user(session, email=f"applicant{n}@school.example.org") for n in range(4)]
    applied = [apply(session, teacher=t, round_id=fresh.id,
                     project_id=other_project(session, t, title=f"Project {n}", school_name=f"School {n}").id).id
               for n, t in enumerate(teachers)]
    close(session, fresh.id)
    report = jury.auto_assign(session, actor=office, round_id=fresh.id)
    assert len(report.created) == 2 * len(applied)
    assert {j for j, _a in report.created} <= set(data.jurors)
    assert not set(report.loads) & demo_jurors
    # By hand neither: the office is told why.
    with pytest.raises(InvalidInput) as refused:
        jury.assign_juror(session, actor=office, application_id=applied[0], juror_id=min(demo_jurors))
    [error] = refused.value.errors
    assert error.key == "demo.errors.demo_juror" and "demonstration jurors judge demonstration rounds only" in \
        error.message("en")
    with pytest.raises(ServiceError):  # nobody left for an extra juror but demo ones: refused, not a demo juror
        for _ in range(3):
            jury.request_extra_juror(session, actor=office, application_id=applied[0])
    assert not set(session.scalars(select(Assignment.juror_id).where(
        Assignment.application_id.in_(applied)))) & demo_jurors


def test_the_demo_round_is_judged_by_demo_jurors_only(session):
    """A demonstration installation where the office made jurors of its own before loading the demo."""
    installation.make_demo_installation(session, actor=OFFICE)
    real = {make_juror(session, f"juror{n}@school.example.org").id for n in range(6)}
    session.commit()
    loaded = demo.load_demo(session, actor=OFFICE)
    session.commit()
    [demo_round] = demo_ids(session, Round)
    judging = set(session.scalars(select(Assignment.juror_id).join(Application).where(
        Application.round_id == demo_round)))
    assert judging and not judging & real
    assert judging <= {session.scalar(select(User.id).where(User.email == e)) for e in loaded.juror_emails}


def test_demo_projects_cannot_apply_to_a_real_round_nor_real_ones_to_a_demo_round(session, mixed):
    loaded, _data = mixed
    fresh = make_round(session, name="Labels 2026-2027")
    demo_teacher = session.scalar(select(User).where(User.email == loaded.teacher_emails[0]))
    teacher = Actor(id=demo_teacher.id, email=demo_teacher.email, display_name=demo_teacher.display_name,
                    roles=frozenset({"teacher"}))
    demo_project = session.scalar(select(Project.id).where(Project.owner_id == teacher.id))
    with pytest.raises(ServiceError) as refused:
        apply(session, teacher=teacher, round_id=fresh.id, project_id=demo_project)
    assert message_of(refused.value, "en") == "This is a demonstration project: it can apply to demonstration rounds only."

    [demo_round] = demo_ids(session, Round)
    stored = session.get(Round, demo_round)
    stored.published_at, stored.closes_on = None, stored.opens_on + timedelta(days=400)
    real_teacher = make_user(session, email="real@school.example.org")
    real_project = other_project(session, real_teacher, title="A real one", school_name="Real school")
    with pytest.raises(ServiceError) as refused:
        apply(session, teacher=real_teacher, round_id=demo_round, project_id=real_project.id)
    assert refused.value.key == "demo.errors.real_project"


def test_demo_labels_are_not_proposed_for_a_real_european_label_round(session, mixed):
    [demo_round] = demo_ids(session, Round)
    demo_year_round = session.get(Round, demo_round)
    nominations = make_round(session, kind="eql", name="EQL", opens_on=demo_year_round.opens_on,
                             closes_on=demo_year_round.closes_on)
    candidates = eql.candidates(session, actor=OFFICE, round_id=nominations.id)
    assert not {c.project_id for c in candidates} & demo_ids(session, Project)


# --- figures and exports -----------------------------------------------------------------------


def test_demo_projects_are_absent_from_the_national_figures(session, mixed):
    demo_projects = demo_ids(session, Project)
    real_submitted = count(session, Application, Application.status == "submitted",
                           Application.project_id.not_in(demo_projects))
    assert count(session, Application, Application.project_id.in_(demo_projects)) >= 4  # the demo's round is there

    figures = statistics.national_figures(session, actor=OFFICE)
    assert figures.applications.total.applications == real_submitted
    assert not {r.key for r in figures.applications.axis("round")} & demo_ids(session, Round)
    # The demo's regions (Île-de-France... ) and partner countries (RO, CZ...) are not counted.
    regions = {r.key for r in figures.applications.axis("region")}
    assert "Hauts-de-France" not in regions and "Grand Est" not in regions
    options = statistics.filter_options(session, actor=OFFICE)
    assert not {r.id for r in options.rounds} & demo_ids(session, Round)
    assert "Hauts-de-France" not in options.regions
    # Survey figures: the real campaigns' respondents only (the demo's run to a hundred and more).
    real_responses = sum(p.responses for p in figures.participation)
    assert 0 < real_responses < 30

    # The same database as a demonstration installation shows everything.
    session.add(Setting(key=installation.DEMO_INSTALLATION_KEY, value=True))
    session.flush()
    everything = statistics.national_figures(session, actor=OFFICE)
    assert everything.applications.total.applications == count(session, Application, Application.status == "submitted")
    assert sum(p.responses for p in everything.participation) > real_responses + 100


def test_demo_projects_are_absent_from_the_workbook(session, mixed):
    demo_titles = set(session.scalars(select(Project.title).where(Project.is_demo.is_(True))))
    demo_projects = demo_ids(session, Project)
    out = io.BytesIO()
    exports.write_workbook(session, actor=OFFICE, out=out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    seen_titles, seen_projects, seen_rounds = set(), set(), set()
    listed: dict[str, int] = {}
    for name in ("Applications", "Surveys", "Responses"):
        rows = book[name].iter_rows(values_only=True)
        header = list(next(rows))
        listed[name] = 0
        for row in rows:
            listed[name] += 1
            values = dict(zip(header, row, strict=False))  # a row stops at its last written cell
            seen_titles.add(values.get("Project title"))
            seen_projects.add(values.get("Project"))
            seen_rounds.add(values.get("Round"))
    assert seen_projects - {None} and not seen_projects & demo_projects
    assert not seen_titles & demo_titles
    assert not {r for r in seen_rounds if r and "Session des labels" in str(r)}
    real_applications = count(session, Application, Application.project_id.not_in(demo_projects))
    assert listed["Applications"] == real_applications


@pytest.mark.parametrize("what", ["applications", "scores", "responses"])
def test_demo_projects_are_absent_from_the_csv_exports(session, mixed, what):
    demo_projects = {str(i) for i in demo_ids(session, Project)}
    out = io.StringIO(newline="")
    written = exports.write_csv(session, actor=OFFICE, what=what, out=out).rows
    table = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert written == len(table) - 1 > 0
    project_column = table[0].index("Project") if "Project" in table[0] else None
    if project_column is not None:
        assert not {row[project_column] for row in table[1:]} & demo_projects
    demo_applications = {str(i) for i in session.scalars(select(Application.id).where(
        Application.project_id.in_([int(p) for p in demo_projects])))}
    if "Application" in table[0]:
        column = table[0].index("Application")
        assert not {row[column] for row in table[1:]} & demo_applications


# --- the migration -----------------------------------------------------------------------------


def test_migration_0007_marks_the_rows_the_demo_made(empty_database_url):
    """An installation at revision 0005 holding the demo and real work: 0007 marks the
    demo's accounts, projects and round, and leaves the installation a real one."""
    engine = make_engine(empty_database_url)
    try:
        upgrade_database(engine, "0005")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, email, display_name, is_active, created_at) VALUES "
                "(1, 'office@ministry.example.org', 'Office', TRUE, CURRENT_TIMESTAMP), "
                "(2, 'claire.martin@demo.etwinning.example', 'Claire', TRUE, CURRENT_TIMESTAMP), "
                "(3, 'x.y@national.demo.etwinning.example', 'X Y', TRUE, CURRENT_TIMESTAMP), "
                "(4, 'real@school.example.org', 'Real', TRUE, CURRENT_TIMESTAMP)")
            connection.exec_driver_sql("INSERT INTO user_roles (user_id, role) VALUES (1, 'admin'), (2, 'teacher'), "
                                       "(3, 'juror'), (4, 'teacher')")
            connection.exec_driver_sql(
                "INSERT INTO projects (id, owner_id, title, summary, start_date, end_date, age_min, age_max, "
                "subjects, languages, created_at, updated_at) VALUES "
                "(1, 2, 'Demo', '', '2025-09-01', '2026-06-01', 8, 10, '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                "(2, 4, 'Real', '', '2025-09-01', '2026-06-01', 8, 10, '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
            connection.exec_driver_sql(
                "INSERT INTO rubric_versions (id, rubric_id, version, digest, content, registered_at) "
                "VALUES (1, 'r', '1', 'd', '{}', CURRENT_TIMESTAMP)")
            connection.exec_driver_sql(
                "INSERT INTO rounds (id, kind, name, rubric_version_id, opens_on, closes_on, per_application, "
                "aggregation, disagreement_threshold, region_conflicts, created_at) VALUES "
                "(1, 'label', 'Session des labels 2025-2026', 1, '2025-09-01', '2026-06-01', 2, 'mean', 2, FALSE, "
                "CURRENT_TIMESTAMP), "
                "(2, 'label', 'Labels 2025-2026', 1, '2025-09-01', '2026-06-01', 2, 'mean', 2, FALSE, CURRENT_TIMESTAMP)")
            connection.exec_driver_sql(
                "INSERT INTO applications (round_id, project_id, teacher_id, school_year, status, language, "
                "eligibility, texts, evidence_links, recheck_criteria, recheck_note, submitted_at) VALUES "
                "(1, 1, 2, '2025-2026', 'submitted', 'fr', '{}', '{}', '[]', '[]', '', CURRENT_TIMESTAMP), "
                "(2, 2, 4, '2025-2026', 'submitted', 'fr', '{}', '{}', '[]', '[]', '', CURRENT_TIMESTAMP)")
        upgrade_database(engine)
        with make_session_factory(engine)() as session:
            assert demo_ids(session, User) == {2, 3}
            assert demo_ids(session, Project) == {1}
            assert demo_ids(session, Round) == {1}
            assert not installation.is_demo_installation(session)
    finally:
        engine.dispose()


def test_migration_0007_makes_an_installation_holding_only_the_demo_a_demo_one(empty_database_url):
    """Its figures keep showing the demo, as they did before the upgrade."""
    engine = make_engine(empty_database_url)
    try:
        upgrade_database(engine, "0005")
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, email, display_name, is_active, created_at) VALUES "
                "(1, 'office@ministry.example.org', 'Office', TRUE, CURRENT_TIMESTAMP), "
                "(2, 'claire.martin@demo.etwinning.example', 'Claire', TRUE, CURRENT_TIMESTAMP)")
            connection.exec_driver_sql("INSERT INTO user_roles (user_id, role) VALUES (1, 'admin'), (2, 'teacher')")
            connection.exec_driver_sql(
                "INSERT INTO projects (id, owner_id, title, summary, start_date, end_date, age_min, age_max, "
                "subjects, languages, created_at, updated_at) VALUES "
                "(1, 2, 'Demo', '', '2025-09-01', '2026-06-01', 8, 10, '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        upgrade_database(engine)
        with make_session_factory(engine)() as session:
            assert demo_ids(session, User) == {2} and demo_ids(session, Project) == {1}
            assert installation.is_demo_installation(session)
            assert not installation.holds_real_data(session, actor=Actor.system())
    finally:
        engine.dispose()


# --- the command -------------------------------------------------------------------------------


def test_the_command_refuses_in_one_line_where_real_data_is(sqlite_database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine).begin() as session:
            make_user(session, email="claire@school.example.org")
    finally:
        engine.dispose()
    for arguments in (["demo"], ["demo", "--scale", "national"], ["init", "--demo"]):
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 1, (arguments, result.output)
        assert result.stderr.strip() == f"Error: {REFUSAL_EN}", arguments
        assert "Traceback" not in result.output


def test_init_demo_makes_a_demonstration_installation(sqlite_database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    made = CliRunner().invoke(cli, ["init", "--demo"])
    assert made.exit_code == 0, made.output
    assert "this is now a demonstration installation" in made.stdout
    again = CliRunner().invoke(cli, ["init", "--demo"])
    assert again.exit_code == 0 and "already a demonstration installation" in again.stdout
    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine).begin() as session:
            assert installation.is_demo_installation(session)
            make_user(session, email="trainee@school.example.org")  # real-looking work in a demo installation
    finally:
        engine.dispose()
    loaded = CliRunner().invoke(cli, ["demo"])
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 12 demonstration projects" in loaded.stdout


def test_the_command_says_it_made_a_demonstration_installation(sqlite_database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    first = CliRunner().invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "this is now a demonstration installation" in first.stdout
    second = CliRunner().invoke(cli, ["demo"])
    assert second.exit_code == 0 and "demonstration installation" not in second.stdout
