"""Which column is which question, in exports as the tools really write them (issue 11,
finding 2): LimeSurvey with question codes or full texts as headings (a column per option
of a multiple-choice question, Y/empty, Yes/No, Oui/Non, N/A), Google Forms grids,
checkboxes and quiz scores, Microsoft Forms Likert columns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from assess.domain import imports
from assess.domain.imports import ImportedRow, MappingFile, SkippedRow
from assess.services.survey_imports import run_import
from assess.storage.models import SurveyAnswer, SurveyResponse
from tests.imports.helpers import MSFORMS_HEADERS_EN, SAMPLES, pupils, sample, xlsx

CODES_MAPPING = SAMPLES / "limesurvey-pupils-codes-mapping.yaml"


def read(name: str, data: bytes | None = None, *, mapping=None):
    questionnaire = pupils()
    if mapping is not None:
        mapping = imports.parse_mapping(mapping.read_bytes(), file=str(mapping), questionnaire=questionnaire)
    table = imports.read_table(file_name=name, data=sample(name) if data is None else data)
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format=imports.format_of(table),
                                mapping=mapping)
    return plan, list(imports.read_rows(table, plan, questionnaire=questionnaire, mapping=mapping))


def answers(rows) -> dict[int, dict]:
    return {r.row: {k: list(a.choices or ()) or a.score or a.text or ("dont_know" if a.dont_know else None)
                    for k, a in r.answers.items()} for r in rows if isinstance(r, ImportedRow)}


def skipped(rows) -> dict[int, list[tuple[str, str]]]:
    return {r.row: [(p.column, p.key) for p in r.problems] for r in rows if isinstance(r, SkippedRow)}


def test_limesurvey_full_text_headings_read_a_column_per_option_oui_non_and_n_a():
    plan, rows = read("limesurvey-pupils-texts-fr.csv")
    assert plan.file_format == "limesurvey"
    by_option = {c.header.rsplit("[", 1)[1].rstrip("]"): c.target for c in plan.matched if c.option_id}
    assert by_option == {
        "Visioconférences avec les partenaires": "activities:video-calls",
        "Écriture de documents partagés": "activities:shared-documents",
        "Forum ou chat": "activities:forum-chat",
        "Réalisation d'une production commune (livre, vidéo, pièce de théâtre…)": "activities:joint-product",
        "Échange de lettres ou de vidéos": "activities:letters-videos",
        "Jeux ou quiz": "activities:games-quizzes",
    }
    # Array rows go to the item of their statement; the "[Autre]" text column is reported, not guessed.
    assert {c.item_id for c in plan.matched if not c.option_id} == {
        "learned-new-things", "international-team", "do-it-again", "how-often", "comment"}
    assert plan.unmatched == ("À quelles activités as-tu participé ? Coche toutes les réponses qui conviennent. [Autre]",)
    got = answers(rows)
    assert got[2] == {"learned-new-things": 5, "international-team": 4, "do-it-again": 2, "how-often": ["weekly"], "activities": ["video-calls", "forum-chat", "games-quizzes"],
                      "comment": "Super projet, merci !"}
    assert got[3]["activities"] == ["shared-documents", "letters-videos"]
    # Row 5 was sent; its activities were never shown (N/A): the rest is kept, nothing refused.
    assert got[5]["learned-new-things"] == 1 and "activities" not in got[5]
    # Row 4 was never sent (no submission date): skipped by the rule of docs/surveys.md.
    assert skipped(rows) == {4: [("B", "imports.skip.not_submitted")]}


def test_limesurvey_english_full_texts_with_yes_and_no():
    plan, rows = read("limesurvey-pupils-texts-en.csv")
    assert plan.unmatched == ()
    got = answers(rows)
    assert got[2]["activities"] == ["video-calls", "forum-chat"]
    assert got[3]["activities"] == ["games-quizzes"]
    assert got[2]["learned-new-things"] == 5 and got[3]["do-it-again"] == 4
    assert skipped(rows) == {}


def test_limesurvey_question_codes_a_mapped_question_gives_its_subquestion_columns_their_options():
    plan, rows = read("limesurvey-pupils-codes.csv", mapping=CODES_MAPPING)
    assert [c.target for c in plan.matched if c.option_id] == [
        "activities:video-calls", "activities:shared-documents", "activities:forum-chat", "activities:joint-product",
        "activities:letters-videos", "activities:games-quizzes"]
    assert plan.unmatched == () and plan.ignored == ("G2Q2[other]",)
    got = answers(rows)
    assert got[2]["activities"] == ["video-calls", "forum-chat", "games-quizzes"]
    assert got[2]["learned-new-things"] == 5 and got[2]["comment"] == "Bravo"
    assert got[4] == {"learned-new-things": 3, "international-team": 3, "do-it-again": 3, "how-often": ["never"]}
    assert skipped(rows) == {3: [("B", "imports.skip.not_submitted")]}


def test_limesurvey_question_code_and_text_headings():
    q = pupils()
    activities = q.item("activities")
    header = ["id", "submitdate", "lastpage", "startlanguage", f"G1Q1[SQ001]. What you did [{q.item('do-it-again').text.get('en')}]",
              f"G2Q1. {q.item('how-often').text.get('en')}"]
    header += [f"G2Q2[SQ00{n}]. {activities.text.get('en')} [{o.text.get('en')}]" for n, o in enumerate(activities.options, 1)]
    lines = [",".join(f'"{h}"' for h in header),
             '"1","2025-05-28 09:12:00","3","en","Agree","Never","Yes","No","No","No","No","Yes"']
    plan, rows = read("codes-and-texts.csv", ("\ufeff" + "\n".join(lines) + "\n").encode())
    assert plan.unmatched == ()
    assert answers(rows) == {2: {"do-it-again": 4, "how-often": ["never"], "activities": ["video-calls", "games-quizzes"]}}


def test_limesurvey_n_a_is_not_answered_even_where_a_mapping_names_the_columns(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text('columns:\n  "Q5[SQ001]": activities:video-calls\n  "Q5[SQ002]": activities:forum-chat\n'
                       "  Q1: learned-new-things\n  Q2: do-it-again\n  Q3: how-often\n")
    header = '"id","submitdate","lastpage","startlanguage","Q1","Q2","Q3","Q5[SQ001]","Q5[SQ002]"\n'
    data = ("\ufeff" + header + '"1","2025-05-28 09:12:00","2","fr","AO04","N/A","N/A","N/A","Y"\n').encode()
    _plan, rows = read("codes.csv", data, mapping=mapping)
    # Not refused, and not "I don't know" either: the question was never shown.
    assert answers(rows) == {2: {"learned-new-things": 4, "activities": ["forum-chat"]}}


def test_google_grid_checkboxes_joined_with_commas_and_quiz_score_ignored():
    plan, rows = read("google-pupils-quiz-en.csv")
    assert plan.file_format == "google"
    assert plan.unmatched == () and plan.ignored == ("Score",)
    assert [c.item_id for c in plan.matched] == ["learned-new-things", "international-team", "do-it-again",
                                                 "how-often", "activities", "comment"]
    got = answers(rows)
    assert got[2]["activities"] == ["video-calls", "joint-product", "games-quizzes"]
    assert got[2]["learned-new-things"] == 5 and got[3]["activities"] == ["forum-chat"]
    assert skipped(rows) == {}


def test_microsoft_forms_likert_columns_are_matched_statement_by_statement():
    q = pupils()
    likert = "How much do you agree with these sentences?"
    statements = [q.item("learned-new-things").text.get("en"), q.item("international-team").text.get("en")]
    done = datetime(2025, 5, 28, 9, 41)  # noqa: DTZ001 - a workbook cell holds the form's local time, no zone
    data = xlsx([
        MSFORMS_HEADERS_EN + ["Total points", "Quiz feedback"] + [f"{likert}.{s}" for s in statements],
        [1, done, done, "anonymous", None, done, 0, None, "Strongly agree", "Disagree"],
    ])
    plan, rows = read("Pupils.xlsx", data)
    assert plan.file_format == "msforms"
    assert [c.item_id for c in plan.matched] == ["learned-new-things", "international-team"]
    assert plan.unmatched == () and plan.ignored == ("Total points", "Quiz feedback")
    assert answers(rows) == {2: {"learned-new-things": 5, "international-team": 2}}


def test_the_service_stores_each_ticked_option_on_both_databases(session, teacher, project):
    def run(name, **options):
        return run_import(session, actor=teacher, project_id=project.id, audience="pupils", file_name=name,
                          data=sample(name), **options)

    texts = run("limesurvey-pupils-texts-fr.csv")
    assert (texts.rows_imported, texts.rows_skipped) == (3, 1)
    assert [(s.row, s.key) for s in texts.skipped] == [(4, "imports.skip.not_submitted")]
    codes = run("limesurvey-pupils-codes.csv",
                mapping=MappingFile(name=str(CODES_MAPPING), text=CODES_MAPPING.read_bytes()))
    assert (codes.rows_imported, codes.rows_skipped) == (2, 1)
    google = run("google-pupils-quiz-en.csv")
    assert (google.rows_imported, google.rows_skipped, google.unmatched_columns) == (2, 0, ())
    session.commit()
    stored = session.execute(
        select(SurveyResponse.source, SurveyResponse.submitted_month, SurveyAnswer.choices)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyAnswer.item_id == "activities").order_by(SurveyResponse.id)
    ).all()
    assert [(source, sorted(choices)) for source, _day, choices in stored] == [
        ("limesurvey", ["forum-chat", "games-quizzes", "video-calls"]),
        ("limesurvey", ["letters-videos", "shared-documents"]),
        ("limesurvey", ["forum-chat", "games-quizzes", "video-calls"]),
        ("google", ["games-quizzes", "joint-product", "video-calls"]),
        ("google", ["forum-chat"]),
    ]
    assert stored[0][1] == date(2025, 5, 1)
