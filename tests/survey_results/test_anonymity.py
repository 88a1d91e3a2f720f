"""Anonymity as a property of every figure (issue 10, finding 3), attacked as a curious
reader would: no figure from fewer than five respondents, per item as well as per group,
and no two readings that differ by fewer than five respondents.

Every reader is tried: the results (page data, CLI JSON), the results PDF read back, the
national figures and the exports read back.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader

from assess.domain.permissions import Actor
from assess.domain.questionnaire import ItemType
from assess.reports.survey import render_survey_results_pdf
from assess.services import _survey_release, campaigns, questionnaires, survey_imports, survey_release, survey_results
from assess.services import national as statistics
from tests.survey_results.helpers import all_agree, make_campaign, questionnaire_of, respond_by_link

YOUNG_ONLY = ("liked-making-together", "said-hello", "know-where-friends-live", "used-tablet",
              "photo-with-grown-up", "showed-family")
SECRET = "Zoé est ma meilleure amie secrète"


def reading(session, teacher, project) -> dict:
    """All a reader of the project's results sees: the figures (as the CLI's JSON and the
    page have them) and the comments."""
    results = survey_results.project_results(session, actor=teacher, project_id=project.id)
    seen = results.to_dict(lang="en")
    seen.pop("generated_at", None)
    seen["comments"] = {a.audience: [(c.item_id, c.comments) for c in a.comments] for a in results.audiences}
    # Participation (codes used, responses received) is not a figure of the answers.
    for audience in seen["audiences"]:
        audience.pop("campaigns"), audience.pop("codes_used"), audience.pop("participation"), audience.pop("waiting")
    return seen


def national(session) -> tuple:
    office = Actor.system()
    levels = statistics.survey_levels(session, actor=office)
    participation = statistics.survey_participation(session, actor=office)
    return ([(r.audience, r.criterion_id, r.respondents, r.hidden, r.figures) for r in levels.rows],
            [(p.audience, p.responses) for p in participation])


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


def pupil(questionnaire, score: int, **overrides) -> dict:
    return all_agree(questionnaire, score, **overrides)


# --- differencing around one submission ---------------------------------------------------------


def test_one_new_submission_moves_no_figure_until_five_have_come(session, teacher, project):
    link = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                         questionnaire_id="pupils")
    questionnaire = questionnaire_of(link)
    for n in range(5):
        respond_by_link(session, link, pupil(questionnaire, 4, comment=f"Bien {n}"))
    session.commit()
    before, national_before = reading(session, teacher, project), national(session)
    assert before["respondents"] == 5

    # One pupil sends very different answers and a comment: nothing a reader sees moves.
    respond_by_link(session, link, pupil(questionnaire, 1, comment=SECRET))
    session.commit()
    assert reading(session, teacher, project) == before
    assert national(session) == national_before
    results = survey_results.project_results(session, actor=teacher, project_id=project.id)
    assert results.audience("pupils").waiting == 1
    assert SECRET not in pdf_text(render_survey_results_pdf(results, lang="en"))

    # Three more: still four waiting, still nothing.
    for _ in range(3):
        respond_by_link(session, link, pupil(questionnaire, 1))
    session.commit()
    assert reading(session, teacher, project) == before and national(session) == national_before

    # The fifth new one: the five count together.
    respond_by_link(session, link, pupil(questionnaire, 1))
    session.commit()
    after = reading(session, teacher, project)
    assert after["respondents"] == 10 and after != before
    assert SECRET in dict(after["comments"]["pupils"])["comment"]
    assert national(session)[1] == [("pupils", 10)]


def test_closing_the_campaign_releases_what_waits_and_later_arrivals_wait_again(session, teacher, project):
    link = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                         questionnaire_id="pupils")
    questionnaire = questionnaire_of(link)
    for _ in range(7):
        respond_by_link(session, link, pupil(questionnaire, 4))
    session.commit()
    assert reading(session, teacher, project)["respondents"] == 5
    campaigns.close_campaign(session, actor=teacher, campaign_id=link.id)
    session.commit()
    assert reading(session, teacher, project)["respondents"] == 7
    assert _survey_release.waiting(session, link.id) == 0


def test_a_campaign_that_ends_by_its_date_releases_its_last_responses_the_next_day(session, session_factory, teacher,
                                                                                     project):
    """Nobody closes a campaign that ends by its date: its last responses (fewer than five)
    are released the day after, when a reader of figures first looks (pages, exports, CLI)."""
    link = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                         questionnaire_id="pupils", days_open=0)
    questionnaire = questionnaire_of(link)
    for _ in range(7):
        respond_by_link(session, link, pupil(questionnaire, 4))
    session.commit()
    closing = link.closes_on
    assert survey_release.release_ended_when_due(session_factory, today=closing) == 0  # still open that day
    assert reading(session, teacher, project)["respondents"] == 5
    session.commit()  # the test's session writes in every transaction: it ends its own first
    assert survey_release.release_ended_when_due(session_factory, today=closing + timedelta(days=1)) == 1
    assert reading(session, teacher, project)["respondents"] == 7
    assert _survey_release.waiting(session, link.id) == 0
    session.commit()
    # Once released, a later look finds nothing to do: no write.
    assert survey_release.release_ended_when_due(session_factory, today=closing + timedelta(days=2)) == 0


# --- differencing around one import ------------------------------------------------------------


def families_csv(rows: list[dict], *, leave_out: tuple[str, ...] = ()) -> bytes:
    """A Google Forms export of the families' questionnaire (English headers): ``rows`` map
    item ids to cells; items in ``leave_out`` have no column."""
    items = [i for i in questionnaires.installed_questionnaire("families").items if i.id not in leave_out]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Timestamp", *(i.text.get("en") for i in items)])
    for n, row in enumerate(rows):
        writer.writerow([f"2025/10/{n % 28 + 1:02d} 9:41:12 AM GMT+2", *(row.get(i.id, "") for i in items)])
    return out.getvalue().encode()


def family_row(score: str, comment: str = "") -> dict:
    return {"child-talked": score, "learned-other-countries": score, "project-visible": score,
            "privacy-respected": score, "showed-work": score, "family-took-part": score, "more-curious": score,
            "comment": comment}


def import_rows(session, teacher, project, rows, **kwargs):
    report = survey_imports.run_import(session, actor=teacher, project_id=project.id, audience="families",
                                       file_name="answers.csv", data=families_csv(rows, **kwargs))
    session.commit()
    return report


def test_an_import_of_fewer_than_five_rows_moves_no_figure(session, teacher, project):
    import_rows(session, teacher, project, [family_row("Agree", f"Merci {n}") for n in range(5)])
    before, national_before = reading(session, teacher, project), national(session)
    assert before["respondents"] == 5

    report = import_rows(session, teacher, project, [family_row("Strongly disagree", SECRET)])
    assert report.rows_imported == 1
    assert reading(session, teacher, project) == before
    assert national(session) == national_before

    import_rows(session, teacher, project, [family_row("Disagree", f"Autre {n}") for n in range(4)])
    after = reading(session, teacher, project)
    assert after["respondents"] == 10 and SECRET in dict(after["comments"]["families"])["comment"]


# --- per item: partial imports, pooled audiences ------------------------------------------------


def test_items_a_partial_import_left_out_do_not_show_the_one_web_respondent(session, teacher, project):
    web = make_campaign(session, owner=teacher, project=project, audience="families", mode="link",
                        questionnaire_id="families")
    respond_by_link(session, web, all_agree(questionnaire_of(web), 1, **{"heard-about": "child", "comment": SECRET}))
    campaigns.close_campaign(session, actor=teacher, campaign_id=web.id)  # released: the worst case
    session.commit()
    left_out = ("more-curious", "family-took-part", "heard-about", "comment")
    import_rows(session, teacher, project, [family_row("Agree") for _ in range(8)], leave_out=left_out)

    results = survey_results.project_results(session, actor=teacher, project_id=project.id)
    families = results.audience("families")
    assert (families.respondents, families.hidden) == (9, False)
    shown = {item.id for item in families.group.items}
    assert not shown & set(left_out), "answered by one respondent: no figure"
    assert {"child-talked", "showed-work"} <= shown
    assert families.group.hidden_items == 3
    assert families.comments == ()
    document = json.dumps(results.to_dict(lang="en"))
    assert "more-curious" not in document and "heard-about" not in document
    text = pdf_text(render_survey_results_pdf(results, lang="en"))
    assert SECRET not in text
    for item in questionnaires.installed_questionnaire("families").items:
        if item.id in left_out and item.type is not ItemType.TEXT:
            assert " ".join(item.text.get("en").split()) not in text


def young_and_older(session, teacher, project, *, young: int, older: int):
    young_campaign = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                                   questionnaire_id="pupils-young")
    older_campaign = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                                   questionnaire_id="pupils")
    for n in range(young):
        respond_by_link(session, young_campaign,
                        all_agree(questionnaire_of(young_campaign), 1, **{"liked-most": f"{SECRET} {n}"}))
    for _ in range(older):
        respond_by_link(session, older_campaign, all_agree(questionnaire_of(older_campaign), 5))
    for campaign in (young_campaign, older_campaign):
        campaigns.close_campaign(session, actor=teacher, campaign_id=campaign.id)
    session.commit()


def test_one_young_pupil_among_older_ones_is_not_shown(session, teacher, project):
    young_and_older(session, teacher, project, young=1, older=8)
    results = survey_results.project_results(session, actor=teacher, project_id=project.id)
    pupils = results.audience("pupils")
    assert (pupils.respondents, pupils.hidden) == (9, False)
    shown = {item.id: item for item in pupils.group.items}
    assert not shown.keys() & set(YOUNG_ONLY)
    assert all(item.figures is None or item.figures.answered + item.figures.dont_know >= 5
               for item in shown.values())
    # Items of both versions pool the young pupil with the older ones (9 answers)...
    assert shown["learned-new-things"].figures.answered == 9
    # ...and no criterion or theme pools an item shown nowhere (which would give it away).
    for key in results.indicators.criterion_items.values():
        assert not {item_id for _audience, item_id in key} & set(YOUNG_ONLY)
    assert pupils.comments == ()

    document = results.to_dict(lang="en")
    assert not {i["id"] for a in document["audiences"] for i in a["items"] or ()} & set(YOUNG_ONLY)
    text = pdf_text(render_survey_results_pdf(results, lang="en"))
    young_texts = [" ".join(i.text.get("en").split()) for i in questionnaires.installed_questionnaire("pupils-young").items
                   if i.id in YOUNG_ONLY]
    assert not [t for t in young_texts if t in text]
    assert SECRET not in text


def test_five_young_pupils_show_their_own_items(session, teacher, project):
    young_and_older(session, teacher, project, young=5, older=8)
    pupils = survey_results.project_results(session, actor=teacher, project_id=project.id).audience("pupils")
    assert set(YOUNG_ONLY) <= {item.id for item in pupils.group.items}
    assert pupils.group.item("said-hello").figures.answered == 5
    assert len(dict((c.item_id, c.comments) for c in pupils.comments)["liked-most"]) == 5


def test_the_release_survives_a_reread_of_the_tallies(session, teacher, project):
    """The released counts are exactly the released answers (the national figures read them)."""
    link = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                         questionnaire_id="pupils")
    for n in range(7):
        respond_by_link(session, link, pupil(questionnaire_of(link), 1 + n % 5))
    session.commit()
    from sqlalchemy import func, select

    from assess.storage.models import SurveyAnswer, SurveyReleasedTally, SurveyResponse

    released = dict(session.execute(
        select(SurveyAnswer.item_id, func.count()).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.released.is_(True), SurveyAnswer.score.is_not(None)).group_by(SurveyAnswer.item_id)
    ).all())
    tallied: dict[str, int] = {}
    for row in session.scalars(select(SurveyReleasedTally).where(SurveyReleasedTally.score > 0)):
        tallied[row.item_id] = tallied.get(row.item_id, 0) + row.answers
    assert released == tallied and set(released.values()) == {5}


# --- the national exports, read back --------------------------------------------------------------


def exported(session) -> dict:
    """The workbook's survey sheets (read back with openpyxl) and the survey CSV files."""
    import openpyxl

    from assess.services import exports

    out = io.BytesIO()
    exports.write_workbook(session, out=out, actor=Actor.system())
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    seen = {name: [row for row in book[name].iter_rows(values_only=True)] for name in ("Surveys", "Responses")}
    for what in ("responses",):
        text = io.StringIO(newline="")
        exports.write_csv(session, actor=Actor.system(), what=what, out=text)
        seen[what] = text.getvalue()
    return seen


