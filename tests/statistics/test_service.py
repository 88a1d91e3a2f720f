"""The national figures on real databases (SQLite, and PostgreSQL when configured), against
figures computed by hand from the data set of tests/statistics/helpers.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sqlalchemy import Integer, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from assess import stats
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.questionnaire import ItemType
from assess.domain.statistics import AGE_GROUP_IDS, Filters, age_group
from assess.services import jury, national, questionnaires, rubrics
from assess.services.errors import InvalidInput
from assess.services.national import _sql
from tests.services.helpers import make_user
from tests.statistics.helpers import CRITERIA_2006, CRITERIA_2014, LAST_YEAR, THIS_YEAR, build


@pytest.fixture
def data(session):
    return build(session)


def figures(session, data, **filters) -> national.NationalFigures:
    return national.national_figures(session, actor=data.office, filters=Filters(**filters))


def tallies(rows) -> dict:
    return {r.key: (r.applications, r.decided, r.labels) for r in rows}


# --- applications and labels ------------------------------------------------------------------


def test_applications_and_labels_by_every_axis(session, data):
    found = figures(session, data).applications

    # P1-P3 in round 1 (published: P1 and P3 labelled), P5 in round 2 (a label staged only);
    # P4 withdrawn.
    assert (found.total.applications, found.total.decided, found.total.labels) == (4, 3, 2)
    assert found.total.award_rate == pytest.approx(2 / 3)
    assert [(r.key, r.label) for r in found.axis("round")] == [(data.round1, "Labels last year"),
                                                              (data.round2, "Labels this year")]
    assert tallies(found.axis("round")) == {data.round1: (3, 3, 2), data.round2: (1, 0, 0)}
    assert found.row("round", data.round2).award_rate is None
    assert tallies(found.axis("school_year")) == {LAST_YEAR: (3, 3, 2), THIS_YEAR: (1, 0, 0)}
    # P2's two Irish partner schools count once; P1 counts in Ireland and in Poland.
    assert tallies(found.axis("country")) == {"IE": (3, 2, 1), "PL": (1, 1, 1), "DE": (1, 1, 1), "FI": (1, 0, 0)}
    assert [r.key for r in found.axis("country")] == ["IE", "DE", "FI", "PL"]  # most applications first
    assert tallies(found.axis("region")) == {"Occitanie": (2, 2, 2), "Bretagne": (1, 1, 0), None: (1, 0, 0)}
    assert tallies(found.axis("age_group")) == {
        "pre_primary": (1, 0, 0), "primary": (1, 1, 1), "lower_secondary": (1, 1, 0), "upper_secondary": (1, 1, 1)}
    assert [r.key for r in found.axis("age_group")] == ["pre_primary", "primary", "lower_secondary", "upper_secondary"]
    assert tallies(found.axis("subject")) == {
        "geography": (2, 2, 2), "french": (1, 1, 1), "history": (1, 1, 0), "art": (1, 0, 0), "=SUM(A1)": (1, 0, 0)}


@pytest.mark.parametrize("filters, total, rounds", [
    ({"round_id": "round2"}, (1, 0, 0), {"round2": (1, 0, 0)}),
    ({"school_year": LAST_YEAR}, (3, 3, 2), {"round1": (3, 3, 2)}),
    ({"country": "ie"}, (3, 2, 1), {"round1": (2, 2, 1), "round2": (1, 0, 0)}),
    ({"region": "Occitanie"}, (2, 2, 2), {"round1": (2, 2, 2)}),
    ({"age_group": "pre_primary"}, (1, 0, 0), {"round2": (1, 0, 0)}),  # P4, withdrawn, is pre-primary too
    ({"subject": "geography"}, (2, 2, 2), {"round1": (2, 2, 2)}),
    ({"subject": "geography", "region": "Bretagne"}, (0, 0, 0), {}),
])
def test_every_filter_narrows_the_applications(session, data, filters, total, rounds):
    if "round_id" in filters:
        filters = {**filters, "round_id": getattr(data, filters["round_id"])}
    found = figures(session, data, **filters).applications

    assert (found.total.applications, found.total.decided, found.total.labels) == total
    assert tallies(found.axis("round")) == {getattr(data, name): t for name, t in rounds.items()}
    assert sum(r.applications for r in found.axis("age_group")) == total[0]


def test_a_filter_narrows_every_axis(session, data):
    found = figures(session, data, country="IE").applications

    assert tallies(found.axis("country")) == {"IE": (3, 2, 1), "PL": (1, 1, 1), "FI": (1, 0, 0)}  # P1, P2, P5
    assert tallies(found.axis("region")) == {"Occitanie": (1, 1, 1), "Bretagne": (1, 1, 0), None: (1, 0, 0)}
    assert tallies(found.axis("subject")) == {
        "geography": (1, 1, 1), "french": (1, 1, 1), "history": (1, 1, 0), "art": (1, 0, 0), "=SUM(A1)": (1, 0, 0)}


# --- jurors' levels and agreement --------------------------------------------------------------


def levels(found) -> dict:
    return {(c.rubric_id, c.item_id): c.distribution for c in found}


def test_criterion_means_and_distributions(session, data):
    found = figures(session, data).criteria

    # Round 1 (etwinning-2006): P1 4 and 4 (collaboration 4 and 5), P2 1 and 2, P3 3 and 3.
    # Round 2 (etwinning-2014): P5 5 from the juror who submitted; the other's 0s never count.
    assert [(c.rubric_id, c.item_id) for c in found] == (
        [("etwinning-2006", c) for c in CRITERIA_2006] + [("etwinning-2014", c) for c in CRITERIA_2014])
    innovation = found[0]
    assert innovation.distribution == (0, 1, 1, 2, 2, 0)
    assert (innovation.count, innovation.mean) == (6, pytest.approx(17 / 6))
    assert innovation.name.get("en") == rubrics.installed_rubric("etwinning-2006").criterion("innovation").name.get("en")
    collaboration = next(c for c in found if (c.rubric_id, c.item_id) == ("etwinning-2006", "collaboration"))
    assert (collaboration.distribution, collaboration.mean) == ((0, 1, 1, 2, 1, 1), pytest.approx(3.0))
    assert all(c.distribution == (0, 0, 0, 0, 0, 1) and c.mean == 5 for c in found if c.rubric_id == "etwinning-2014")
    assert {c.kind for c in found} == {"criterion"}


def test_filters_narrow_the_criterion_levels(session, data):
    ireland = levels(figures(session, data, country="IE").criteria)  # P1, P2 and P5
    assert ireland[("etwinning-2006", "innovation")] == (0, 1, 1, 0, 2, 0)
    assert ireland[("etwinning-2014", "innovation")] == (0, 0, 0, 0, 0, 1)
    occitanie = levels(figures(session, data, region="Occitanie").criteria)  # P1 and P3
    assert occitanie[("etwinning-2006", "innovation")] == (0, 0, 0, 2, 2, 0)
    assert ("etwinning-2014", "innovation") not in occitanie
    assert figures(session, data, round_id=data.round1, subject="history").criteria[0].distribution == (
        0, 1, 1, 0, 0, 0)


def test_jurors_agreement_is_the_reliability_pages_alpha(session, data):
    found = figures(session, data).agreement
    reliability = jury.reliability(session, actor=data.office, round_id=data.round1)

    first = [a for a in found if a.round_id == data.round1]
    assert [a.item_id for a in first] == list(CRITERIA_2006)
    for mine, theirs in zip(first, reliability.items, strict=True):
        assert mine.item_id == theirs.item_id
        assert mine.alpha == pytest.approx(theirs.alpha)
        assert (mine.reading, mine.units, mine.pairable) == (theirs.reading, theirs.units, theirs.pairable)
    assert (first[0].units, first[0].pairable) == (3, 6)
    # Round 2: one juror submitted, nothing to pair.
    second = [a for a in found if a.round_id == data.round2]
    assert [a.item_id for a in second] == list(CRITERIA_2014)
    assert all(math.isnan(a.alpha) and a.reading == "undefined" and (a.units, a.pairable) == (1, 0) for a in second)
    assert second[0].round_name == "Labels this year"


def test_why_an_alpha_is_undefined_is_a_code_not_an_english_sentence(session, data):
    """Issue 12, finding 4: the reason leaves the service as a code the page translates."""
    found = figures(session, data).agreement
    assert {a.reason for a in found if a.round_id == data.round1} == {None}
    assert {a.reason for a in found if a.round_id == data.round2} == {"no_pairs"}


def test_agreement_on_part_of_the_applications(session, data):
    # P1 (4/4) and P3 (3/3): the jurors agree perfectly on innovation.
    found = figures(session, data, region="Occitanie").agreement
    innovation = next(a for a in found if a.item_id == "innovation")
    assert (innovation.alpha, innovation.reading, innovation.units) == (pytest.approx(1.0), "reliable", 2)


def test_alpha_from_units_matches_the_raters_by_units_matrix():
    chance = np.random.default_rng(7)
    matrix = chance.integers(0, 6, size=(4, 60)).astype(float)
    matrix[chance.random(matrix.shape) < 0.4] = np.nan
    units: dict[tuple[int, ...], int] = {}
    for column in matrix.T:
        present = column[~np.isnan(column)].astype(int)
        if present.size:
            key = tuple(int((present == level).sum()) for level in range(6))
            units[key] = units.get(key, 0) + 1
    for level in ("ordinal", "interval", "nominal"):
        assert national.alpha_from_units(units, level=level).alpha == pytest.approx(
            stats.krippendorff_alpha(matrix, level=level))


# --- surveys -----------------------------------------------------------------------------------


def agreement_items(questionnaire_id: str, criterion_id: str, rubric_id: str = "etwinning-2006") -> int:
    criterion = rubrics.installed_rubric(rubric_id).criterion(criterion_id)
    return sum(1 for item in questionnaires.installed_questionnaire(questionnaire_id).items
               if item.type is ItemType.AGREEMENT and set(item.themes) & set(criterion.themes))


def test_survey_participation_per_audience(session, data):
    found = {p.audience: p for p in figures(session, data).participation}

    assert list(found) == ["pupils", "families"]
    pupils, families = found["pupils"], found["families"]
    assert (pupils.campaigns, pupils.projects, pupils.responses, pupils.codes_issued, pupils.codes_used) == (2, 2, 6, 0, 0)
    assert pupils.participation is None
    assert (families.campaigns, families.projects, families.respondents, families.codes_issued,
            families.codes_used) == (1, 1, 5, 8, 5)
    assert families.participation == pytest.approx(5 / 8)


def test_survey_levels_per_audience_and_criterion(session, data):
    # Against round 1's rubric (unfiltered, the newest round's, round 2's, would be the
    # default: tests/statistics/test_survey_rubric.py).
    found = national.national_figures(session, actor=data.office,
                                      rubric=rubrics.installed_rubric("etwinning-2006")).surveys

    assert (found.rubric.id, found.min_group) == ("etwinning-2006", 5)
    # Families (P1 only): child-talked 5 4 4 2 (1 don't know), learned-other-countries 5 4 3 2 4
    # (results); project-visible 4 5 3 4 (1 don't know) (documentation). showed-work (one
    # answer, 3) has fewer than five answers: it counts nowhere.
    results = found.of("families", "results")
    assert (results.respondents, results.hidden) == (5, False)
    assert results.figures.distribution == (0, 2, 2, 6, 3)
    assert (results.figures.answered, results.figures.dont_know) == (13, 2)
    assert results.figures.mean == pytest.approx(49 / 13)
    assert results.level == pytest.approx((49 / 13 - 1) / 4 * 5)
    assert results.figures.agreeing == pytest.approx(9 / 13)
    ict = found.of("families", "ict-use")  # privacy-respected (safety): 5 4 2, 2 don't know
    assert (ict.figures.distribution, ict.figures.dont_know) == ((0, 1, 0, 1, 1), 2)
    assert found.of("families", "innovation").figures.answered == 0  # no family question on it
    # Pupils of P1 (4, all 4) and P3 (2, all 2) together: 6 respondents, shown.
    k = agreement_items("pupils", "innovation")
    innovation = found.of("pupils", "innovation")
    assert (innovation.respondents, innovation.hidden) == (6, False)
    assert innovation.figures.distribution == (0, 2 * k, 0, 4 * k, 0)
    assert innovation.level == pytest.approx((10 / 3 - 1) / 4 * 5)
    # All audiences: families' and pupils' answers pooled.
    overall = found.of(None, "results")
    pupils_results = agreement_items("pupils", "results")
    assert (overall.respondents, overall.hidden) == (11, False)
    assert overall.figures.distribution == (0, 2 + 2 * pupils_results, 2, 6 + 4 * pupils_results, 3)
    assert [r.audience for r in found.rows[::len(CRITERIA_2006)]] == ["pupils", "families", None]


def test_groups_under_five_respondents_are_never_shown_apart(session, data):
    # Primary projects: P1 only, whose pupils are 4.
    found = figures(session, data, age_group="primary").surveys

    pupils = [r for r in found.rows if r.audience == "pupils"]
    assert pupils and all(r.hidden and r.figures is None and r.level is None for r in pupils)
    assert pupils[0].respondents == 4
    assert not found.of("families", "results").hidden
    # All audiences (9 respondents): the 4 pupils' items have four answers each, so they
    # count in no total, and all audiences minus the families gives nothing.
    assert {c: found.of(None, c).figures for c in CRITERIA_2006} == {
        c: found.of("families", c).figures for c in CRITERIA_2006}
    assert {p.audience: p.responses for p in figures(session, data, age_group="primary").participation} == {
        "pupils": 4, "families": 5}


def test_filters_narrow_the_survey_views(session, data):
    # Campaigns opened this school year; none last year.
    assert figures(session, data, school_year=THIS_YEAR).participation == figures(session, data).participation
    last_year = figures(session, data, school_year=LAST_YEAR)
    assert last_year.participation == ()
    assert last_year.surveys.of(None, "results").hidden
    # Round 1's projects (P1, P3) asked everyone; round 2's (P5) nobody. Round 2's rubric is
    # then the one survey answers are read against.
    assert figures(session, data, round_id=data.round1).participation == figures(session, data).participation
    second = figures(session, data, round_id=data.round2)
    assert second.participation == () and second.surveys.rubric.id == "etwinning-2014"
    # Upper secondary: P3 only (2 pupils, hidden).
    upper = figures(session, data, age_group="upper_secondary")
    assert {p.audience: p.responses for p in upper.participation} == {"pupils": 2}
    assert upper.surveys.of("pupils", "results").hidden
    assert {p.audience: p.responses for p in figures(session, data, country="PL").participation} == {
        "pupils": 4, "families": 5}
    assert figures(session, data, subject="history").participation == ()


def test_one_function_per_view_gives_the_same_figures(session, data):
    filters = Filters(region="Occitanie")
    whole = national.national_figures(session, actor=data.office, filters=filters)

    assert national.applications_by_axis(session, actor=data.office, filters=filters) == whole.applications
    assert national.criterion_levels(session, actor=data.office, filters=filters) == whole.criteria
    assert national.survey_participation(session, actor=data.office, filters=filters) == whole.participation
    assert national.survey_levels(session, actor=data.office, filters=filters).rows == whole.surveys.rows
    assert [a.alpha for a in national.jury_agreement(session, actor=data.office, filters=filters)] == pytest.approx(
        [a.alpha for a in whole.agreement], nan_ok=True)


# --- filter options, refusals ------------------------------------------------------------------


def test_filter_options_are_the_values_in_the_data(session, data):
    found = national.filter_options(session, actor=data.office)

    assert [(r.id, r.name) for r in found.rounds] == [(data.round1, "Labels last year"), (data.round2, "Labels this year")]
    assert found.school_years == tuple(sorted({THIS_YEAR, LAST_YEAR}, reverse=True))
    assert found.countries == ("DE", "ES", "FI", "IE", "PL")
    assert found.regions == ("Bretagne", "Occitanie")
    assert found.age_groups == ("pre_primary", "primary", "lower_secondary", "upper_secondary")
    assert found.subjects == ("=SUM(A1)", "art", "french", "geography", "history")


def test_an_empty_database_gives_empty_figures(session):
    office = make_user(session, email="office@example.org", roles={"admin"})
    found = national.national_figures(session, actor=office)

    assert (found.applications.total.applications, found.applications.total.award_rate) == (0, None)
    assert all(rows == () for rows in found.applications.axes.values())
    assert (found.criteria, found.agreement, found.participation) == ((), (), ())
    assert all(r.hidden for r in found.surveys.rows)
    assert national.filter_options(session, actor=office).rounds == ()


@pytest.mark.parametrize("bad", [{"age_group": "adults"}, {"school_year": "2025"}, {"school_year": "2025-2027"}])
def test_unknown_filter_values_are_refused(session, bad):
    with pytest.raises(InvalidInput) as refused:
        national.national_figures(session, actor=Actor.system(), filters=Filters(**bad))
    assert refused.value.errors[0].field == next(iter(bad))


VIEWS = ["national_figures", "applications_by_axis", "criterion_levels", "jury_agreement", "survey_participation",
         "survey_levels"]


@pytest.mark.parametrize("role", ["teacher", "juror"])
@pytest.mark.parametrize("view", [*VIEWS, "filter_options"])
def test_teachers_and_jurors_are_refused(session, role, view):
    someone = make_user(session, email=f"{role}@example.org", roles={role})
    function = getattr(national, view)
    with pytest.raises(PermissionDenied):
        function(session, actor=someone) if view == "filter_options" else function(session, actor=someone,
                                                                                    filters=Filters())


# --- the SQL building blocks -------------------------------------------------------------------


def test_the_sql_age_group_is_the_domain_one_for_every_age_pair(session):
    pairs = [(low, high) for low in range(2, 22) for high in range(low, 22)]
    ages = union_all(*(select(literal(low, Integer).label("age_min"), literal(high, Integer).label("age_max"))
                       for low, high in pairs)).subquery("ages")
    found = session.execute(select(ages.c.age_min, ages.c.age_max,
                                   _sql.age_group_sql(ages.c.age_min, ages.c.age_max))).all()

    assert len(found) == len(pairs) == 210
    assert {(low, high): group for low, high, group in found} == {(low, high): age_group(low, high)
                                                                  for low, high in pairs}
    assert {group for _, _, group in found} == set(AGE_GROUP_IDS)


def test_json_elements_compile_per_database():
    subjects = _sql.subjects_of()
    query = select(subjects.c.value)
    assert "json_each(projects.subjects)" in str(query.compile(dialect=sqlite.dialect()))
    assert "jsonb_array_elements_text(projects.subjects)" in str(query.compile(dialect=postgresql.dialect()))
