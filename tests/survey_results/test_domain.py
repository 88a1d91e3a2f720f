"""The figures and the triangulation, against numbers computed by hand (no database)."""

from __future__ import annotations

import pytest
import yaml

from assess.domain.questionnaire import Item
from assess.domain.rubric import parse_rubric
from assess.domain.survey_results import (
    MIN_GROUP,
    Counts,
    Figures,
    comparable_level,
    compute,
    triangulate,
)


def _levels() -> list[dict]:
    return [{"level": n, "label": {"en": f"L{n}", "fr": f"N{n}"}, "descriptor": {"en": "d", "fr": "d"}} for n in range(6)]


def small_rubric(version: str = "1.0"):
    def criterion(cid, themes, **extra):
        return {"id": cid, "name": {"en": cid.title(), "fr": cid.upper()}, "guidance": {"en": "g", "fr": "g"},
                "themes": themes, "levels": _levels(), **extra}

    document = {
        "id": "small", "version": version, "title": {"en": "Small", "fr": "Petite"}, "period": "2025",
        "description": {"en": "d", "fr": "d"},
        "criteria": [
            criterion("collab", ["collaboration", "communication"]),
            criterion("tech", ["technology"]),
            criterion("results", ["results"]),
            criterion("safety", ["safety"], independent=True),
        ],
        "verdict": {"pass_mark": 5}, "eql": {"nomination_threshold": 10},
    }
    return parse_rubric(yaml.safe_dump(document))


def item(item_id, themes=(), type_="agreement", options=()):
    return Item.model_validate({
        "id": item_id, "type": type_, "text": {"en": f"{item_id} en", "fr": f"{item_id} fr"}, "themes": list(themes),
        "options": [{"id": o, "text": {"en": o, "fr": o}} for o in options],
    })


ITEMS = {
    "pupils": [
        item("p-team", ["collaboration"]),
        item("p-talk", ["communication", "collaboration"]),
        item("p-tools", ["technology"]),
        item("p-how", ["collaboration"], type_="single", options=("a", "b", "c")),
        item("comment", type_="text"),
    ],
    "families": [item("f-help", ["collaboration"])],
}


def counts(families: int = 4) -> Counts:
    return Counts(
        scores={
            ("pupils", "p-team", 5): 2, ("pupils", "p-team", 4): 2, ("pupils", "p-team", 2): 1,
            ("pupils", "p-talk", 3): 3, ("pupils", "p-talk", 1): 1,
            ("pupils", "p-tools", 5): 5,
            ("families", "f-help", 5): families,
        },
        # p-talk: four scores and a "don't know", five answers (fewer would hide the item).
        dont_know={("pupils", "p-team"): 1, ("pupils", "p-tools"): 1, ("pupils", "p-talk"): 1},
        options={("pupils", "p-how", "a"): 3, ("pupils", "p-how", "b"): 2},
        choice_answers={("pupils", "p-how"): 5},
        respondents={"pupils": 6, "families": families},
    )


@pytest.fixture
def rubric():
    return small_rubric()


def test_figures_of_one_item(rubric):
    pupils = compute(rubric=rubric, items=ITEMS, counts=counts()).group("pupils")
    team = pupils.item("p-team").figures
    # 5, 5, 4, 4, 2 and one "don't know"
    assert (team.answered, team.dont_know, team.distribution) == (5, 1, (0, 1, 0, 2, 2))
    assert team.mean == pytest.approx(20 / 5)
    assert team.agreeing == pytest.approx(4 / 5)
    assert team.level == pytest.approx((4.0 - 1) / 4 * 5)  # 3.75
    talk = pupils.item("p-talk").figures
    assert (talk.mean, talk.agreeing, talk.level) == (pytest.approx(2.5), 0, pytest.approx(1.875))


def test_choice_items_count_options_over_the_responses_that_answered(rubric):
    how = compute(rubric=rubric, items=ITEMS, counts=counts()).group("pupils").item("p-how")
    assert how.figures is None and how.choice_answers == 5
    assert [(o.id, o.count, o.share) for o in how.options] == [("a", 3, 0.6), ("b", 2, 0.4), ("c", 0, 0.0)]


