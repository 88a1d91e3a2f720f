"""A small national data set, made through the services, whose figures are computed by
hand in the tests.

Projects (applicant school's region; partner countries; ages -> age group; subjects):

- P1 Occitanie; IE, PL; 8-10 -> primary; geography, french
- P2 Bretagne; IE twice (two Irish schools: counted once); 12-15 -> lower_secondary; history
- P3 Occitanie; DE; 15-18 -> upper_secondary; geography
- P4 Bretagne; ES; 3-5 -> pre_primary; art (its application is withdrawn: it never counts)
- P5 no region; IE, FI; 3-5 -> pre_primary; art, "=SUM(A1)" (a word typed before the list, kept as typed)

Round 1 (etwinning-2006, published, last school year): P1 label, P2 no label, P3 label;
P4 withdrawn. Two jurors each, levels on every criterion (Juror A / Juror B):
P1 4/4 (collaboration 4/5), P2 1/2, P3 3/3.

Round 2 (etwinning-2014, this school year, not published): P5, a label staged but not
published; Juror A gives 5 everywhere and submits, Juror B saves 0 everywhere and does not
submit (neither the staged label nor the unsubmitted levels count).

Surveys (opening yesterday, this school year): P1 families with codes (the five answer
sets of tests/survey_results/helpers.FAMILIES, three codes never used) and pupils by link
(4 respondents, every agreement item 4); P3 pupils by link (2 respondents, every agreement
item 2). Nationally the pupils are 6 (shown); P1's alone are 4 (hidden).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from assess.domain.jury import school_year
from assess.domain.permissions import Actor
from assess.services import accounts, applications, campaigns, decisions, jury
from assess.storage.models import Application, Assignment, User
from tests.jury.helpers import TODAY, apply, close, make_juror, make_office, make_round, score_all
from tests.services.helpers import make_project, make_user
from tests.survey_results.helpers import (
    FAMILIES,
    all_agree,
    make_campaign,
    questionnaire_of,
    respond_by_link,
    respond_with_codes,
)

CRITERIA_2006 = ("innovation", "curricular-integration", "collaboration", "ict-use", "sustainability", "results")
CRITERIA_2014 = ("innovation", "curricular-integration", "communication", "collaboration", "technology", "results")
THIS_YEAR = school_year(TODAY)
LAST_YEAR = school_year(TODAY - timedelta(days=365))


@dataclass
class DataSet:
    office: Actor
    teacher: Actor
    juror: Actor
    round1: int
    round2: int
    projects: dict[str, int]
    applications: dict[str, int]


def school(name: str, region: str | None) -> dict:
    return {"name": name, "country": "FR", **({"region": region} if region else {})}


def partners(*countries: str, prefix: str = "") -> list[dict]:
    return [{"name": f"{prefix}Partner school {n} {c}", "country": c} for n, c in enumerate(countries)]


class JurorsById(dict):
    """Juror id -> their Actor, for every juror account (the page tests have one more)."""

    def __init__(self, session):
        super().__init__()
        self.session = session

    def __missing__(self, juror_id: int) -> Actor:
        self[juror_id] = accounts.actor_of(self.session.get(User, juror_id))
        return self[juror_id]


def build(session, office: Actor | None = None) -> DataSet:
    """The data set, committed. ``office``: the admin account to act as (made if None)."""
    office = office or make_office(session)
    teachers = [make_user(session, email=f"teacher{n}@example.org") for n in range(1, 6)]
    jurors = [make_juror(session, f"juror{n}@example.org") for n in (1, 2)]
    made = {
        "P1": make_project(session, owner=teachers[0], title="Project P1", school=school("École des Tilleuls", "Occitanie"),
                           partners=partners("IE", "PL", prefix="P1 "), age_min=8, age_max=10,
                           subjects=["Geography", "French"]),
        "P2": make_project(session, owner=teachers[1], title="Project P2", school=school("Collège Victor Hugo", "Bretagne"),
                           partners=partners("IE", "IE", prefix="P2 "), age_min=12, age_max=15, subjects=["History"]),
        "P3": make_project(session, owner=teachers[2], title="Project P3", school=school("Lycée Jean Jaurès", "Occitanie"),
                           partners=partners("DE", prefix="P3 "), age_min=15, age_max=18, subjects=["Geography"]),
        "P4": make_project(session, owner=teachers[3], title="Project P4", school=school("École maternelle", "Bretagne"),
                           partners=partners("ES", prefix="P4 "), age_min=3, age_max=5, subjects=["Art"]),
        "P5": make_project(session, owner=teachers[4], title="Project P5", school=school("École sans région", None),
                           partners=partners("IE", "FI", prefix="P5 "), age_min=3, age_max=5,
                           subjects=["Art"]),
    }
    # A subject typed before the closed list (kept as typed by migration 0017), made to attack
    # a spreadsheet: shown and exported as text, never run.
    made["P5"].subjects = ["art", "=SUM(A1)"]
    session.flush()
    owner = dict(zip(made, teachers, strict=True))

    # Round 1: applied, closed, scored, decided and published.
    round1 = make_round(session, office=office, name="Labels last year", rubric_id="etwinning-2006")
    applied = {name: apply(session, teacher=owner[name], round_id=round1.id, project_id=made[name].id).id
               for name in ("P1", "P2", "P3", "P4")}
    applications.withdraw(session, actor=owner["P4"], application_id=applied["P4"])
    close(session, round1.id)
    jury.auto_assign(session, actor=office, round_id=round1.id)
    levels = {"P1": (4, {"collaboration": 4}, 4, {"collaboration": 5}), "P2": (1, {}, 2, {}), "P3": (3, {}, 3, {})}
    by_id = JurorsById(session)
    for name, (first, first_overrides, second, second_overrides) in levels.items():
        assigned = list(session.scalars(select(Assignment).where(Assignment.application_id == applied[name])
                                        .order_by(Assignment.juror_id)))
        assert len(assigned) == 2
        score_all(session, juror=by_id[assigned[0].juror_id], application_id=applied[name], level=first,
                  overrides=first_overrides, items=CRITERIA_2006)
        score_all(session, juror=by_id[assigned[1].juror_id], application_id=applied[name], level=second,
                  overrides=second_overrides, items=CRITERIA_2006)
    for name, outcome in (("P1", "label"), ("P2", "no_label"), ("P3", "label")):
        decisions.stage_decision(session, actor=office, application_id=applied[name], outcome=outcome)
    decisions.publish_round(session, actor=office, round_id=round1.id)
    # Last school year's round (applications take the school year of the day they are sent).
    session.execute(update(Application).where(Application.round_id == round1.id).values(school_year=LAST_YEAR))

    # Round 2: one application, one juror submitted, a label staged and not published.
    round2 = make_round(session, office=office, name="Labels this year", rubric_id="etwinning-2014")
    applied["P5"] = apply(session, teacher=owner["P5"], round_id=round2.id, project_id=made["P5"].id,
                          texts={c: f"What we did for {c}." for c in CRITERIA_2014}).id
    close(session, round2.id)
    jury.auto_assign(session, actor=office, round_id=round2.id)
    assigned = list(session.scalars(select(Assignment).where(Assignment.application_id == applied["P5"])
                                    .order_by(Assignment.juror_id)))
    score_all(session, juror=by_id[assigned[0].juror_id], application_id=applied["P5"], level=5, items=CRITERIA_2014)
    score_all(session, juror=by_id[assigned[1].juror_id], application_id=applied["P5"], level=0, items=CRITERIA_2014,
              submit=False)
    decisions.stage_decision(session, actor=office, application_id=applied["P5"], outcome="label")

    # Surveys.
    families = make_campaign(session, owner=owner["P1"], project=made["P1"], audience="families", mode="codes")
    respond_with_codes(session, owner["P1"], families, FAMILIES)
    campaigns.issue_codes(session, actor=owner["P1"], campaign_id=families.id, count=3)
    for name, count, score in (("P1", 4, 4), ("P3", 2, 2)):
        pupils = make_campaign(session, owner=owner[name], project=made[name], audience="pupils", mode="link")
        for _ in range(count):
            respond_by_link(session, pupils, all_agree(questionnaire_of(pupils), score))
        # Closed, so its answers count (fewer than five wait otherwise: survey_release).
        campaigns.close_campaign(session, actor=owner[name], campaign_id=pupils.id)
    session.commit()
    return DataSet(office=office, teacher=teachers[0], juror=jurors[0], round1=round1.id, round2=round2.id,
                   projects={name: p.id for name, p in made.items()}, applications=applied)
