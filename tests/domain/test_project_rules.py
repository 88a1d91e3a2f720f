"""The rules a project's fields follow, the same for the form, the CLI and the demo loader."""

from __future__ import annotations

from datetime import date

import pytest

from assess.domain.project import ProjectData, SchoolData, validate_project
from assess.domain.project_choices import SUBJECTS


def fields(**overrides) -> dict:
    raw = {
        "title": "  Our European breakfast ",
        "summary": " Pupils compare breakfasts. ",
        "start_date": "2025-09-15",
        "end_date": date(2026, 5, 30),
        "age_min": "8",
        "age_max": 10,
        "subjects": "Geography, French, , Geography",
        "languages": ["French", " English "],
        "twinspace_url": " https://school-education.ec.europa.eu/en/etwinning/projects/example ",
        "school": {"name": " École Jean Jaurès ", "country": "fr", "region": " Occitanie "},
        "partners": [
            {"name": "Scoil Mhuire", "country": "IE", "region": ""},
            {"name": "", "country": "", "region": ""},  # a row the form left empty
            {"name": "Szkoła Podstawowa nr 3", "country": " pl"},
        ],
    }
    raw.update(overrides)
    return raw


def problems_of(raw: dict) -> list[tuple[str, str]]:
    data, problems = validate_project(raw)
    assert (data is None) == bool(problems)
    return [(field, key) for field, key, _params in problems]


def test_a_good_project_comes_back_clean():
    data, problems = validate_project(fields())
    assert problems == []
    assert data == ProjectData(
        title="Our European breakfast",
        summary="Pupils compare breakfasts.",
        start_date=date(2025, 9, 15),
        end_date=date(2026, 5, 30),
        age_min=8,
        age_max=10,
        subjects=("geography", "french"),  # codes, whatever language the names came in
        languages=("fr", "en"),
        school=SchoolData("École Jean Jaurès", "FR", "Occitanie"),
        partners=(SchoolData("Scoil Mhuire", "IE"), SchoolData("Szkoła Podstawowa nr 3", "PL")),
        twinspace_url="https://school-education.ec.europa.eu/en/etwinning/projects/example",
    )


def test_the_boundaries_are_allowed():
    assert problems_of(fields(title="abc", start_date="2025-09-15", end_date="2025-09-15", age_min=2, age_max=21,
                              summary="", twinspace_url="")) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": "ab"}, [("title", "errors.too_short")]),
        ({"title": "x" * 301}, [("title", "errors.too_long")]),
        ({"summary": "x" * 5001}, [("summary", "errors.too_long")]),
        ({"start_date": "2026-06-01"}, [("end_date", "errors.end_before_start")]),
        ({"end_date": "soon"}, [("end_date", "errors.not_a_date")]),
        ({"start_date": None}, [("start_date", "errors.not_a_date")]),
        ({"age_min": 1}, [("age_min", "errors.age_range")]),
        ({"age_max": 22}, [("age_max", "errors.age_range")]),
        ({"age_min": "eight"}, [("age_min", "errors.required")]),
        ({"age_min": 11, "age_max": 9}, [("age_max", "errors.age_order")]),
        ({"languages": []}, [("languages", "errors.at_least_one")]),
        ({"subjects": list(SUBJECTS[:21])}, [("subjects", "errors.too_many")]),
        ({"subjects": ["Geography", "Robotics"]}, [("subjects", "errors.unknown_subject")]),
        ({"languages": ["Klingon"]}, [("languages", "errors.unknown_language")]),
        ({"twinspace_url": "javascript:alert(1)"}, [("twinspace_url", "errors.not_a_url")]),
        ({"twinspace_url": "https://"}, [("twinspace_url", "errors.not_a_url")]),
        ({"school": {"name": "École Jean Jaurès", "country": "FRA"}}, [("school.country", "errors.unknown_country")]),
        ({"school": {"name": "", "country": ""}}, [("school.name", "errors.required"), ("school.country", "errors.required")]),
        ({"partners": [{"name": "Scoil Mhuire", "country": "IE"}, {"name": "Gymnasium", "country": "XX"}]},
         [("partners.1.country", "errors.unknown_country")]),
        ({"partners": [{"name": "Scoil Mhuire", "country": "IE"}, {"name": "SCOIL MHUIRE", "country": "ie"}]},
         [("partners.1.name", "errors.duplicate_partner")]),
        ({"partners": [{"name": "École Jean Jaurès", "country": "FR"}]}, [("partners.0.name", "errors.duplicate_partner")]),
        ({"partners": []}, [("partners", "errors.at_least_one")]),
        ({"partners": [{"name": f"School {n}", "country": "DE"} for n in range(51)]}, [("partners", "errors.too_many")]),
    ],
    ids=[
        "short-title", "long-title", "long-summary", "end-before-start", "end-not-a-date", "no-start", "too-young",
        "too-old", "age-not-a-number", "ages-inverted", "no-language", "too-many-subjects", "unknown-subject",
        "unknown-language", "javascript-url",
        "url-without-host", "three-letter-country", "no-school", "partner-unknown-country", "partner-twice",
        "own-school-as-partner", "no-partner", "too-many-partners",
    ],
)
def test_each_wrong_field_is_reported_under_its_name(overrides, expected):
    assert problems_of(fields(**overrides)) == expected