def test_a_criterion_pools_the_answers_of_the_items_tied_to_its_themes(rubric):
    pupils = compute(rubric=rubric, items=ITEMS, counts=counts()).group("pupils")
    collab = pupils.criterion("collab")
    # p-team (0,1,0,2,2) + p-talk (1,0,3,0,0), p-talk counted once though it has two of its themes
    assert collab.distribution == (1, 1, 3, 2, 2)
    assert (collab.answered, collab.dont_know) == (9, 2)
    assert collab.mean == pytest.approx(30 / 9)
    assert collab.level == pytest.approx((30 / 9 - 1) / 4 * 5)
    # A theme pools its own items: communication is p-talk alone.
    assert pupils.themes["communication"].mean == pytest.approx(2.5)
    assert pupils.themes["collaboration"].answered == 9
    # No pupils' item informs results: figures without answers, no mean, no level.
    assert pupils.criterion("results").answered == 0 and pupils.level("results") is None
    assert set(pupils.criteria) == {"collab", "tech", "results", "safety"}


def test_a_group_under_five_is_hidden_apart_and_no_total_gives_it_away(rubric):
    assert MIN_GROUP == 5
    indicators = compute(rubric=rubric, items=ITEMS, counts=counts(families=4))
    families = indicators.group("families")
    assert families.hidden and families.respondents == 4
    assert families.items == () and set(families.criteria.values()) == {None}
    assert families.level("collab") is None
    overall = indicators.overall
    assert not overall.hidden and overall.respondents == 10
    # The four families' item has four answers: it counts in no total, so all audiences
    # minus the pupils shown gives nothing.
    pupils = indicators.group("pupils")
    assert overall.criterion("collab") == pupils.criterion("collab")
    assert overall.level("tech") == pupils.level("tech")


def test_small_groups_count_in_no_total(rubric):
    items = {**ITEMS, "teachers": [item("t-help", ["collaboration"])]}
    three_and_three = Counts(
        scores={**counts(families=3).scores, ("teachers", "t-help", 1): 3},
        dont_know=counts().dont_know,
        respondents={"pupils": 6, "families": 3, "teachers": 3},
    )
    indicators = compute(rubric=rubric, items=items, counts=three_and_three)
    assert indicators.group("families").hidden and indicators.group("teachers").hidden
    # Each small group's item has three answers: shown nowhere, pooled nowhere.
    assert indicators.overall.criterion("collab").distribution == (1, 1, 3, 2, 2)


def test_an_item_under_five_answers_is_hidden_and_pooled_nowhere(rubric):
    few = Counts(
        scores={**counts().scores, ("pupils", "p-tools", 5): 4},
        dont_know={("pupils", "p-team"): 1, ("pupils", "p-talk"): 1},
        options={("pupils", "p-how", "a"): 4}, choice_answers={("pupils", "p-how"): 4},
        respondents={"pupils": 30},
    )
    indicators = compute(rubric=rubric, items=ITEMS, counts=few)
    pupils = indicators.group("pupils")
    assert not pupils.hidden
    assert [i.id for i in pupils.items] == ["p-team", "p-talk"] and pupils.hidden_items == 2
    # p-tools is technology's only item: four answers are no figure, in the group or in all.
    assert pupils.criterion("tech").answered == 0 and pupils.level("tech") is None
    assert indicators.overall.criterion("tech").answered == 0
    assert pupils.themes["technology"].answered == 0
    assert indicators.criterion_items["tech"] == ()


def test_a_fifth_respondent_shows_the_group(rubric):
    families = compute(rubric=rubric, items=ITEMS, counts=counts(families=5)).group("families")
    assert not families.hidden
    assert families.item("f-help").figures.mean == 5 and families.level("collab") == 5


def test_all_audiences_under_five_in_all_are_hidden_too(rubric):
    few = Counts(scores={("families", "f-help", 4): 3}, respondents={"families": 3})
    indicators = compute(rubric=rubric, items={"families": ITEMS["families"]}, counts=few)
    assert indicators.overall.hidden and indicators.overall.level("collab") is None


def test_groups_follow_the_audience_order(rubric):
    indicators = compute(rubric=rubric, items={"teachers": [], **ITEMS}, counts=counts())
    assert [g.audience for g in indicators.groups] == ["pupils", "families", "teachers"]


