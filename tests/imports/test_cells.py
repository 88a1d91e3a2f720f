"""Cells read as teachers' forms write them (issue 11, findings 3 and 8): answers given as
emoji faces through a mapping file, bilingual answer labels, "Other:" words typed into a
choice question and comments over the limit. A bad cell costs that cell, never the
response, and the report says which cell, by row and column."""

from __future__ import annotations

import pytest

from assess.domain import imports
from assess.domain.content import ContentError
from assess.domain.imports import ImportedRow, MappingFile, Skipped, SkippedRow, normalise
from assess.services import questionnaires
from assess.services.survey_imports import run_import
from tests.imports.helpers import SAMPLES, families, sample

YOUNG_MAPPING = SAMPLES / "google-pupils-young-emoji-mapping.yaml"
YOUNG_ITEMS = ["liked-making-together", "said-hello", "know-where-friends-live", "learned-new-things", "used-tablet",
               "photo-with-grown-up", "showed-family", "do-it-again"]


def young():
    return questionnaires.installed().get("pupils-young")


def read(name: str, questionnaire, mapping=None):
    table = imports.read_table(file_name=name, data=sample(name))
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format=imports.format_of(table),
                                mapping=mapping)
    return list(imports.read_rows(table, plan, questionnaire=questionnaire, mapping=mapping))


def answers(rows) -> dict[int, dict]:
    return {r.row: {k: a.to_raw() for k, a in r.answers.items()} for r in rows if isinstance(r, ImportedRow)}


# --- emoji and symbols ------------------------------------------------------------------


def test_normalising_keeps_emoji_and_symbols_apart_and_words_as_before():
    faces = [normalise(face) for face in ["😀", "🙂", "😐", "🙁", "😞"]]
    assert len(set(faces)) == 5 and all(faces)
    assert normalise("🙂\ufe0f") == normalise("🙂")  # emoji presentation selector
    assert normalise("👍🏽") == normalise("👍")  # skin tone
    assert normalise("★★★") != normalise("★★")
    assert normalise("Tout à fait d’accord !") == "tout a fait d accord"
    assert normalise("😐 Neutral") == "😐 neutral"


def test_emoji_faces_are_read_through_the_mapping_file():
    mapping = imports.load_mapping_file(YOUNG_MAPPING, questionnaire=young())
    rows = read("google-pupils-young-emoji.csv", young(), mapping)
    assert not [r for r in rows if isinstance(r, SkippedRow)]
    got = answers(rows)
    assert [got[2][item] for item in YOUNG_ITEMS] == [5, 4, 3, 2, 1, 5, 4, "dont_know"]
    assert [got[3][item] for item in YOUNG_ITEMS] == [4, 4, 5, 5, 3, 1, 2, 5]
    assert got[4]["know-where-friends-live"] == "dont_know"
    assert got[2]["liked-most"] == "The robot we built"


def test_without_the_mapping_the_faces_are_refused_not_read_as_dont_know():
    rows = read("google-pupils-young-emoji.csv", young())
    assert all(isinstance(r, SkippedRow) for r in rows)
    assert rows[0].problems[0] == Skipped(2, "B", "imports.skip.agreement", {"value": "😀"}, young().items[0].text.get("en"))


def test_mapping_keys_that_collide_once_normalised_are_refused_with_file_and_line():
    text = 'answers:\n  "😀": 5\n  "Yes": 4\n  "yes ": 1\n  "YES": 4\n'
    with pytest.raises(ContentError) as refused:
        imports.parse_mapping(text, file="faces.yaml", questionnaire=young())
    problems = [str(p) for p in refused.value.problems]
    assert len(problems) == 1 and problems[0].startswith("faces.yaml:4: ")
    assert "'yes' reads the same as 'Yes'" in problems[0]


def test_mapping_keys_of_punctuation_alone_and_colliding_columns_are_refused():
    text = 'columns:\n  "Q1": liked-most\n  "q1": do-it-again\nanswers:\n  "?!": 5\n'
    with pytest.raises(ContentError) as refused:
        imports.parse_mapping(text, file="m.yaml", questionnaire=young())
    problems = [str(p) for p in refused.value.problems]
    assert [p.split(": ")[0] for p in problems] == ["m.yaml:3", "m.yaml:5"]


# --- one bad cell costs that cell -----------------------------------------------------------