def test_one_new_submission_moves_nothing_in_the_exports(session, teacher, project):
    link = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link",
                         questionnaire_id="pupils")
    for _ in range(5):
        respond_by_link(session, link, pupil(questionnaire_of(link), 4))
    session.commit()
    before = exported(session)
    assert len(before["Responses"]) > 1 and "4" in before["responses"]

    respond_by_link(session, link, pupil(questionnaire_of(link), 1, comment=SECRET))
    session.commit()
    after = exported(session)
    assert after == before
    assert SECRET not in after["responses"]


def test_the_self_assessment_report_shows_nothing_of_one_young_pupil(session, teacher, project):
    from assess.reports.self_assessment import render_self_assessment_pdf
    from assess.services import self_assessments

    young_and_older(session, teacher, project, young=1, older=8)
    assessment = self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2021")
    for criterion in ("collaboration", "results", "technology"):  # far from the pupils' 5s: flagged, items listed
        self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id=criterion, level=0)
    report = self_assessments.report(session, actor=teacher, project_id=project.id)
    assert report.surveys is not None and report.surveys.respondents == {"pupils": 9}
    listed = {item.item_id for row in report.surveys.triangulation for item in row.items}
    assert listed and not listed & set(YOUNG_ONLY)
    text = pdf_text(render_self_assessment_pdf(report, lang="en"))
    young_texts = [" ".join(i.text.get("en").split()) for i in questionnaires.installed_questionnaire("pupils-young").items
                   if i.id in YOUNG_ONLY]
    assert "Self-assessment and surveys" in text and not [t for t in young_texts if t in text]
