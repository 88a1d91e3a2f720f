"""project_results and triangulation on a real database, against figures computed by hand.

Five families answer with codes (tests/survey_results/helpers.FAMILIES); pupils answer by
public link, every agreement item 4 except "international-team". The four pupils wait
(fewer than five new respondents: assess.services.survey_release) until a fifth comes or
the campaign is closed; items and comments with fewer than five answers are not shown
(tests/survey_results/test_anonymity.py attacks both rules).
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from assess.domain.permissions import Actor
from assess.domain.questionnaire import ItemType
from assess.services import _proposed_rubric, campaigns, rubrics, self_assessments, settings, survey_results
from assess.services.errors import NotFound
from tests.survey_results.helpers import (
    FAMILIES,
    all_agree,
    make_campaign,
    make_user,
    questionnaire_of,
    respond_by_link,
    respond_with_codes,
)

TEAM_SCORES = [5, 3, 4, 2, 5]
#: Pupils' agreement items informing results, documentation or sustainability (the
#: "results" criterion of etwinning-2021): learned-new-things, learned-about-partners,
#: proud-of-product, work-visible, shared-with-others, do-it-again.


@pytest.fixture
def rubric():
    return rubrics.installed_rubric("etwinning-2021")


def add_pupils(session, campaign, count: int, start: int = 0) -> None:
    questionnaire = questionnaire_of(campaign)
    for n in range(start, start + count):
        answers = all_agree(questionnaire, 4, **{"international-team": TEAM_SCORES[n]})
        if n == 0:
            answers["comment"] = "On a adoré"
        respond_by_link(session, campaign, answers)


@pytest.fixture
def surveyed(session, teacher, project):
    families = make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
    respond_with_codes(session, teacher, families, FAMILIES)
    campaigns.issue_codes(session, actor=teacher, campaign_id=families.id, count=3)  # never used
    pupils = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link")
    add_pupils(session, pupils, 4)
    session.commit()
    return {"families": families, "pupils": pupils}


def test_families_figures_per_item(session, teacher, project, surveyed, rubric):
    results = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric)
    families = results.audience("families")
    assert (families.respondents, families.hidden) == (5, False)
    talked = families.group.item("child-talked").figures
    # 5, 4, 4, 2 and one "don't know"
    assert (talked.answered, talked.dont_know, talked.distribution) == (4, 1, (0, 1, 0, 2, 1))
    assert talked.mean == pytest.approx(3.75)
    assert talked.agreeing == pytest.approx(0.75)
    assert talked.level == pytest.approx(3.4375)
    learned = families.group.item("learned-other-countries").figures
    assert (learned.answered, learned.mean, learned.agreeing) == (5, pytest.approx(3.6), pytest.approx(0.6))
    unanswered = families.group.item("more-curious").figures
    assert (unanswered.answered, unanswered.mean) == (0, None)
    # Three families chose how they heard, one showed work: fewer than five, not shown.
    assert not families.group.shows("heard-about") and not families.group.shows("showed-work")
    assert families.group.hidden_items == 2


def test_families_figures_per_criterion_and_theme(session, teacher, project, surveyed, rubric):
    families = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric).audience("families")
    # child-talked, learned-other-countries (results), project-visible (documentation);
    # showed-work (one answer, 3) is not shown, so it counts in no pooled figure.
    result = families.group.criterion("results")
    assert result.distribution == (0, 2, 2, 6, 3)
    assert (result.answered, result.dont_know) == (13, 2)
    assert result.mean == pytest.approx(49 / 13)
    assert result.level == pytest.approx((49 / 13 - 1) / 4 * 5)
    # technology covers technology and safety: privacy-respected 5, 4, 2
    technology = families.group.criterion("technology")
    assert (technology.answered, technology.dont_know, technology.mean) == (3, 2, pytest.approx(11 / 3))
    assert families.group.themes["documentation"].mean == pytest.approx(4.0)
    assert "collaboration" not in families.group.themes
    # No families' item informs the pedagogy criterion.
    assert families.group.criterion("pedagogy").answered == 0 and families.group.level("pedagogy") is None


def test_participation_per_campaign_and_audience(session, teacher, project, surveyed, rubric):
    results = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric)
    families, pupils = results.audience("families"), results.audience("pupils")
    assert (families.codes_used, families.codes_issued, families.participation) == (5, 8, pytest.approx(5 / 8))
    assert pupils.participation is None and pupils.campaigns[0].responses == 4, "links: responses only"
    assert [a.audience for a in results.audiences] == ["pupils", "families"]
    assert len(results.campaigns) == 2


def test_four_pupils_wait_then_are_hidden_apart_and_no_total_gives_them_away(session, teacher, project, surveyed,
                                                                               rubric):
    results = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric)
    pupils = results.audience("pupils")
    assert (pupils.respondents, pupils.waiting, pupils.hidden) == (0, 4, True)
    campaigns.close_campaign(session, actor=teacher, campaign_id=surveyed["pupils"].id)  # releases them
    results = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric)
    pupils = results.audience("pupils")
    assert (pupils.respondents, pupils.waiting, pupils.hidden) == (4, 0, True)
    assert pupils.group.items == () and pupils.comments == ()
    assert pupils.group.level("results") is None and pupils.group.level("collaboration") is None
    overall = results.overall
    assert (overall.respondents, overall.hidden) == (9, False)
    # The four pupils' items have four answers each: they count in no total, so all
    # audiences minus the families shown gives nothing.
    families = results.audience("families").group
    assert overall.criterion("results") == families.criterion("results")
    assert overall.criterion("collaboration").answered == 0
    rows = survey_results.triangulation(session, actor=teacher, project_id=project.id)
    assert rows and all(row.overall.level == row.audiences[1].level for row in rows)


def test_a_fifth_pupil_shows_the_pupils(session, teacher, project, surveyed, rubric):
    add_pupils(session, surveyed["pupils"], 1, start=4)  # the fifth new respondent: all five released
    session.commit()
    pupils = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric).audience("pupils")
    assert (pupils.respondents, pupils.hidden) == (5, False)
    team = pupils.group.item("international-team").figures
    assert team.distribution == (0, 1, 1, 1, 2) and team.mean == pytest.approx(19 / 5)
    assert pupils.comments == (), "one pupil's comment among five: one comment is one pupil"


def test_comments_are_listed_alphabetically_without_blanks(session, teacher, project, surveyed, rubric):
    families = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric).audience("families")
    assert families.comments == (), "three comments: fewer than five, none shown"
    more = [dict(FAMILIES[4], comment=text) for text in ("Zut", "  ", "àbientôt", "", "Bien")]
    respond_with_codes(session, teacher, surveyed["families"], more)
    families = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric).audience("families")
    (comments,) = families.comments
    assert comments.item_id == "comment"
    assert comments.comments == ("<img src=x>", "Bien", "Bravo aux élèves", "Merci !", "Zut", "àbientôt")


def test_answers_are_counted_by_the_database(session, engine, teacher, project, surveyed, rubric):
    """Answers are aggregated with GROUP BY; only comments are read one by one."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", record)
    try:
        survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    on_answers = [s for s in statements if "from survey_answers" in s]
    assert on_answers
    for statement in on_answers:
        assert "group by" in statement or statement.startswith("select survey_answers.item_id, survey_answers.text"), statement


