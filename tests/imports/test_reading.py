"""Reading exports (pure, no database): formats, columns, cells, rows, mapping files."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from assess.domain import imports
from assess.domain.content import ContentError
from assess.domain.imports import ImportedRow, ImportFileError, Skipped, SkippedRow
from assess.i18n import t
from tests.imports.helpers import (
    FAMILIES_EN,
    MSFORMS_HEADERS_EN,
    families,
    msforms_families,
    pupils,
    sample,
    xlsx,
)

FAMILY_ITEMS = ["child-talked", "learned-other-countries", "showed-work", "project-visible", "family-took-part",
                "privacy-respected", "more-curious", "heard-about", "comment"]


def read(data: bytes, *, name: str = "export.csv", questionnaire=None, mapping=None, file_format: str | None = None):
    questionnaire = questionnaire or families()
    table = imports.read_table(file_name=name, data=data)
    plan = imports.plan_columns(table.headers, questionnaire=questionnaire,
                                file_format=file_format or imports.format_of(table), mapping=mapping)
    return plan, list(imports.read_rows(table, plan, questionnaire=questionnaire, mapping=mapping))


def raw(rows) -> dict[int, dict]:
    return {r.row: {k: a.to_raw() for k, a in r.answers.items()} for r in rows if isinstance(r, ImportedRow)}


def problems(rows) -> list[Skipped]:
    return [p for r in rows if isinstance(r, SkippedRow) for p in r.problems]


def csv_bytes(headers: list[str], *rows: list[str], delimiter: str = ",") -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def google(headers: list[str], *rows: list[str]) -> bytes:
    return csv_bytes(["Timestamp", *headers], *(["2025/10/03 9:41:12 AM GMT+2", *row] for row in rows))


# --- formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("google-families-en.csv", sample("google-families-en.csv"), "google"),
        ("google-families-fr.csv", sample("google-families-fr.csv"), "google"),
        ("limesurvey-families.csv", sample("limesurvey-families.csv"), "limesurvey"),
        ("Families.xlsx", msforms_families(), "msforms"),
        ("Familles.xlsx", msforms_families(french=True), "msforms"),
        # LimeSurvey's full-text headings, and its XLSX export.
        ("results.csv", b"Response ID,Date submitted,Last page,Start language,Seed,Q1\n1,,1,en,5,A1\n", "limesurvey"),
        ("results.xlsx", xlsx([["id", "submitdate", "lastpage", "startlanguage", "Q1"], [1, None, 1, "fr", "A2"]]),
         "limesurvey"),
        # A Google sheet downloaded as a workbook: recognised by content, not by extension.
        ("responses.xlsx", xlsx([["Horodateur", FAMILIES_EN[0]], ["03/10/2025 09:41:12", "D'accord"]]), "google"),
    ],
)
def test_the_format_is_recognised_by_content(name, data, expected):
    assert imports.detect_format(file_name=name, data=data) == expected


def test_an_unknown_file_names_what_was_expected():
    with pytest.raises(ImportFileError) as caught:
        imports.detect_format(file_name="/tmp/class list.csv", data=b"Pupil,Age\nJeanne,9\n")
    assert caught.value.key == "imports.errors.unknown_format"
    message = t(caught.value.key, "en", **caught.value.params)
    for expected in ("class list.csv", "'Pupil'", "Timestamp", "Horodateur", "Start time", "submitdate"):
        assert expected in message
    assert "/tmp" not in message


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "imports.errors.empty"),
        (b"\n\n  \n", "imports.errors.empty"),
        (b"PK\x03\x04 this is not a workbook", "imports.errors.unreadable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "imports.errors.unreadable"),
        (b"Timestamp,Q\n\x00\x00,1\n", "imports.errors.unreadable"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, key):
    with pytest.raises(ImportFileError) as caught:
        imports.read_table(file_name="export.csv", data=data)
    assert caught.value.key == key
    assert t(key, "fr", **caught.value.params) != key


def test_csv_in_windows_1252_with_commas_reads_like_utf8_with_semicolons():
    utf8 = sample("google-families-fr.csv")
    text = utf8.decode("utf-8-sig")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    with_commas = io.StringIO()
    csv.writer(with_commas).writerows(rows)
    cp1252 = with_commas.getvalue().encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    assert raw(read(cp1252)[1]) == raw(read(utf8)[1])
    tabbed = io.StringIO()
    csv.writer(tabbed, delimiter="\t").writerows(rows)
    assert raw(read(tabbed.getvalue().encode("utf-16"))[1]) == raw(read(utf8)[1])


# --- columns ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["google-families-en.csv", "google-families-fr.csv"])
def test_questions_are_matched_by_their_english_or_french_text(name):
    plan, _rows = read(sample(name))
    assert list(plan.matched_columns.values()) == FAMILY_ITEMS
    assert plan.identifying in (("Timestamp", "Email Address"), ("Horodateur", "Adresse e-mail"))


def test_matching_ignores_case_accents_punctuation_spaces_numbering_and_grid_titles():
    headers = [
        "  MY CHILD TALKED ABOUT THE PROJECT AT HOME ",  # case, spaces, no final stop
        "Mon enfant a decouvert d’autres pays et la facon dont on y vit",  # no accents, curly apostrophe
        "3. My child showed me things they made in the project.",  # numbered
        "How much do you agree? [The project made my child more curious about the world.]",  # Google grid row
        "Comment avez-vous entendu parler du projet pour la premiere fois ? [Réponse]",  # title with a bracket
        "Sondage familles.L'école a permis aux familles de voir le projet (exposition, spectacle, site internet ou TwinSpace).",
        "privacy-respected",  # the item id itself
        "Which class is your child in?",
    ]
    plan, _rows = read(google(headers))
    # Headers are read with their spaces collapsed, as a spreadsheet shows them.
    assert plan.matched_columns == {
        "MY CHILD TALKED ABOUT THE PROJECT AT HOME": "child-talked", headers[1]: "learned-other-countries", headers[2]: "showed-work",
        headers[3]: "more-curious", headers[4]: "heard-about", headers[5]: "project-visible",
        headers[6]: "privacy-respected",
    }
    assert plan.unmatched == ("Which class is your child in?",)


def test_unmatched_columns_are_listed_and_not_read():
    plan, rows = read(sample("google-families-en.csv"))
    assert plan.unmatched == ("Which class is your child in?",)
    assert all("CM1" not in str(r) for r in rows)


@pytest.mark.parametrize(
    "header",
    ["Email Address", "Adresse e-mail", "Email", "Name", "Nom", "ID", "Start time", "Completion time",
     "Heure de début", "Heure de fin", "Adresse de messagerie", "Last modified time",
     "Heure de la dernière modification", "token", "ipaddr", "IP address", "refurl", "seed", "submitdate",
     "startlanguage", "lastpage", "startdate", "datestamp", "Your name", "Prénom"],
)
def test_identifying_columns_are_dropped_even_when_a_mapping_names_them(header):
    mapping = imports.parse_mapping(f'columns:\n  "{header}": comment\n', questionnaire=families())
    plan, rows = read(google([header, FAMILIES_EN[0]], ["someone@example.org", "Agree"]), mapping=mapping)
    assert header in plan.identifying
    assert plan.matched_columns == {FAMILIES_EN[0]: "child-talked"}
    assert raw(rows) == {2: {"child-talked": 4}}


# --- cells ------------------------------------------------------------------------------

AGREEMENT = [
    ("Strongly agree", 5), ("Tout à fait d'accord", 5), ("tout a fait d’accord", 5), ("Agree", 4), ("D'accord", 4),
    ("Plutôt d'accord", 4), ("Neutral", 3), ("Neither agree nor disagree", 3), ("Ni d'accord ni pas d'accord", 3),
    ("Disagree", 2), ("Pas d'accord", 2), ("Strongly disagree", 1), ("Pas du tout d'accord", 1),
    ("I don't know", "dont_know"), ("Je ne sais pas", "dont_know"), ("Not applicable", "dont_know"),
    ("Sans objet", "dont_know"), ("1", 1), ("5", 5), (" 3 ", 3), ("4.0", 4), ("A1", 1), ("A5", 5), ("AO02", 2),
    ("AO05", 5),
]


@pytest.mark.parametrize(("cell", "expected"), AGREEMENT)
def test_agreement_cells_in_words_numbers_and_codes(cell, expected):
    _plan, rows = read(google([FAMILIES_EN[0]], [cell]))
    assert raw(rows) == {2: {"child-talked": expected}}


@pytest.mark.parametrize(
    ("cell", "key"),
    [("7", "imports.skip.out_of_scale"), ("0", "imports.skip.out_of_scale"), ("A6", "imports.skip.out_of_scale"),
     ("Maybe", "imports.skip.agreement"), ("Peut-être", "imports.skip.agreement"), ("4.5", "imports.skip.agreement")],
)
def test_cells_off_the_scale_skip_the_row_with_the_cell_and_reason(cell, key):
    _plan, rows = read(google([FAMILIES_EN[1], FAMILIES_EN[0]], ["Agree", cell]))
    assert problems(rows) == [Skipped(2, "C", key, {"value": cell}, FAMILIES_EN[0])]
    assert cell in t(key, "en", value=cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("From my child", "child"), ("Par mon enfant", "child"), ("FROM MY CHILD", "child"),
     ("The school website, the TwinSpace or social media", "website"), ("school-message", "school-message"),
     ("A2", "school-message"), ("AO06", "other")],
)
def test_single_choice_by_option_text_in_either_language_id_or_code(cell, expected):
    _plan, rows = read(google([FAMILIES_EN[7]], [cell]))
    assert raw(rows) == {2: {"heard-about": [expected]}}


ACTIVITIES = "Which activities did you take part in? Tick all that apply."


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Video calls with partners;Games or quizzes", ["video-calls", "games-quizzes"]),
        ("Video calls with partners, Games or quizzes", ["video-calls", "games-quizzes"]),
        # Option texts with commas inside are recognised whole.
        ("Making a joint product (book, video, play...), Forum or chat", ["forum-chat", "joint-product"]),
        ("Forum or chat, Making a joint product (book, video, play...)", ["forum-chat", "joint-product"]),
        ("Réalisation d'une production commune (livre, vidéo, pièce de théâtre…);Jeux ou quiz", ["joint-product", "games-quizzes"]),
        ("video-calls; A6", ["video-calls", "games-quizzes"]),
    ],
)
def test_multiple_choice_cells(cell, expected):
    _plan, rows = read(google([ACTIVITIES], [cell]), questionnaire=pupils())
    assert raw(rows) == {2: {"activities": expected}}


def test_an_unknown_option_among_several_is_quoted():
    _plan, rows = read(google([ACTIVITIES], ["Video calls with partners, Baking cakes"]), questionnaire=pupils())
    assert problems(rows) == [Skipped(2, "B", "imports.skip.option", {"value": "Baking cakes"}, ACTIVITIES)]


def test_free_text_is_kept_as_written():
    text = "Super projet ; merci, vraiment !\nÀ refaire."
    _plan, rows = read(google([FAMILIES_EN[8]], [text]))
    assert raw(rows) == {2: {"comment": text}}


def test_a_column_per_option_through_the_mapping():
    mapping = imports.parse_mapping(textwrap.dedent("""\
        columns:
          "Q17[SQ001]": activities:video-calls
          "Q17[SQ002]": activities:forum-chat
          "Q17[SQ003]": activities:games-quizzes
        """), questionnaire=pupils())
    data = csv_bytes(["id", "submitdate", "lastpage", "startlanguage", "Q17[SQ001]", "Q17[SQ002]", "Q17[SQ003]"],
                     ["1", "2025-10-03 10:00:00", "1", "en", "Y", "", "Y"],
                     ["2", "2025-10-03 11:00:00", "1", "fr", "N", "Oui", ""],
                     ["3", "2025-10-03 12:00:00", "1", "fr", "Perhaps", "", ""])
    plan, rows = read(data, questionnaire=pupils(), mapping=mapping)
    assert plan.matched_columns["Q17[SQ002]"] == "activities:forum-chat"
    assert raw(rows) == {2: {"activities": ["video-calls", "games-quizzes"]}, 3: {"activities": ["forum-chat"]}}
    assert problems(rows) == [Skipped(4, "E", "imports.skip.checkbox", {"value": "Perhaps"}, "Q17[SQ001]")]


def test_a_bilingual_form_fills_one_item_from_either_column_but_not_two_different_answers():
    data = google([FAMILIES_EN[0], "Mon enfant a parlé du projet à la maison."],
                  ["Agree", ""], ["", "Tout à fait d'accord"], ["Agree", "D'accord"], ["Agree", "Pas d'accord"])
    _plan, rows = read(data)
    assert raw(rows) == {2: {"child-talked": 4}, 3: {"child-talked": 5}, 4: {"child-talked": 4}}
    assert problems(rows) == [Skipped(5, "C", "imports.skip.conflict", {"other": "B"},
                                      "Mon enfant a parlé du projet à la maison.")]


# --- rows -------------------------------------------------------------------------------


def test_rows_are_numbered_as_in_the_file_and_every_problem_is_reported():
    _plan, rows = read(sample("limesurvey-families.csv"),
                       mapping=imports.load_mapping_file(
                           "tests/imports/samples/limesurvey-families-mapping.yaml", questionnaire=families()))
    assert sorted(raw(rows)) == [2, 3]
    assert problems(rows) == [
        Skipped(4, "J", "imports.skip.agreement", {"value": "Z9"}, "Q2"),
        Skipped(5, "", "imports.skip.empty", {}, ""),
        Skipped(6, "K", "imports.skip.out_of_scale", {"value": "7"}, "Q3"),
        Skipped(6, "P", "imports.skip.option", {"value": "A9"}, "Q8"),
    ]


def test_row_numbers_count_records_not_lines_of_multi_line_cells():
    data = google([FAMILIES_EN[8], FAMILIES_EN[0]], ["line one\nline two\nline three", "Agree"], ["", "Maybe"])
    _plan, rows = read(data)
    assert [p.row for p in problems(rows)] == [3]


def test_a_row_with_no_answer_and_a_blank_row_are_skipped_with_their_reason():
    data = google([FAMILIES_EN[0], "Which class is your child in?"], ["", "CM1"]) + b",,\n"
    _plan, rows = read(data + google([FAMILIES_EN[0]], ["Agree"]).split(b"\n", 1)[1])
    assert [(p.row, p.key) for p in problems(rows)] == [(2, "imports.skip.no_answer"), (3, "imports.skip.empty")]
    assert sorted(raw(rows)) == [4]


def test_trailing_blank_rows_of_a_workbook_are_not_rows():
    data = xlsx([["Timestamp", FAMILIES_EN[0]], ["2025-10-03", "Agree"], [None, None], [None, None]])
    _plan, rows = read(data, name="export.xlsx")
    assert len(rows) == 1


def test_the_answers_are_checked_like_the_answering_page():
    # A comment past the limit costs its end, not the response (tests/imports/test_cells.py).
    long_comment = "x" * 2001
    _plan, rows = read(google([FAMILIES_EN[8]], [long_comment]))
    assert problems(rows) == []
    assert rows[0].notes == (Skipped(2, "B", "imports.note.cut", {"length": 2001, "max": 2000}, FAMILIES_EN[8]),)


def test_language_comes_from_limesurvey_startlanguage_else_none():
    mapping = imports.load_mapping_file("tests/imports/samples/limesurvey-families-mapping.yaml", questionnaire=families())
    _plan, rows = read(sample("limesurvey-families.csv"), mapping=mapping)
    assert [r.language for r in rows if isinstance(r, ImportedRow)] == ["fr", "en"]
    _plan, rows = read(sample("google-families-fr.csv"))
    assert {r.language for r in rows if isinstance(r, ImportedRow)} == {None}


@pytest.mark.parametrize(
    ("stamp", "day_first", "expected"),
    [
        ("2025/10/03 9:41:12 AM GMT+2", False, date(2025, 10, 3)),
        ("2025-10-03 09:41:12", False, date(2025, 10, 3)),
        ("10/3/2025 9:41:12", False, date(2025, 10, 3)),
        ("03/10/2025 09:41:12", True, date(2025, 10, 3)),
        ("14/10/2025 18:02:55", False, date(2025, 10, 14)),  # a first number above 12 is a day
        ("10/3/25 9:41", False, date(2025, 10, 3)),
        ("not a date", False, None),
        ("2025-13-45", False, None),
    ],
)
def test_the_day_of_a_timestamp(stamp, day_first, expected):
    assert imports.dates.day_of(stamp, day_first=day_first) == expected


def test_the_day_is_read_from_each_format():
    _plan, rows = read(sample("google-families-fr.csv"))
    assert [r.submitted_on for r in rows if isinstance(r, ImportedRow)] == [date(2025, 10, 3), date(2025, 10, 14)]
    _plan, rows = read(msforms_families(), name="f.xlsx")
    assert [r.submitted_on for r in rows if isinstance(r, ImportedRow)] == [date(2025, 10, 2), date(2025, 10, 3)]


def test_microsoft_forms_rows():
    plan, rows = read(msforms_families(), name="Families.xlsx")
    assert plan.identifying == tuple(MSFORMS_HEADERS_EN)
    assert raw(rows)[3] == {"child-talked": 4, "learned-other-countries": 5, "showed-work": 3, "project-visible": 4,
                            "family-took-part": 4, "privacy-respected": 4, "more-curious": 5, "heard-about": ["child"]}
    assert [(p.row, p.column, p.key) for p in problems(rows)] == [
        (4, "G", "imports.skip.agreement"), (5, "", "imports.skip.empty"), (6, "G", "imports.skip.out_of_scale")]


def test_the_fingerprint_ignores_column_order_and_columns_added_later():
    headers = ["timestamp", "q1", "q2"]
    first = imports.fingerprint(tuple(headers), ("2025-10-03", "Agree", "Yes"))
    assert imports.fingerprint(("q2", "timestamp", "q3", "q1"), ("Yes", "2025-10-03", "", "Agree")) == first
    assert imports.fingerprint(tuple(headers), ("2025-10-03", "Agree", "No")) != first


# --- mapping files ----------------------------------------------------------------------


def test_mapping_problems_are_reported_as_file_and_line():
    text = textwrap.dedent("""\
        columns:
          Q1: child-talked
          Q2: child-talks
          Q3: heard-about:child
        answers:
          "Yes": 7
          "Maybe": perhaps
          "Oui": yes
        colums: {}
        """)
    with pytest.raises(ContentError) as caught:
        imports.parse_mapping(text, file="map.yaml", questionnaire=families())
    assert [str(p) for p in caught.value.problems] == [
        "map.yaml:8: answers.Oui: yes/no/true/false is not an answer: write 1 to 5, dont_know or an option id",
        "map.yaml:9: unknown key 'colums'",
    ]
    # The first pass stops at the unknown key; fixed, the cross-checks run with their lines.
    with pytest.raises(ContentError) as caught:
        imports.parse_mapping(text.replace("colums: {}\n", "").replace('  "Oui": yes\n', ""), file="map.yaml",
                              questionnaire=families())
    lines = [str(p) for p in caught.value.problems]
    assert lines[0].startswith("map.yaml:3: column 'Q2' is mapped to unknown item 'child-talks'")
    assert lines[1].startswith("map.yaml:4: column 'Q3': 'heard-about' is not a multiple-choice item")
    assert lines[2] == "map.yaml:6: answer 'Yes': 7 is not on the scale 1 to 5"
    assert lines[3].startswith("map.yaml:7: answer 'Maybe' is mapped to 'perhaps'")


def test_yaml_yes_and_no_in_a_mapping_are_pointed_at():
    with pytest.raises(ContentError) as caught:
        imports.parse_mapping('answers:\n  "Yes": 5\n  No: 1\n', file="map.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, "double quotes" in problem.message("en")) == (3, True)


def test_a_mapping_that_is_not_yaml_or_not_utf8():
    with pytest.raises(ContentError) as caught:
        imports.parse_mapping("columns: [unclosed\n", file="map.yaml")
    assert str(caught.value.problems[0]).startswith("map.yaml:")
    with pytest.raises(ContentError) as caught:
        imports.parse_mapping("columns:\n  Q1: x\xe9\n".encode("latin-1"), file="map.yaml")
    assert "not UTF-8" in str(caught.value)


def test_mapped_answers_apply_where_they_fit_the_item():
    mapping = imports.parse_mapping('answers:\n  "Yes!": 5\n  "Mostly": dont_know\n  "Kid": child\n',
                                    questionnaire=families())
    _plan, rows = read(google([FAMILIES_EN[0], FAMILIES_EN[1], FAMILIES_EN[7]], ["yes !", "Mostly", "kid"]),
                       mapping=mapping)
    assert raw(rows) == {2: {"child-talked": 5, "learned-other-countries": "dont_know", "heard-about": ["child"]}}


# --- the shipped questionnaires ---------------------------------------------------------


@pytest.mark.parametrize("questionnaire_id", ["families", "pupils", "pupils-young", "teachers"])
def test_every_shipped_item_and_option_is_found_by_its_text_in_both_languages(questionnaire_id):
    """Two items (or two options) whose texts normalise alike could not be told apart in an
    export: a questionnaire editor would learn it here."""
    from assess.services import questionnaires

    questionnaire = questionnaires.installed().get(questionnaire_id)
    headers = tuple(text for item in questionnaire.items for text in (item.text.get("en"), item.text.get("fr")))
    plan = imports.plan_columns(headers, questionnaire=questionnaire, file_format="google")
    assert [c.item_id for c in plan.matched] == [item.id for item in questionnaire.items for _ in (1, 2)]
    for item in questionnaire.items:
        texts = [imports.normalise(t) for o in item.options for t in {o.text.get("en"), o.text.get("fr")}]
        assert len(texts) == len(set(texts)), item.id
        assert not set(texts) & set(imports.AGREEMENT_WORDS), item.id


def test_a_file_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(imports.limits, "MAX_ROWS", 3)  # the readers look their limits up there
    rows = [["Agree"]] * 4
    with pytest.raises(ImportFileError) as caught:
        imports.read_table(file_name=r"C:\Users\me\big.csv", data=google([FAMILIES_EN[0]], *rows))
    assert (caught.value.key, caught.value.params) == ("imports.errors.too_many_rows", {"name": "big.csv", "max": 3})
    # Blank rows at the end are not rows.
    assert len(imports.read_table(file_name="ok.csv", data=google([FAMILIES_EN[0]], *rows[:3]) + b",\n,\n,\n").rows) == 3


#: What a cell of a column per option holds, ticked and not, in each language the tools write.
YES_NO = [("Y", "N"), ("Yes", "No"), ("Oui", "Non"), ("Ja", "Nein"), ("1", "0"), ("X", ""), ("Checked", "Unchecked"),
          ("Checked", "Not checked"), ("Sélectionné", "Non sélectionné"), ("Coché", "Pas coché"),
          ("Angekreuzt", "Nicht angekreuzt"), ("Ausgewählt", "Nicht ausgewählt")]


def test_a_column_per_option_reads_the_yes_and_no_words_of_every_language():
    data = csv_bytes(["id", "submitdate", "lastpage", "startlanguage", "Q17[SQ001]", "Q17[SQ002]"],
                     *[[str(n), "2025-10-03 10:00:00", "1", "en", yes, no] for n, (yes, no) in enumerate(YES_NO)])
    mapping = imports.parse_mapping('columns:\n  "Q17": activities\n', questionnaire=pupils())
    _plan, rows = read(data, questionnaire=pupils(), mapping=mapping)
    assert problems(rows) == []
    assert raw(rows) == {n + 2: {"activities": ["video-calls"]} for n in range(len(YES_NO))}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Y", "Yes", "N", "No", "empty")), ("fr", ("Oui", "Non", "vide")), ("de", ("Ja", "Nein", "leer"))])
def test_a_checkbox_cell_refused_says_which_words_mean_ticked_and_not_ticked(lang, words):
    message = t("imports.skip.checkbox", lang, value="Perhaps")
    assert message.startswith(("'Perhaps'", "«\u00a0Perhaps\u00a0»", "„Perhaps“"))
    assert all(word in message for word in words), message