def test_bilingual_labels_are_read_by_either_half():
    rows = read("google-families-bilingual.csv", families())
    assert not [r for r in rows if isinstance(r, SkippedRow)]
    got = answers(rows)
    assert [got[2][i] for i in ("child-talked", "learned-other-countries", "showed-work", "project-visible",
                                "family-took-part", "privacy-respected", "more-curious", "heard-about")] == [
        5, 4, 4, 2, "dont_know", 4, 5, ["child"]]
    assert got[3]["heard-about"] == ["other"] and got[3]["showed-work"] == 3


def test_halves_that_disagree_are_refused():
    data = b'"Timestamp","My child talked about the project at home."\r\n"2026/05/12","Agree / Disagree"\r\n'
    table = imports.read_table(file_name="x.csv", data=data)
    plan = imports.plan_columns(table.headers, questionnaire=families(), file_format="google")
    rows = list(imports.read_rows(table, plan, questionnaire=families()))
    assert rows[0].problems[0].key == "imports.skip.agreement"


def test_other_words_go_to_the_comment_and_a_long_comment_is_cut_with_a_note():
    rows = read("google-families-other-long.csv", families())
    assert all(isinstance(r, ImportedRow) for r in rows)
    got = answers(rows)
    assert "heard-about" not in got[2] and got[2]["comment"] == "my neighbour, who teaches there"
    assert got[2]["child-talked"] == 5
    assert len(got[3]["comment"]) <= 2000 and got[3]["comment"].startswith("We loved the project.")
    assert got[4]["comment"] == "Thank you to the teachers\nthe town newspaper"
    notes = [(n.row, n.column, n.key) for r in rows for n in r.notes]
    assert notes == [(2, "I", "imports.note.other_kept"), (3, "J", "imports.note.cut"), (4, "I", "imports.note.other_kept")]


def test_other_words_without_a_comment_question_are_noted_and_dropped():
    questionnaire = families()
    without_comment = questionnaire.model_copy(update={"items": [i for i in questionnaire.items if i.id != "comment"]})
    rows = read("google-families-other-long.csv", without_comment)
    assert answers(rows)[2]["child-talked"] == 5
    assert [(n.row, n.key, n.params["value"]) for n in rows[0].notes] == [
        (2, "imports.note.other_dropped", "my neighbour, who teaches there")]


# --- through the service, on both databases ---------------------------------------------------


def test_the_import_report_lists_noted_cells_by_row_and_column(session, teacher, project):
    report = run_import(session, actor=teacher, project_id=project.id, audience="families",
                        file_name="google-families-other-long.csv", data=sample("google-families-other-long.csv"))
    session.commit()
    assert (report.rows_imported, report.rows_skipped) == (3, 0)
    assert report.note_messages("en")[0] == (
        "row 2, column I: the \"Other\" answer 'my neighbour, who teaches there' is kept in the comment")
    assert report.note_messages("fr")[1].startswith("ligne 3, colonne J\u00a0: un texte de 2419 caractères, coupé aux 2000")
    bilingual = run_import(session, actor=teacher, project_id=project.id, audience="families",
                           file_name="google-families-bilingual.csv", data=sample("google-families-bilingual.csv"))
    assert (bilingual.rows_imported, bilingual.rows_skipped, bilingual.notes) == (2, 0, ())


def test_a_mapping_file_with_colliding_faces_stores_nothing(session, teacher, project):
    from assess.services.survey_imports import MappingError

    bad = MappingFile(name="faces.yaml", text='answers:\n  "🙂": 4\n  "🙂\ufe0f": 1\n')
    with pytest.raises(MappingError) as refused:
        run_import(session, actor=teacher, project_id=project.id, audience="families",
                   file_name="google-families-bilingual.csv", data=sample("google-families-bilingual.csv"), mapping=bad)
    assert "faces.yaml:3" in str(refused.value.problems[0])


def test_other_words_in_a_checkbox_answer_keep_the_options_ticked():
    from tests.imports.helpers import pupils

    questionnaire = pupils()
    activities = next(i for i in questionnaire.items if i.id == "activities")
    comment = [i for i in questionnaire.items if i.type.value == "text"][-1]
    data = (f'"Timestamp","{activities.text.get("en")}"\r\n'
            '"2026/05/12","Video calls with partners, Forum or chat, Other: a museum visit, online"\r\n').encode()
    table = imports.read_table(file_name="x.csv", data=data)
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire, file_format="google")
    [row] = imports.read_rows(table, plan, questionnaire=questionnaire)
    assert row.answers["activities"].to_raw() == ["video-calls", "forum-chat"]
    assert row.answers[comment.id].to_raw() == "a museum visit, online"
    assert [(n.column, n.key) for n in row.notes] == [("B", "imports.note.other_kept")]
