"""The national demo (``assess demo --scale national``), at a small size: a plausible country
whose jury, decisions and surveys hold together as the services would have made them."""

from __future__ import annotations

import itertools
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from assess.cli import cli
from assess.domain.jury import school_year
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.questionnaire import ItemType
from assess.domain.statistics import age_group
from assess.services import demo, demo_national, installation, jury, questionnaires, rounds
from assess.storage.db import make_engine, make_session_factory, upgrade_database
from assess.storage.models import (
    Application,
    Assignment,
    Base,
    Conflict,
    Decision,
    JurorScore,
    Project,
    ProjectPartner,
    Round,
    School,
    SurveyAnswer,
    SurveyCampaign,
    SurveyCode,
    SurveyLinkSubmission,
    SurveyResponse,
    User,
    UserRole,
)
from tests.conftest import BACKENDS, _create_postgres_database, _drop_postgres_database

OFFICE = Actor.system()
SMALL = demo_national.NationalSize(projects=60, teachers=36, schools=48, partner_schools=100, jurors=12,
                                   responses=3000)
TODAY = date(2026, 11, 21)


def row_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


@pytest.fixture(scope="module", params=BACKENDS)
def _national(request, _sqlite_template, tmp_path_factory) -> Iterator[tuple[Engine, demo_national.NationalResult]]:
    """One small country per backend for the tests that only read it (loading takes a few seconds)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("national") / "assess.db"
        shutil.copyfile(_sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = _create_postgres_database("assess_national")
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        steps: list[tuple[int, int]] = []
        with make_session_factory(engine).begin() as session:
            result = demo_national.load_national_demo(session, actor=OFFICE, size=SMALL, today=TODAY,
                                                      progress=lambda done, total: steps.append((done, total)))
        assert steps and steps[-1][0] == steps[-1][1] and all(a[0] <= b[0] for a, b in itertools.pairwise(steps))
        yield engine, result
    finally:
        engine.dispose()
        if request.param != "sqlite":
            _drop_postgres_database(url)


@pytest.fixture
def country(_national) -> demo_national.NationalResult:
    return _national[1]


@pytest.fixture
def national(_national) -> Iterator[Session]:
    """A session on the loaded country (what a test changes is rolled back)."""
    with make_session_factory(_national[0])() as session:
        yield session


def test_a_small_country_has_the_sizes_asked(national, country):
    session = national
    assert country.created and country.password
    counts = row_counts(session)
    assert counts["projects"] == SMALL.projects
    assert counts["survey_responses"] == SMALL.responses == country.counts["survey_responses"]
    assert counts["schools"] == SMALL.schools + SMALL.partner_schools
    roles = Counter(session.scalars(select(UserRole.role)))
    assert roles == {"teacher": SMALL.teachers, "juror": SMALL.jurors}
    assert all(email.endswith("@" + demo_national.NATIONAL_DOMAIN)
               for email in [*country.teacher_emails, *country.juror_emails])
    # About two thirds of the projects per round, three rounds.
    assert 0.5 * SMALL.projects * 3 <= counts["applications"] <= 0.8 * SMALL.projects * 3
    assert {name: n for name, n in country.counts.items() if n} == \
        {name: n for name, n in counts.items() if n and name not in ("audit_log", "rubric_versions",
                                                                      "questionnaire_versions",
                                                                      # counts of answers, not rows made
                                                                      "survey_answer_tallies",
                                                                      "survey_released_tallies",
                                                                      # the demonstration installation's mark
                                                                      "settings")}
    # 2-3 survey audiences per project, answers per response as the questionnaires ask.
    campaigns_per_project = Counter(session.scalars(select(SurveyCampaign.project_id)))
    assert set(campaigns_per_project.values()) <= {2, 3}
    assert 6 <= counts["survey_answers"] / counts["survey_responses"] <= 16


def test_the_country_is_varied_and_plausible(national, country):
    session = national
    projects = session.scalars(select(Project)).all()
    french = session.scalars(select(School).where(School.country == "FR")).all()
    assert len({s.region for s in french}) >= 8
    partner_countries = set(session.scalars(
        select(School.country).join(ProjectPartner, ProjectPartner.school_id == School.id)))
    assert len(partner_countries - {"FR"}) >= 12
    partners = Counter(session.scalars(select(ProjectPartner.project_id)))
    assert set(partners.values()) <= set(range(2, 7)) and len(partners) == len(projects)
    assert len({age_group(p.age_min, p.age_max) for p in projects}) >= 4
    for p in projects:
        assert 2 <= p.age_min <= p.age_max <= 21 and p.start_date <= p.end_date
        assert p.subjects and all(isinstance(s, str) and s for s in p.subjects) and p.languages
        assert p.school.country == "FR" and p.owner.school_id == p.school_id
    per_owner = Counter(p.owner_id for p in projects)
    assert max(per_owner.values()) <= 4


def test_three_published_label_rounds_one_per_school_year(national, country):
    session = national
    stored = session.scalars(select(Round).order_by(Round.opens_on)).all()
    assert [r.id for r in stored] == list(country.round_ids)
    years = [rounds.round_school_year(r) for r in stored]
    assert years == ["2024-2025", "2025-2026", "2026-2027"] == sorted({school_year(TODAY), *years})[-3:]
    for r in stored:
        assert r.kind == "label" and r.published_at is not None and demo_national.ROUND_MARK in r.name
        assert r.rubric_version.rubric_id == "etwinning-2006"
        applications = session.scalars(select(Application).where(Application.round_id == r.id)).all()
        assert {a.school_year for a in applications} == {rounds.round_school_year(r)}
        assert len({a.project_id for a in applications}) == len(applications)
        for a in applications:
            assert a.teacher_id == a.project.owner_id
            assert r.opens_on <= a.submitted_at.date() <= r.closes_on
    # A teacher's applications per school year stay within the office's limit.
    per_teacher = Counter(session.execute(select(Application.teacher_id, Application.school_year)
                                          .where(Application.status == "submitted")).all())
    assert max(per_teacher.values()) <= 4


def test_jurors_never_see_an_application_of_their_own_school(national, country):
    session = national
    rows = session.execute(
        select(Assignment, User.school_id, Application).join(User, User.id == Assignment.juror_id)
        .join(Application, Application.id == Assignment.application_id)).all()
    assert rows
    for _assignment, juror_school, application in rows:
        project = application.project
        assert juror_school not in {project.school_id, *(p.school_id for p in project.partners)}
    # Conflicts exist (jurors teach in schools with projects) and are stored as assignment stores them.
    conflicts = session.scalars(select(Conflict)).all()
    assert conflicts and {c.kind for c in conflicts} == {"same_school"}
    assigned = {(a.juror_id, a.application_id) for a, _s, _app in rows}
    assert not assigned & {(c.juror_id, c.application_id) for c in conflicts}


def test_two_or_three_submitted_jurors_per_application(national, country):
    session = national
    rubric_items = None
    per_application = Counter()
    for application in session.scalars(select(Application)):
        assignments = session.scalars(select(Assignment).where(Assignment.application_id == application.id)).all()
        if application.status == "withdrawn":
            assert not assignments and application.withdrawn_at is not None
            continue
        per_application[len(assignments)] += 1
        assert all(a.submitted_at is not None and a.submitted_at >= a.created_at for a in assignments)
        origins = sorted(a.origin for a in assignments)
        assert origins in (["auto", "auto"], ["auto", "auto", "extra"])
        rubric_items = rubric_items or jury.items_of(rounds.rubric_of(application.round))
        for a in assignments:
            levels = dict(session.execute(select(JurorScore.item_id, JurorScore.level)
                                          .where(JurorScore.assignment_id == a.id)).all())
            assert sorted(levels) == sorted(rubric_items) and all(0 <= v <= 5 for v in levels.values())
    assert set(per_application) == {2, 3}
    assert 0.05 <= per_application[3] / sum(per_application.values()) <= 0.5


def test_decisions_are_what_the_scoring_engine_gives(national, country):
    session = national
    decided = session.scalars(select(Decision)).all()
    submitted = session.scalar(select(func.count()).select_from(Application).where(Application.status == "submitted"))
    assert len(decided) == submitted
    outcomes = Counter()
    for decision in decided:
        application = session.get(Application, decision.application_id)
        found = jury.aggregates(session, actor=Actor.system(), application_id=application.id)
        assert decision.outcome == found.proposal
        assert decision.total == pytest.approx(found.score.total)
        assert decision.percentage == pytest.approx(found.score.percentage)
        assert decision.levels == pytest.approx({i.item_id: i.aggregate for i in found.items})
        assert decision.published_at == application.round.published_at
        assert bool(decision.consensus_note) == (found.submitted == 3)
        outcomes[decision.outcome] += 1
    # Most projects get the label, not all.
    assert 0.4 <= outcomes["label"] / len(decided) <= 0.9
    # A refused project comes back once at most, as a second application naming the refusal.
    for application in session.scalars(select(Application).where(Application.resubmission_of.is_not(None))):
        earlier = session.get(Application, application.resubmission_of)
        assert earlier.project_id == application.project_id and earlier.round.opens_on < application.round.opens_on
        assert session.scalar(select(Decision.outcome).where(Decision.application_id == earlier.id)) == "no_label"
        assert application.recheck_criteria and application.recheck_note
        later = session.scalar(select(func.count()).select_from(Application).where(
            Application.project_id == application.project_id, Application.submitted_at > application.submitted_at))
        assert later == 0


def test_every_answer_carries_its_responses_campaign_and_fits_its_questionnaire(national, country):
    session = national
    mismatched = session.scalar(
        select(func.count()).select_from(SurveyAnswer).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyAnswer.campaign_id != SurveyResponse.campaign_id))
    assert mismatched == 0
    for campaign in session.scalars(select(SurveyCampaign)):
        questionnaire = questionnaires.from_snapshot(campaign.questionnaire_version)
        assert campaign.opens_on <= campaign.closes_on
        if campaign.audience == "pupils" and campaign.project.age_max <= 7:
            assert questionnaire.id == "pupils-young"
        items = {i.id: i for i in questionnaire.items}
        for answer in session.scalars(select(SurveyAnswer).where(SurveyAnswer.campaign_id == campaign.id).limit(60)):
            item = items[answer.item_id]
            if item.type is ItemType.AGREEMENT:
                assert (answer.score is None) == answer.dont_know and answer.choices is None and answer.text is None
                assert answer.dont_know or 1 <= answer.score <= 5
            elif item.type in (ItemType.SINGLE, ItemType.MULTIPLE):
                assert answer.choices and set(answer.choices) <= {o.id for o in item.options}
                assert item.type is ItemType.MULTIPLE or len(answer.choices) == 1
            else:
                assert answer.text and len(answer.text) < 100
    months = session.execute(select(SurveyResponse.submitted_month, SurveyCampaign.opens_on, SurveyCampaign.closes_on)
                             .join(SurveyCampaign, SurveyCampaign.id == SurveyResponse.campaign_id)).all()
    assert all(m.day == 1 and opens.replace(day=1) <= m <= closes and m <= TODAY for m, opens, closes in months)


def test_participation_is_under_full_and_small_groups_exist(national, country):
    session = national
    responses = dict(session.execute(select(SurveyResponse.campaign_id, func.count())
                                     .group_by(SurveyResponse.campaign_id)).all())
    counts = [responses.get(c, 0) for c in session.scalars(select(SurveyCampaign.id))]
    assert any(n < 5 for n in counts) and any(n >= 20 for n in counts)
    for campaign in session.scalars(select(SurveyCampaign)):
        codes = Counter(session.scalars(select(SurveyCode.used).where(SurveyCode.campaign_id == campaign.id)))
        links = session.scalar(select(func.count()).select_from(SurveyLinkSubmission)
                               .where(SurveyLinkSubmission.campaign_id == campaign.id))
        got = responses.get(campaign.id, 0)
        if campaign.mode == "codes":
            assert codes[True] == got and codes[False] >= 1 and links == 0
        elif campaign.mode == "link":
            assert links == got and not codes
    assert session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.source == "web"))


def test_every_account_project_and_round_is_a_demonstration_one(national):
    """So that they stay apart from real work (assess.services.installation), and the
    installation, empty before, is now a demonstration installation."""
    session = national
    for model in (User, Project, Round):
        assert session.scalar(select(func.count()).select_from(model).where(model.is_demo.is_(False))) == 0, model
    assert installation.is_demo_installation(session)


def test_loading_again_changes_nothing(national, country):
    session = national
    before = row_counts(session)
    again = demo_national.load_national_demo(session, actor=OFFICE, size=SMALL, today=TODAY)
    session.commit()
    assert not again.created and again.password is None
    assert row_counts(session) == before
    assert demo_national._national_demo_loaded(session)


def test_the_same_seed_gives_the_same_country(session):
    def planned(seed: int):
        loader = demo_national._Loader(session, actor=OFFICE, size=SMALL, seed=seed, today=TODAY, progress=None)
        loader.rubric = demo_national.rubrics.installed().default
        loader.items = jury.items_of(loader.rubric)
        loader.plan_rounds()
        loader.plan_schools()
        loader.plan_people()
        loader.plan_projects()
        loader.plan_surveys()
        return [(p.title, p.ages, p.partners, p.rounds, round(p.quality, 9),
                 [(c.audience, c.mode, c.responses) for c in p.campaigns]) for p in loader.projects]

    assert planned(7) == planned(7)
    assert planned(7) != planned(8)


def test_the_small_demo_and_the_national_demo_live_together(session):
    demo.load_demo(session, actor=OFFICE)
    session.commit()
    before = row_counts(session)
    result = demo_national.load_national_demo(session, actor=OFFICE, size=SMALL, today=TODAY)
    session.commit()
    assert result.created
    after = row_counts(session)
    assert after["projects"] == before["projects"] + SMALL.projects
    assert after["rounds"] == before["rounds"] + 3
    assert after["audit_log"] == before["audit_log"] + 1


def test_only_the_office_loads_it(session):
    teacher = Actor(id=None, email="t@example.org", display_name="T", roles=frozenset({"teacher"}))
    with pytest.raises(PermissionDenied):
        demo_national.load_national_demo(session, actor=teacher, size=SMALL)
    assert not demo_national._national_demo_loaded(session)


def test_sizes_are_checked():
    with pytest.raises(ValueError):
        demo_national.NationalSize(projects=10, teachers=20).check()
    assert demo_national.NationalSize().scaled(0.1).projects == 150


# --- the command ------------------------------------------------------------------------------


def test_the_command_loads_the_national_demo_once(sqlite_database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    monkeypatch.setattr(demo_national, "DEFAULT_SIZE", SMALL)
    result = CliRunner().invoke(cli, ["demo", "--scale", "national", "--seed", "11"])
    assert result.exit_code == 0, result.output
    assert "loaded the national demonstration (seed 11)" in result.stdout
    assert "60 projects" in result.stdout and "3,000 responses" in result.stdout
    assert "password of every national demo account (shown once): " in result.stdout
    assert "Generating the national demo" in result.stderr
    assert "Generating" not in result.stdout

    again = CliRunner().invoke(cli, ["demo", "--scale", "national"])
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "the national demonstration is already loaded; nothing changed"

    engine = make_engine(sqlite_database_url)
    try:
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Project)) == SMALL.projects
    finally:
        engine.dispose()


def test_the_seed_is_for_the_national_scale_only(sqlite_database_url, monkeypatch):
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    result = CliRunner().invoke(cli, ["demo", "--seed", "3"])
    assert result.exit_code == 2 and "--seed applies to --scale national only" in result.output


def test_the_national_demo_releases_its_campaigns_of_five_or_more(session):
    """Written whole, each campaign of five respondents or more counts in full; smaller ones
    wait (assess.services.survey_release), as after migration 0011."""
    from assess.domain.survey_results import MIN_GROUP
    from assess.storage.models import SurveyAnswerTally, SurveyReleasedTally, SurveyResponse

    demo_national.load_national_demo(session, actor=Actor.system(), size=SMALL)
    session.commit()
    per_campaign = session.execute(select(SurveyResponse.campaign_id, func.count(), func.count().filter(
        SurveyResponse.released.is_(True))).group_by(SurveyResponse.campaign_id)).all()
    assert any(n < MIN_GROUP for _c, n, _r in per_campaign) and any(n >= MIN_GROUP for _c, n, _r in per_campaign)
    assert all(released == (n if n >= MIN_GROUP else 0) for _c, n, released in per_campaign)
    big = {c for c, n, _r in per_campaign if n >= MIN_GROUP}
    live = {(t.campaign_id, t.item_id, t.score): t.answers for t in session.scalars(select(SurveyAnswerTally))
            if t.campaign_id in big}
    assert live == {(t.campaign_id, t.item_id, t.score): t.answers for t in session.scalars(select(SurveyReleasedTally))}