def test_every_problem_is_reported_at_once():
    found = problems_of(fields(title="", end_date="2020-01-01", age_min=30, twinspace_url="file:///etc/passwd", partners=[]))
    assert found == [
        ("title", "errors.required"),
        ("end_date", "errors.end_before_start"),
        ("age_min", "errors.age_range"),
        ("age_max", "errors.age_order"),
        ("twinspace_url", "errors.not_a_url"),
        ("partners", "errors.at_least_one"),
    ]


def test_a_partner_problem_names_the_row_the_teacher_sees_even_after_an_empty_row():
    """The form shows ``partners.2.country`` as 'Partner school 3': the empty row 2 still counts."""
    partners = [
        {"name": "Scoil Mhuire", "country": "IE"},
        {"name": "", "country": "", "region": ""},
        {"name": "Gymnasium am Rhein", "country": "XX"},
        {"name": "Scoil Mhuire", "country": "IE"},
    ]
    assert problems_of(fields(partners=partners)) == [
        ("partners.2.country", "errors.unknown_country"),
        ("partners.3.name", "errors.duplicate_partner"),
    ]


def test_problem_parameters_fill_the_message():
    _, problems = validate_project(fields(title="ab", school={"name": "École", "country": "zz"}))
    assert ("title", "errors.too_short", {"min": 3}) in problems
    assert ("school.country", "errors.unknown_country", {"value": "ZZ"}) in problems


def test_subjects_and_languages_are_codes_given_by_code_or_by_name_in_any_language():
    data, problems = validate_project(fields(subjects=["géographie", "BIOLOGY", "physical_education"],
                                             languages=["français", "de", "Anglais"]))
    assert problems == []
    assert data.subjects == ("geography", "biology", "physical_education")
    assert data.languages == ("fr", "de", "en")


def test_a_word_kept_from_before_the_lists_may_stay_but_not_be_added():
    raw = fields(subjects=["Robotique", "geography"], languages=["Klingon", "fr"])
    data, problems = validate_project(raw, kept_subjects=["Robotique"], kept_languages=["Klingon"])
    assert problems == [] and data.subjects == ("Robotique", "geography") and data.languages == ("Klingon", "fr")
    _data, problems = validate_project(raw)
    assert [(f, k, p) for f, k, p in problems] == [("subjects", "errors.unknown_subject", {"value": "Robotique"}),
                                                 ("languages", "errors.unknown_language", {"value": "Klingon"})]
