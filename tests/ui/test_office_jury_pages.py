"""The national office's jury pages through AppTest, on a real SQLite database: rounds,
automatic assignment, decisions and publication, jury agreement, the European label.
Rounds are prepared with the services (tests/jury/helpers.py); what the pages did is read
back with the services."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from assess.i18n import t
from assess.services import decisions, eql, jury, projects, rounds
from assess.storage.models import Assignment
from tests.jury.helpers import apply, close, make_juror, make_round, score_all
from tests.letters.conftest import pdf_text
from tests.services.helpers import make_project, make_user
from tests.ui.conftest import ROOT
from tests.ui.test_access import DENIED, run_page
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")
JURY_OFFICE_PAGES = ["rounds", "decisions", "reliability", "eql"]
TITLE = "Stars <b>over</b> *Europe*"


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return no_exception(at.run())


def submit(at: AppTest, label: str, index: int = 0) -> AppTest:
    [b for b in at.button if b.label == label][index].click()
    return no_exception(at.run())


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.fixture
def applied(ui_database, people):
    """A closed label round with two applications and two jurors (none assigned yet)."""
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin, name="Labels 2026")
        first = make_project(session, owner=people.teacher, title=TITLE)
        second = make_project(session, owner=people.other_teacher, title="Rivers of Europe")
        ids = [apply(session, teacher=t, round_id=made.id, project_id=p.id).id
               for t, p in ((people.teacher, first), (people.other_teacher, second))]
        other = make_juror(session, "second.juror@example.org")
        close(session, made.id)
        return {"round": made.id, "applications": ids, "jurors": {people.juror.id: people.juror, other.id: other}}


@pytest.fixture
def scored(ui_database, people, applied):
    """The same round assigned and scored: the jurors disagree on collaboration in the first
    application (5 and 2) and agree on the second."""
    with ui_database.begin() as session:
        jury.auto_assign(session, actor=people.admin, round_id=applied["round"])
        first, second = applied["applications"]
        for index, assignment in enumerate(session.scalars(select(Assignment).where(Assignment.application_id == first)
                                                           .order_by(Assignment.id))):
            score_all(session, juror=applied["jurors"][assignment.juror_id], application_id=first, level=4,
                      overrides={"collaboration": 5 if index == 0 else 2})
        for assignment in session.scalars(select(Assignment).where(Assignment.application_id == second)):
            score_all(session, juror=applied["jurors"][assignment.juror_id], application_id=second, level=3)
    return applied


# --- who may open them --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["teacher", "juror"])
@pytest.mark.parametrize("name", JURY_OFFICE_PAGES)
def test_teachers_and_jurors_get_the_permission_message(people, name, who):
    at = run_page(name, getattr(people, who))

    assert not at.exception
    assert texts(at.error) == [DENIED]
    assert not at.dataframe and not at.get("form") and not at.button


@pytest.mark.parametrize("name", JURY_OFFICE_PAGES)
def test_the_pages_open_for_the_admin_in_both_languages(people, applied, name):
    for lang in ("en", "fr"):
        at = no_exception(run_page(name, people.admin, lang=lang))
        assert not at.error and at.title


def test_the_pages_never_render_html():
    for name in JURY_OFFICE_PAGES:
        text = (ROOT / "assess" / "ui" / "pages" / f"{name}.py").read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in text and "st.html" not in text


# --- rounds -----------------------------------------------------------------------------------

def test_the_admin_lands_on_the_rounds_page_and_opens_a_round(app_for, people, ui_database):
    at = no_exception(app_for(people.admin))
    assert texts(at.title) == ["Jury rounds"]

    at = click(at, "rn_create")  # no name: refused, said by the field
    assert texts(at.error) == ["Please correct the 1 field marked below."]
    assert "Name: This field is required." in texts(at.caption)

    at.selectbox(key="rn_new_kind").set_value("contest")
    at.text_input(key="rn_new_name").set_value("Contest 2026")
    at.number_input(key="rn_new_per").set_value(3)
    at.radio(key="rn_new_aggregation").set_value("median")
    at = click(at, "rn_create")

    assert "The round Contest 2026 is open." in texts(at.success)
    with ui_database.begin() as session:
        [made] = rounds.list_rounds(session, actor=people.admin)
    assert (made.kind, made.name, made.per_application, made.aggregation) == ("contest", "Contest 2026", 3, "median")
    assert at.dataframe[0].value.iloc[0].tolist()[:2] == ["National contest", "Contest 2026"]


def test_the_rubric_is_shown_locked_once_scored(app_for, people, scored):
    at = no_exception(app_for(people.admin, page="rounds"))

    assert at.selectbox(key=f"rn_{scored['round']}_rubric").disabled
    assert "The rubric of a round is locked once the first score is saved." in texts(at.caption)


def test_automatic_assignment_through_the_page_shows_loads_and_shortages(app_for, people, applied, ui_database):
    with ui_database.begin() as session:
        rounds.update_round(session, actor=people.admin, round_id=applied["round"], per_application=3)
    at = no_exception(app_for(people.admin, page="rounds"))

    at = click(at, "rn_auto")

    assert "Jurors are assigned." in texts(at.success)
    [loads] = [d.value for d in at.dataframe if list(d.value.columns) == ["Juror", "Applications"]]
    assert sorted(loads.iloc[:, 0]) == ["Ana Juror", "Second.Juror"] and list(loads.iloc[:, 1]) == [2, 2]
    # One sentence per application left short, worded as `assess jury assign` words it.
    assert sorted(texts(at.warning)) == sorted(
        f"Application {a} lacks 1 juror (it wants 3 and has 2); jurors without a conflict: only 2." for a in applied["applications"])
    with ui_database.begin() as session:
        assert jury.progress(session, actor=people.admin, round_id=applied["round"]).assignments == 4
    # The applications now list their jurors by name.
    at.run()
    table = at.dataframe[1].value
    assert set(table["Jurors"]) == {"Ana Juror, Second.Juror"}


def test_the_round_lists_each_application_with_its_teacher_school_status_and_jurors(app_for, people, applied,
                                                                                    ui_database):
    with ui_database.begin() as session:
        jury.auto_assign(session, actor=people.admin, round_id=applied["round"])
    at = no_exception(app_for(people.admin, page="rounds"))

    table = next(f.value for f in at.dataframe if "Teacher" in f.value.columns)
    rows = {row["Application"]: row for row in table.to_dict("records")}
    first, second = applied["applications"]
    assert list(rows) == [first, second]
    assert (rows[first]["Project"], rows[first]["Teacher"]) == (TITLE, "Claire Martin")  # as text, not Markdown
    assert (rows[second]["Project"], rows[second]["Teacher"]) == ("Rivers of Europe", "Jonas Weber")
    assert rows[first]["School, region"] == "École Jean Jaurès, Occitanie, FR"
    assert {row["Status"] for row in rows.values()} == {"Under review"}  # closed, not published
    assert {row["Jurors"] for row in rows.values()} == {"Ana Juror, Second.Juror"}


def test_a_conflict_recorded_by_the_office_takes_the_juror_off(app_for, people, applied, ui_database):
    with ui_database.begin() as session:
        jury.auto_assign(session, actor=people.admin, round_id=applied["round"])
    at = no_exception(app_for(people.admin, page="rounds"))
    [box] = [s for s in at.selectbox if s.label == "Juror" and s.form_id == "rn_conflict"]
    box.set_value(people.juror.id)
    at = submit(at, "Record the conflict")

    assert "The conflict is recorded; the juror no longer sees the application." in texts(at.success)
    with ui_database.begin() as session:
        [found] = jury.list_conflicts(session, actor=people.admin, round_id=applied["round"])
        assert (found.juror_id, found.kind) == (people.juror.id, "office")
        assert found.application_id == applied["applications"][0]
        assert jury.progress(session, actor=people.admin, round_id=applied["round"]).assignments == 3



def test_the_office_removes_a_declared_conflict_from_the_conflicts_tab(app_for, people, applied, ui_database):
    first = applied["applications"][0]
    with ui_database.begin() as session:
        stored = jury.declare_conflict(session, actor=people.admin, application_id=first, juror_id=people.juror.id)
        conflict_id = stored.id
    at = no_exception(app_for(people.admin, page="rounds"))
    at.selectbox(key="rn_conflict_remove").set_value(conflict_id)
    at = submit(at, "Remove the conflict")

    assert ("The conflict is removed; the juror may be assigned again (this is not done automatically)."
            in texts(at.success))
    with ui_database.begin() as session:
        assert jury.list_conflicts(session, actor=people.admin, round_id=applied["round"]) == []
    at = no_exception(app_for(people.admin, page="rounds", lang="fr"))
    assert "Aucun conflit d'intérêts enregistré dans cette session." in texts(at.caption)

def test_the_office_waives_a_same_school_conflict_with_a_reason(app_for, people, applied, ui_database):
    with ui_database.begin() as session:
        colleague = make_juror(session, "colleague@example.org", school_name="École Jean Jaurès", region="Occitanie")
        jury.auto_assign(session, actor=people.admin, round_id=applied["round"])
        found = next(c for c in jury.list_conflicts(session, actor=people.admin, round_id=applied["round"])
                     if c.juror_id == colleague.id)
    at = no_exception(app_for(people.admin, page="rounds"))
    at.selectbox(key="rn_waiver_pick").set_value((colleague.id, found.application_id, "same_school"))
    at.text_area(key="rn_waiver_reason").set_value("Another campus; never met the team.")
    at = submit(at, "Waive the conflict")

    assert "The conflict is waived for this application; the juror may now be assigned to it." in texts(at.success)
    with ui_database.begin() as session:
        [waiver] = jury.list_waivers(session, actor=people.admin, round_id=applied["round"])
        assert (waiver.juror_id, waiver.reason) == (colleague.id, "Another campus; never met the team.")
    at = no_exception(app_for(people.admin, page="rounds", lang="fr"))
    assert "Conflits levés" in " ".join(m.value for m in at.markdown)


# --- decisions --------------------------------------------------------------------------------

def test_decisions_show_the_disagreement_then_stage_and_publish(app_for, people, scored, ui_database):
    at = no_exception(app_for(people.admin, page="decisions"))

    first, second = scored["applications"]
    escaped = "Stars \\<b\\>over\\</b\\> \\*Europe\\*"
    assert [e.label for e in at.expander] == [f"Application {first}: {escaped} · :orange[the jurors disagree]",
                                              f"Application {second}: Rivers of Europe"]
    [flag] = texts(at.warning)
    assert "disagree" in flag and "Collaboration" in flag
    overview = at.dataframe[0].value  # every application, then each box's own table
    assert list(overview["Disagreement"]) == [True, False] and list(overview["Proposal"]) == ["Label awarded"] * 2
    assert list(at.dataframe[1].value["Disagreement"]) == [False, False, True, False, False, False]

    # The proposal is a label for the first one; the office decides otherwise.
    at.radio[0].set_value("no_label")
    at = submit(at, "Stage the decision", 0)
    at = submit(at, "Stage the decision", 1)
    at = click(at, "publish")
    assert any("Publish the 2 staged decisions now?" in w for w in texts(at.warning))
    at = click(at, "publish_yes")

    assert "The decisions are published." in texts(at.success)
    with ui_database.begin() as session:
        assert rounds.get_round(session, actor=people.admin, round_id=scored["round"]).published_at is not None
        published = {d.application_id: (d.outcome, d.published_at is not None)
                     for d in decisions.list_decisions(session, actor=people.admin, round_id=scored["round"]).decisions}
    assert published == {first: ("no_label", True), second: ("label", True)}

    at = click(at, "letters_make")
    [download] = at.get("download_button")
    assert "letters: 2, certificates: 1" in download.proto.label
    # The ZIP the button serves, read back: both letters and the label's certificate, readable PDFs.
    made_for, data, _letters, _certificates = at.session_state["decisions_letters"]
    assert made_for == scored["round"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert [n.split("-2")[0] for n in names] == ["quality-label-letter-stars-b-over-b-europe",
                                                   "quality-label-letter-rivers-of-europe",
                                                   "quality-label-certificate-rivers-of-europe"]
        certificate = pdf_text(archive.read(names[2]))
        assert "Rivers of Europe" in certificate
        assert all(len(PdfReader(io.BytesIO(archive.read(n))).pages) >= 1 for n in names)


def test_the_office_narrows_the_list_and_stages_the_clear_cut_ones_at_once(app_for, people, scored, ui_database):
    first, second = scored["applications"]
    at = no_exception(app_for(people.admin, page="decisions"))
    assert "Applications 1 to 2 of 2 shown below." in texts(at.caption)

    at.segmented_control(key="decisions_show").set_value("disagreement")
    at = no_exception(at.run())
    assert [e.label.split(":")[0] for e in at.expander] == [f"Application {first}"]
    at.segmented_control(key="decisions_show").set_value("all")
    at.text_input(key="decisions_find").set_value("RIVERS")
    at = no_exception(at.run())
    assert [e.label for e in at.expander] == [f"Application {second}: Rivers of Europe"]
    at.text_input(key="decisions_find").set_value("nothing like it")
    at = no_exception(at.run())
    assert not at.expander and "No application matches." in texts(at.info)

    # Only the second is clear-cut (all scores in, no disagreement): staged in one click.
    assert any("1 application has every juror's scores" in c for c in texts(at.caption))
    at = click(at, "stage_proposals")
    assert "1 proposal staged." in texts(at.success)
    with ui_database.begin() as session:
        staged = decisions.list_staged(session, actor=people.admin, round_id=scored["round"])
    assert [(d.application_id, d.outcome) for d in staged] == [(second, "label")]
    assert not [b for b in at.button if b.key == "stage_proposals"], "nothing clear-cut is left"
    assert list(at.dataframe[0].value["Decision"]) == ["", "Label awarded"]


def test_a_large_round_shows_its_boxes_a_page_at_a_time(app_for, people, ui_database):
    with ui_database.begin() as session:
        made = make_round(session, office=people.admin)
        for n in range(21):  # one over a page
            teacher = make_user(session, email=f"teacher{n}@example.org")
            apply(session, teacher=teacher, round_id=made.id,
                  project_id=make_project(session, owner=teacher, title=f"Project number {n}").id)
        close(session, made.id)
    at = no_exception(app_for(people.admin, page="decisions"))
    assert len(at.dataframe[0].value) == 21, "the table lists every application"
    assert len(at.expander) == 20 and "Applications 1 to 20 of 21 shown below." in texts(at.caption)

    at.number_input(key="decisions_page_number").set_value(2)
    at = no_exception(at.run())
    assert [e.label.split(": ")[1] for e in at.expander] == ["Project number 20"]
    assert "Applications 21 to 21 of 21 shown below." in texts(at.caption)

    # From the second page, a search that leaves one page shows it: "19" is an
    # application's number and words of another's title.
    at.text_input(key="decisions_find").set_value("19")
    at = no_exception(at.run())
    assert sorted(e.label.split(": ")[1] for e in at.expander) == ["Project number 18", "Project number 19"]
    assert "Applications 1 to 2 of 2 shown below." in texts(at.caption)


def test_a_consensus_note_and_unstaging(app_for, people, scored, ui_database):
    first = scored["applications"][0]
    at = no_exception(app_for(people.admin, page="decisions"))

    at.text_area[0].set_value("We agreed on 4 after a call.")
    at = submit(at, "Save the note", 0)
    assert "The consensus note is saved." in texts(at.success)
    with ui_database.begin() as session:
        [staged] = decisions.list_staged(session, actor=people.admin, round_id=scored["round"])
    assert (staged.application_id, staged.consensus_note) == (first, "We agreed on 4 after a call.")

    at = click(at, f"unstage_{first}")
    with ui_database.begin() as session:
        assert not decisions.list_staged(session, actor=people.admin, round_id=scored["round"])


# --- reliability ------------------------------------------------------------------------------

def test_reliability_shows_each_criterion_with_its_reading(app_for, people, scored):
    at = no_exception(app_for(people.admin, page="reliability"))

    alphas = at.dataframe[0].value
    readings = dict(zip(alphas["Criterion"], alphas["Reading"], strict=True))
    assert readings["Curricular integration"] == "reliable"
    assert readings["Collaboration between partner schools"] == "unreliable"
    jurors = at.dataframe[1].value
    assert sorted(jurors["Juror"]) == ["Ana Juror", "Second.Juror"]


def test_reliability_explains_an_undefined_alpha(app_for, people, applied):
    at = no_exception(app_for(people.admin, page="reliability", lang="fr"))

    alphas = at.dataframe[0].value
    assert set(alphas["Lecture"]) == {"impossible à calculer"}
    assert set(alphas["Explication"]) == {"Aucune candidature n'a encore de niveaux de deux jurés."}
    assert ("Seules les notes envoyées comptent. Alpha de Krippendorff (ordinal)\u00a0: fiable à partir de 0,800, "
            "à prendre avec prudence à partir de 0,667, peu fiable en dessous.") in texts(at.caption)


# --- European label -----------------------------------------------------------------------------

def test_the_office_records_a_partner_label(app_for, people, applied, ui_database):
    with ui_database.begin() as session:
        project_id = next(p.id for p in projects.list_projects(session, actor=people.admin) if p.title == TITLE)
    at = no_exception(app_for(people.admin, page="eql"))
    assert "Rule: at most 25% of the eligible projects (0 of 0)" in " ".join(texts(at.caption))

    at.selectbox(key="eql_project").set_value(project_id)
    at.selectbox(key="eql_country").set_value("IT")
    at = submit(at, "Record the label")

    assert "The national label in Italy is recorded." in texts(at.success)
    with ui_database.begin() as session:
        assert eql.partner_labels(session, actor=people.admin, project_id=project_id) == ["IT"]


def test_the_office_removes_a_partner_label_recorded_by_mistake(app_for, people, applied, ui_database):
    with ui_database.begin() as session:
        project_id = next(p.id for p in projects.list_projects(session, actor=people.admin) if p.title == TITLE)
        eql.record_partner_label(session, actor=people.admin, project_id=project_id, country="IT")
    at = no_exception(app_for(people.admin, page="eql"))
    at.selectbox(key="eql_remove_pick").set_value((project_id, "IT"))
    at = submit(at, "Remove the label")

    assert "The national label in Italy is removed." in texts(at.success)
    with ui_database.begin() as session:
        assert eql.partner_labels(session, actor=people.admin, project_id=project_id) == []


# --- in the office's language, by title (issue 12 "What was seen" 4, issue 13) ----------------

def all_text(at) -> str:
    parts = [*texts(at.markdown), *texts(at.caption), *texts(at.warning), *texts(at.info), *texts(at.success)]
    parts += [e.label for e in at.expander]
    for frame in at.dataframe:
        value = frame.value
        parts += [str(c) for c in value.columns] + [str(v) for v in value.to_numpy().ravel()]
    return "\n".join(parts)


def test_a_french_office_reads_the_jurors_as_jure_a_and_b(app_for, people, scored):
    at = no_exception(app_for(people.admin, page="decisions", lang="fr"))
    shown = all_text(at)
    assert "Juré A" in shown and "Juré B" in shown
    assert "Juror A" not in shown and "Juror B" not in shown


def test_a_french_office_reads_why_an_application_lacks_jurors_in_french(app_for, people, applied, ui_database):
    with ui_database.begin() as session:
        rounds.update_round(session, actor=people.admin, round_id=applied["round"], per_application=3)
    at = no_exception(app_for(people.admin, page="rounds", lang="fr"))
    at = click(at, "rn_auto")
    shortages = texts(at.warning)
    assert len(shortages) == 2
    assert all("Il manque 1 juré à" in w and "sans conflit d'intérêts" in w for w in shortages)
    assert not any("lacks" in w or "juré(s)" in w for w in shortages)


def test_the_conflicts_tab_names_the_project_and_the_kind_in_words(app_for, people, applied, ui_database):
    first = applied["applications"][0]
    with ui_database.begin() as session:
        jury.declare_conflict(session, actor=people.admin, juror_id=people.juror.id, application_id=first,
                              note="knows the school")
    at = no_exception(app_for(people.admin, page="rounds"))
    table = next(f.value for f in at.dataframe if "Project" in f.value.columns and "Kind" in f.value.columns)
    assert list(table["Project"]) == ["Stars <b>over</b> *Europe*"]
    assert list(table["Kind"]) == ["Set by the national office"]  # words, not the stored key "office"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_taking_off_a_juror_with_scores_tells_the_office_to_tick_the_box_of_the_form(app_for, people, scored,
                                                                                     ui_database, lang):
    at = no_exception(app_for(people.admin, page="rounds", lang=lang))
    first = scored["applications"][0]
    application, juror = [s for s in at.selectbox if s.form_id == "rn_manual"]
    application.set_value(first)
    juror.set_value(people.juror.id)
    take_off = t("rounds_page.unassign", lang)
    at = submit(at, take_off)

    box = t("rounds_page.force", lang)
    [refusal] = texts(at.error)
    if lang == "en":
        assert refusal == (f'This juror has already saved 6 scores on the application. To take them off all the same, '
                           f'tick "{box}" and press "{take_off}" again: their scores are deleted too.')
    assert box in refusal and take_off in refusal and "--" not in refusal
    with ui_database.begin() as session:
        assert session.scalar(select(Assignment).where(Assignment.application_id == first,
                                                       Assignment.juror_id == people.juror.id)) is not None

    [tick] = [c for c in at.checkbox if c.label == box]
    tick.check()
    at = submit(at, take_off)
    assert not at.error
    with ui_database.begin() as session:
        assert session.scalar(select(Assignment).where(Assignment.application_id == first,
                                                       Assignment.juror_id == people.juror.id)) is None


@pytest.mark.parametrize(("lang", "percent"), [("en", r"\(\d+%\)"), ("fr", "\\(\\d+\u00a0%\\)"), ("de", "\\(\\d+\u00a0%\\)")])
def test_the_decision_s_total_writes_its_percentage_as_the_language_does(app_for, people, scored, lang, percent):
    at = no_exception(app_for(people.admin, page="decisions", lang=lang))
    head = {"en": "Total from the aggregates:", "fr": "Total d'après les agrégats\u00a0:",
            "de": "Summe der zusammengeführten Werte:"}[lang]
    totals = [m.value for m in at.markdown if m.value.startswith(head)]
    assert len(totals) == 2 and all(re.search(percent, total) for total in totals), totals