def test_comparable_level_and_pooling():
    assert [comparable_level(m) for m in (1, 3, 5)] == [0, 2.5, 5]
    assert comparable_level(None) is None
    empty = Figures.of((0, 0, 0, 0, 0), 2)
    assert (empty.mean, empty.agreeing, empty.level, empty.dont_know) == (None, None, None, 2)
    pooled = Figures.pooled([Figures.of((1, 0, 0, 0, 0)), Figures.of((0, 0, 0, 0, 3), 1)])
    assert (pooled.answered, pooled.mean, pooled.agreeing, pooled.dont_know) == (4, 4.0, 0.75, 1)


# --- triangulation --------------------------------------------------------------------------------


def test_triangulation_flags_a_gap_at_or_above_the_threshold(rubric):
    indicators = compute(rubric=rubric, items=ITEMS, counts=counts(families=5))
    rows = {r.criterion_id: r for r in triangulate(
        rubric=rubric, self_levels={"collab": 3, "tech": 3, "results": 4, "safety": 0},
        indicators=indicators, threshold=1.5,
    )}
    assert list(rows) == ["collab", "tech", "results"], "counted criteria only"

    tech = rows["tech"]
    (pupils, families) = tech.audiences
    assert (pupils.audience, pupils.level, pupils.gap, pupils.flagged) == ("pupils", 5.0, 2.0, True)
    assert (families.level, families.gap, families.flagged) == (None, None, False)  # no family item on technology
    assert tech.flagged
    assert [(i.audience, i.item_id, i.mean, i.answered) for i in tech.items] == [("pupils", "p-tools", 5.0, 5)]

    collab = rows["collab"]
    # pupils 2.9167 (gap -0.08), families 5 (gap +2: flagged), overall (50/13-1)*1.25 = 3.56 (gap 0.56)
    assert collab.audiences[0].gap == pytest.approx((30 / 9 - 1) / 4 * 5 - 3) and not collab.audiences[0].flagged
    assert collab.audiences[1].flagged and collab.audiences[1].gap == pytest.approx(2)
    assert not collab.overall.flagged and collab.flagged
    assert {(i.audience, i.item_id) for i in collab.items} == {("pupils", "p-team"), ("pupils", "p-talk"),
                                                               ("families", "f-help")}

    results = rows["results"]
    assert not results.flagged and results.items == () and results.overall.level is None


def test_a_gap_just_below_the_threshold_is_not_flagged(rubric):
    indicators = compute(rubric=rubric, items=ITEMS, counts=counts(families=5))
    # tech: pupils' level 5; self 3 -> gap 2
    row = next(r for r in triangulate(rubric=rubric, self_levels={"tech": 3}, indicators=indicators, threshold=2.01)
               if r.criterion_id == "tech")
    assert not row.flagged and row.items == ()
    row = next(r for r in triangulate(rubric=rubric, self_levels={"tech": 3}, indicators=indicators, threshold=2)
               if r.criterion_id == "tech")
    assert row.flagged


def test_a_gap_of_exactly_the_threshold_is_flagged_despite_float_rounding(rubric):
    # 1, 1, 1, 2, 2: mean 1.4, level 0.5, computed in binary as 0.4999999999999999
    scores = {("pupils", "p-tools", 1): 3, ("pupils", "p-tools", 2): 2}
    indicators = compute(rubric=rubric, items=ITEMS, counts=Counts(scores=scores, respondents={"pupils": 5}))
    assert indicators.group("pupils").level("tech") == pytest.approx(0.5)
    row = next(r for r in triangulate(rubric=rubric, self_levels={"tech": 0}, indicators=indicators, threshold=0.5)
               if r.criterion_id == "tech")
    assert row.audiences[0].flagged


def test_hidden_groups_and_missing_self_levels_are_never_flagged(rubric):
    indicators = compute(rubric=rubric, items=ITEMS, counts=counts(families=4))
    rows = {r.criterion_id: r for r in triangulate(rubric=rubric, self_levels={"collab": 0}, indicators=indicators,
                                                   threshold=1.5)}
    families = rows["collab"].audiences[1]
    assert (families.hidden, families.level, families.gap, families.flagged) == (True, None, None, False)
    assert all(i.audience != "families" for i in rows["collab"].items), "no item of a hidden group is shown"
    assert rows["tech"].self_level is None and not rows["tech"].flagged


def test_triangulation_refuses_figures_of_another_rubric(rubric):
    indicators = compute(rubric=rubric, items=ITEMS, counts=counts())
    with pytest.raises(ValueError):
        triangulate(rubric=small_rubric("2.0"), self_levels={}, indicators=indicators, threshold=1.5)