def test_the_rubric_defaults_to_the_self_assessment_one(session, teacher, project, surveyed):
    # Without a self-assessment: the one a self-assessment would be proposed (the project's school year).
    proposed, _why = _proposed_rubric.proposed(session, project_end=project.end_date)
    assert survey_results.project_results(session, actor=teacher, project_id=project.id).rubric.id == proposed.id
    rows, _results = survey_results.triangulation_with_results(session, actor=teacher, project_id=project.id)
    assert {row.criterion_id for row in rows} == {c.id for c in proposed.criteria}
    self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2014")
    assert survey_results.project_results(session, actor=teacher, project_id=project.id).rubric.id == "etwinning-2014"


def test_results_in_french_and_english_come_from_the_questionnaire(session, teacher, project, surveyed, rubric):
    families = survey_results.project_results(session, actor=teacher, project_id=project.id, rubric=rubric).audience("families")
    talked = families.group.item("child-talked")
    assert talked.text.get("fr") == "Mon enfant a parlé du projet à la maison."
    assert talked.text.get("en") == "My child talked about the project at home."
    assert all(item.type != ItemType.TEXT.value for item in families.group.items)


def test_only_the_owner_and_the_office_read_results(session, teacher, project, surveyed, rubric):
    other = make_user(session, email="jonas@example.org")
    with pytest.raises(NotFound):
        survey_results.project_results(session, actor=other, project_id=project.id)
    with pytest.raises(NotFound):
        survey_results.triangulation(session, actor=other, project_id=project.id)
    admin = make_user(session, email="office@example.org", roles={"admin"})
    assert survey_results.project_results(session, actor=admin, project_id=project.id, rubric=rubric).respondents == 5


def test_a_project_without_answers(session, teacher, project):
    results = survey_results.project_results(session, actor=teacher, project_id=project.id)
    assert results.audiences == () and results.respondents == 0 and results.overall.hidden
    rows = survey_results.triangulation(session, actor=teacher, project_id=project.id)
    assert rows and not any(r.flagged for r in rows)


def test_triangulation_uses_the_self_assessment_and_the_gap_setting(session, teacher, project, surveyed, rubric):
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id=rubric.id)
    for criterion_id, level in {"technology": 1, "results": 3}.items():
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id=criterion_id, level=level)
    rows = {r.criterion_id: r for r in survey_results.triangulation(session, actor=teacher, project_id=project.id)}
    assert list(rows) == [c.id for c in rubric.counted_criteria]

    technology = rows["technology"]
    pupils, families = technology.audiences
    assert (pupils.audience, pupils.hidden, pupils.level) == ("pupils", True, None)
    # families: privacy-respected mean 11/3 -> level (11/3 - 1) x 5/4 = 10/3; gap 7/3
    assert families.level == pytest.approx(10 / 3) and families.gap == pytest.approx(7 / 3) and families.flagged
    assert technology.flagged and technology.self_level == 1
    assert [(i.audience, i.item_id) for i in technology.items] == [("families", "privacy-respected")]

    results = rows["results"]
    assert results.audiences[1].gap == pytest.approx((49 / 13 - 1) / 4 * 5 - 3)
    assert not results.flagged

    # The national office moves the threshold: the results gap (0.46 for families and in all) is now flagged.
    settings.put(session, actor=Actor.system(), key="triangulation_gap", value=0.3)
    rows = {r.criterion_id: r for r in survey_results.triangulation(session, actor=teacher, project_id=project.id)}
    assert rows["results"].flagged and rows["results"].audiences[1].flagged
    assert rows["pedagogy"].self_level is None and not rows["pedagogy"].flagged


def test_the_self_assessment_report_gains_a_survey_section(session, teacher, project, rubric):
    assert self_assessments.report(session, actor=teacher, project_id=project.id).surveys is None
    families = make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
    respond_with_codes(session, teacher, families, FAMILIES)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id=rubric.id)
    self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="technology", level=1)
    section = self_assessments.report(session, actor=teacher, project_id=project.id).surveys
    assert section is not None
    assert dict(section.respondents) == {"families": 5} and section.threshold == 1.5
    assert next(r for r in section.triangulation if r.criterion_id == "technology").flagged
