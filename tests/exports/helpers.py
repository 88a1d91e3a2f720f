"""A small national data set for the export tests, made through the services.

- Round A, "Labels 2024-2025" (etwinning-2006): three applications scored by two jurors
  each, decided and published (two labels, one refusal); a fourth withdrawn. Its
  applications are moved to school year 2024-2025 (the services date an application
  by the day it is sent, so the test sets the year of an earlier one directly).
- Round B, "Labels 2025-2026" (etwinning-2021, five criteria and three gates): the first
  project again, scored and staged (pending); a fifth project scored by one juror, the
  other juror's levels still a draft.
- Surveys: five families (codes) and four pupils (link, a group too small to show) on
  the first project, one of them answering "=1+1"; five teachers on a project that never
  applied; answers starting with + - @ tab and CR stored as an import could store them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from assess.domain.permissions import Actor
from assess.domain.statistics import Filters
from assess.services import applications, campaigns, decisions, jury, rubrics
from assess.storage.models import Application, Assignment, Project, Round, School, SurveyAnswer, SurveyResponse, User
from tests.jury.helpers import apply, close, make_juror, make_office, make_round, other_project, score_all
from tests.services.helpers import make_campaign, make_user
from tests.spreadsheets import HOSTILE
from tests.survey_results.helpers import FAMILIES, all_agree, questionnaire_of, respond_by_link, respond_with_codes

FORMULA = "=1+1"
#: Texts a spreadsheet would run if a CSV cell started with them.
DANGEROUS = ("+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB=1", "\rCR=1")


@dataclass
class Data:
    office: Actor
    jurors: dict[int, Actor] = field(default_factory=dict)
    round_a: int = 0
    round_b: int = 0
    #: Application ids by name: a1, a2, a3 (round A), a4 (withdrawn), b1, b5 (round B).
    applications: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)


def _levels(base: int) -> dict[str, int]:
    return {"innovation": base, "curricular-integration": base, "collaboration": min(base + 1, 5),
            "ict-use": base, "sustainability": max(base - 1, 0), "results": base}


def filters_of(options: dict) -> Filters:
    """The export's filters from a test's ``round_id=`` / ``school_year=`` shorthand
    (taken out of ``options``)."""
    return Filters(round_id=options.pop("round_id", None), school_year=options.pop("school_year", None))


def build(session) -> Data:
    office = make_office(session)
    data = Data(office=office)
    for n in range(1, 5):
        juror = make_juror(session, f"juror{n}@example.org")
        data.jurors[juror.id] = juror
    teachers = [make_user(session, email=f"teacher{n}@example.org", name=f"Teacher {n}") for n in range(1, 7)]
    projects = [other_project(session, teachers[0], title="Our rivers, our future", school_name="École Jean Jaurès",
                              region="Occitanie")]
    projects += [other_project(session, teachers[n], title=title, school_name=f"School {n}", region=region)
                 for n, (title, region) in enumerate(
                     [("=HYPERLINK(\"http://x\")", "Bretagne"), ("Stars over Europe", "Bretagne"),
                      ("Withdrawn one", "Normandie"), ("Second round only", "Corse"),
                      ("Never applied", "Alsace")], 1)]
    data.projects = {f"p{n}": p.id for n, p in enumerate(projects, 1)}

    # Round A: decided and published, a year ago.
    round_a = make_round(session, office=office, name="Labels 2024-2025")
    data.round_a = round_a.id
    for n in range(4):
        made = apply(session, teacher=teachers[n], round_id=round_a.id, project_id=projects[n].id)
        data.applications[f"a{n + 1}"] = made.id
    applications.withdraw(session, actor=teachers[3], application_id=data.applications["a4"])
    close(session, round_a.id)
    jury.auto_assign(session, actor=office, round_id=round_a.id)
    bases = {"a1": (4, 5), "a2": (2, 3), "a3": (3, 1)}
    for name, (first, second) in bases.items():
        assigned = session.scalars(select(Assignment).where(Assignment.application_id == data.applications[name])
                                   .order_by(Assignment.juror_id)).all()
        for assignment, base in zip(assigned, (first, second), strict=True):
            score_all(session, juror=data.jurors[assignment.juror_id], application_id=data.applications[name],
                      overrides=_levels(base))
        decisions.stage_decision(session, actor=office, application_id=data.applications[name])
    decisions.publish_round(session, actor=office, round_id=round_a.id)
    for application in session.scalars(select(Application).where(Application.round_id == round_a.id)):
        application.school_year = "2024-2025"

    # Round B: the 2021 rubric, still at work.
    round_b = make_round(session, office=office, name="Labels 2025-2026", rubric_id="etwinning-2021")
    data.round_b = round_b.id
    items_2021 = jury.items_of(rubrics.installed_rubric("etwinning-2021"))
    texts = {"collaboration": "We worked together."}
    data.applications["b1"] = apply(session, teacher=teachers[0], round_id=round_b.id, project_id=projects[0].id,
                                    texts=texts).id
    data.applications["b5"] = apply(session, teacher=teachers[4], round_id=round_b.id, project_id=projects[4].id,
                                    texts=texts).id
    close(session, round_b.id)
    jury.auto_assign(session, actor=office, round_id=round_b.id)
    for name, levels in (("b1", (4, 2)), ("b5", (3, None))):
        assigned = session.scalars(select(Assignment).where(Assignment.application_id == data.applications[name])
                                   .order_by(Assignment.juror_id)).all()
        for assignment, level in zip(assigned, levels, strict=True):
            score_all(session, juror=data.jurors[assignment.juror_id], application_id=data.applications[name],
                      level=level if level is not None else 1, items=items_2021, submit=level is not None)
    decisions.stage_decision(session, actor=office, application_id=data.applications["b1"])

    # Surveys.
    owner = teachers[0]
    families = make_campaign(session, owner=owner, project=projects[0], audience="families", mode="codes")
    answers = [dict(a) for a in FAMILIES]
    answers[2]["comment"] = FORMULA
    respond_with_codes(session, owner, families, answers)
    pupils = make_campaign(session, owner=owner, project=projects[0], audience="pupils", mode="link")
    for n in range(4):
        respond_by_link(session, pupils, all_agree(questionnaire_of(pupils), 2 + n % 3))
    teachers_campaign = make_campaign(session, owner=teachers[5], project=projects[5], audience="teachers",
                                      mode="link")
    questionnaire = questionnaire_of(teachers_campaign)
    text_item = next(i.id for i in questionnaire.items if i.type.value == "text")
    for n in range(5):
        respond_by_link(session, teachers_campaign, all_agree(questionnaire, 5 - n % 2), language="en")
    # What an import (or an older version) could have stored: texts that start like formulas.
    for text in DANGEROUS:
        response = SurveyResponse(campaign_id=teachers_campaign.id, submitted_month=date(2026, 1, 1), language="en",
                                  source="google")
        response.answers.append(SurveyAnswer(campaign_id=teachers_campaign.id, item_id=text_item, text=text))
        session.add(response)
    session.flush()
    # Closed, so every response counts in the figures (fewer than five wait otherwise:
    # assess.services.survey_release).
    for campaign, by in ((families, owner), (pupils, owner), (teachers_campaign, teachers[5])):
        campaigns.close_campaign(session, actor=by, campaign_id=campaign.id)
    session.commit()
    return data


def make_hostile(session, data: Data) -> list[str]:
    """Put the texts of tests/spreadsheets.HOSTILE wherever people type what the CSV files
    carry: round names, project titles, school names and regions, jurors' names and the
    survey comments (as typed or imported). Returns the texts, in the order used."""
    texts = itertools.cycle(HOSTILE)
    for round_ in session.scalars(select(Round).order_by(Round.id)):
        round_.name = next(texts)
    for project in session.scalars(select(Project).order_by(Project.id)):
        project.title = next(texts)
    for school in session.scalars(select(School).order_by(School.id)):
        school.name, school.region = next(texts), next(texts)
    for juror in session.scalars(select(User).where(User.id.in_(data.jurors)).order_by(User.id)):
        juror.display_name = next(texts)
    comments = itertools.cycle(HOSTILE)
    for answer in session.scalars(select(SurveyAnswer).where(SurveyAnswer.text.is_not(None)).order_by(SurveyAnswer.id)):
        answer.text = next(comments)
    session.commit()
    return list(HOSTILE)
