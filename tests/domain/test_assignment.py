"""Juror assignment: small rounds worked by hand, and the four guarantees (hypothesis).

The checkers below share nothing with the module: coverage is checked against every
possible assignment (tiny rounds) or against the max-flow/min-cut formula (small
rounds), balance against a breadth-first search for an improving chain written from
the definition, and against every possible assignment again.
"""

from __future__ import annotations

import itertools
import random
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.domain.assignment import (
    Assignment,
    AssignmentInputError,
    ShortageReason,
    assign,
)


def jurors_of(result: Assignment, application: int, existing=()) -> set[int]:
    return {j for j, a in (*result.pairs, *existing) if a == application}


# --- Worked by hand ----------------------------------------------------------------


def test_three_jurors_four_applications_two_each():
    result = assign(applications=[1, 2, 3, 4], jurors=[10, 20, 30])
    # Round 1 gives each application its lightest juror, ties by id: 1->10, 2->20, 3->30, 4->10.
    # Round 2 the lightest juror it lacks: 1->20, 2->30, 3->10 (10 and 20 at 2, by id), 4->20.
    assert result.pairs == ((10, 1), (10, 3), (10, 4), (20, 1), (20, 2), (20, 4), (30, 2), (30, 3))
    assert result.loads == {10: 3, 20: 3, 30: 2}
    assert result.short == {} and result.shortages == ()
    assert all(len(jurors_of(result, a)) == 2 for a in [1, 2, 3, 4])


def test_a_conflict_forces_the_busiest_juror():
    # Juror 30 already has three applications of another round; 10 is from the same school as application 1.
    existing = {(30, 97), (30, 98), (30, 99)}
    result = assign(applications=[1], jurors=[10, 20, 30], conflicts={(10, 1)}, existing=existing)
    assert result.pairs == ((20, 1), (30, 1))
    assert result.loads == {10: 0, 20: 1, 30: 4}


def test_without_the_conflict_the_lightest_jurors_are_chosen():
    existing = {(30, 97), (30, 98), (30, 99)}
    result = assign(applications=[1], jurors=[10, 20, 30], existing=existing)
    assert result.pairs == ((10, 1), (20, 1))


def test_an_application_with_one_juror_without_a_conflict_is_short_of_one_and_says_why():
    result = assign(applications=[1, 2], jurors=[10, 20, 30], conflicts={(10, 1), (20, 1)})
    assert jurors_of(result, 1) == {30}
    assert len(jurors_of(result, 2)) == 2
    assert result.short == {1: 1}
    (shortage,) = result.shortages
    assert (shortage.wanted, shortage.assigned, shortage.missing) == (2, 1, 1)
    assert (shortage.without_conflict, shortage.reason) == (1, ShortageReason.CONFLICTS)
    assert (shortage.message_key, shortage.message_values) == (
        "jury.shortage.conflicts", {"application": 1, "count": 1, "missing": 1, "wanted": 2, "assigned": 1, "free": 1, "full": 0})


def test_an_application_everyone_is_in_conflict_with():
    result = assign(applications=[5], jurors=[10, 20], conflicts={(10, 5), (20, 5)})
    assert result.pairs == () and result.short == {5: 2}
    assert [(s.message_key, s.message_values["missing"]) for s in result.shortages] == [("jury.shortage.no_juror", 2)]


def test_full_jurors_are_a_shortage_of_capacity_and_say_so():
    result = assign(applications=[1, 2], jurors=[10, 20, 30], capacity={10: 1, 20: 1, 30: 0})
    assert len(result.pairs) == 2 and result.short == {1: 1, 2: 1}
    assert {s.reason for s in result.shortages} == {ShortageReason.CAPACITY}
    first = result.shortages[0]
    assert (first.message_key, first.message_values) == (
        "jury.shortage.capacity", {"application": 1, "count": 1, "missing": 1, "wanted": 2, "assigned": 1, "free": 3, "full": 2})


def test_a_full_juror_passes_an_application_on_when_that_is_the_only_way():
    # Both applications have two candidates, so 1 goes first and takes 10 (lightest, lowest id);
    # 2 can only have 10 (30 has no room): 10 hands application 1 over to 20.
    result = assign(
        applications=[1, 2], jurors=[10, 20, 30], per_application=1,
        conflicts={(30, 1), (20, 2)}, capacity={10: 1, 20: 1, 30: 0},
    )
    assert result.pairs == ((10, 2), (20, 1))
    assert result.short == {}


def test_an_extra_juror_is_one_new_juror_and_only_once():
    existing = {(10, 1), (20, 1), (20, 2), (30, 2)}
    result = assign(applications=[1, 2], jurors=[10, 20, 30, 40], existing=existing, extra_for=[1])
    assert result.pairs == ((40, 1),)  # 30 and 40 have no conflict; 40 is lighter
    assert result.loads == {10: 1, 20: 2, 30: 1, 40: 1}
    again = assign(
        applications=[1, 2], jurors=[10, 20, 30, 40], existing=existing | set(result.pairs), extra_for=[1]
    )
    assert again.pairs == ()


def test_existing_pairs_are_kept_counted_and_never_repeated():
    existing = {(10, 1), (10, 50), (10, 51)}  # 50 and 51: applications of another round
    result = assign(applications=[1, 2], jurors=[10, 20, 30], existing=existing)
    assert (10, 1) not in result.pairs
    assert jurors_of(result, 1, existing) == {10, 20} or jurors_of(result, 1, existing) == {10, 30}
    assert len(jurors_of(result, 2)) == 2 and 10 not in jurors_of(result, 2)
    assert result.loads[10] == 3 and sum(result.loads.values()) == 3 + len(result.pairs)


def test_no_jurors_per_application_but_an_extra_one():
    result = assign(applications=[1, 2], jurors=[10, 20], per_application=0, extra_for={2})
    assert result.pairs == ((10, 2),)


def test_nothing_to_assign():
    assert assign(applications=[], jurors=[1, 2]) == Assignment(pairs=(), loads={1: 0, 2: 0}, short={})
    assert assign(applications=[1], jurors=[]).short == {1: 2}


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"applications": [1, 1], "jurors": [10]}, "application ids listed more than once: [1]"),
        ({"applications": [1], "jurors": [10, 10]}, "juror ids listed more than once: [10]"),
        ({"applications": [1], "jurors": [10], "per_application": -1}, "whole number >= 0"),
        ({"applications": [1], "jurors": [10], "extra_for": [2]}, "not in this round: [2]"),
        ({"applications": [1], "jurors": [10], "capacity": {10: -1}}, "negative capacity for jurors [10]"),
        ({"applications": [1], "jurors": [10], "existing": [(11, 1)]}, "jurors not in the jury: [(11, 1)]"),
        (
            {"applications": [1], "jurors": [10], "existing": [(10, 1)], "conflicts": [(10, 1)]},
            "withdraw them first: [(10, 1)]",
        ),
    ],
)
def test_input_that_cannot_describe_a_round_is_refused(arguments, message):
    with pytest.raises(AssignmentInputError, match=re.escape(message)):
        assign(**arguments)


# --- Random rounds ---------------------------------------------------------------------


@st.composite
def rounds(draw, *, max_applications: int, max_jurors: int, max_n: int = 3):
    """A round with arbitrary ids, conflicts from none to dense, existing pairs, capacities, extras."""
    applications = draw(st.lists(st.integers(1, 500), unique=True, max_size=max_applications))
    jurors = draw(st.lists(st.integers(1, 500), unique=True, max_size=max_jurors))
    others = draw(st.lists(st.integers(501, 510), unique=True, max_size=2))  # applications of another round
    density = draw(st.sampled_from([0.0, 0.2, 0.5, 0.8]))
    seed = draw(st.integers(0, 2**32))
    rng = random.Random(seed)
    conflicts = {(j, a) for j in jurors for a in applications if rng.random() < density}
    free = [(j, a) for j in jurors for a in [*applications, *others] if (j, a) not in conflicts]
    existing_rate = draw(st.sampled_from([0.0, 0.1, 0.3]))
    existing = {pair for pair in free if rng.random() < existing_rate}
    capacity = {j: draw(st.integers(0, 4)) for j in draw(st.lists(st.sampled_from(jurors), unique=True))} if jurors else {}
    extra_for = set(draw(st.lists(st.sampled_from(applications), unique=True))) if applications else set()
    return {
        "applications": applications,
        "jurors": jurors,
        "per_application": draw(st.integers(0, max_n)),
        "conflicts": conflicts,
        "existing": existing,
        "capacity": capacity,
        "extra_for": extra_for,
    }


class Round:
    """The specification, from first principles, as the checkers use it."""

    def __init__(self, case: dict):
        self.case = case
        self.applications, self.jurors = case["applications"], case["jurors"]
        self.conflicts, self.existing, self.capacity = case["conflicts"], case["existing"], case["capacity"]
        self.wanted = {a: case["per_application"] + (a in case["extra_for"]) for a in self.applications}
        self.existing_on = {a: sum(1 for _, b in self.existing if b == a) for a in self.applications}
        self.existing_load = {j: sum(1 for i, _ in self.existing if i == j) for j in self.jurors}
        self.candidates = {
            a: [j for j in self.jurors if (j, a) not in self.conflicts and (j, a) not in self.existing]
            for a in self.applications
        }
        self.demand = {a: max(0, self.wanted[a] - self.existing_on[a]) for a in self.applications}
        unlimited = len(self.applications) * len(self.jurors)
        self.room = {
            j: max(0, self.capacity[j] - self.existing_load[j]) if j in self.capacity else unlimited
            for j in self.jurors
        }

    def valid(self, new: set[tuple[int, int]]) -> bool:
        return (
            all(a in self.candidates and j in self.candidates[a] for j, a in new)
            and all(sum(1 for _, b in new if b == a) <= self.demand[a] for a in self.applications)
            and all(sum(1 for i, _ in new if i == j) <= self.room[j] for j in self.jurors)
        )

    def totals(self, new) -> dict[int, int]:
        return {a: self.existing_on[a] + sum(1 for _, b in new if b == a) for a in self.applications}

    def loads(self, new) -> dict[int, int]:
        return {j: self.existing_load[j] + sum(1 for i, _ in new if i == j) for j in self.jurors}

    def has_room(self, j: int, loads: dict[int, int]) -> bool:
        return j not in self.capacity or loads[j] < self.capacity[j]

    def profile(self, new, k: int) -> int:
        """Slots counted up to k per application."""
        return sum(min(t, k) for t in self.totals(new).values())

    def best_profile_by_cut(self, k: int) -> int:
        """Max-flow/min-cut: the largest profile(k) any valid assignment reaches."""
        limit = {a: max(0, min(self.wanted[a], k) - self.existing_on[a]) for a in self.applications}
        best = None
        for size in range(len(self.applications) + 1):
            for side in itertools.combinations(self.applications, size):
                cut = sum(limit[a] for a in self.applications if a not in side)
                cut += sum(min(self.room[j], sum(1 for a in side if j in self.candidates[a])) for j in self.jurors)
                best = cut if best is None else min(best, cut)
        return sum(min(self.existing_on[a], k) for a in self.applications) + best

    def all_assignments(self):
        """Every valid set of new pairs (tiny rounds only)."""
        choices = [
            [
                [(j, a) for j in chosen]
                for size in range(self.demand[a] + 1)
                for chosen in itertools.combinations(self.candidates[a], size)
            ]
            for a in self.applications
        ]
        for combination in itertools.product(*choices):
            new = {pair for pairs in combination for pair in pairs}
            loads = self.loads(new)
            if all(loads[j] - self.existing_load[j] <= self.room[j] for j in self.jurors):
                yield new

    def improving_chain(self, new) -> tuple[int, ...] | None:
        """A chain j0 -> ... -> jk handing new applications on, ending light and with room, if any."""
        loads = self.loads(new)
        taken = set(new) | set(self.existing)
        for start in self.jurors:
            reached = {start: (start,)}
            frontier = [start]
            while frontier:
                h = frontier.pop()
                for a in [b for i, b in new if i == h]:
                    for c in self.jurors:
                        if c not in reached and (c, a) not in self.conflicts and (c, a) not in taken:
                            reached[c] = (*reached[h], c)
                            frontier.append(c)
            for c, path in reached.items():
                if c != start and self.has_room(c, loads) and loads[c] <= loads[start] - 2:
                    return path
        return None


def check_safety(spec: Round, result: Assignment) -> set[tuple[int, int]]:
    new = set(result.pairs)
    assert len(new) == len(result.pairs) and list(result.pairs) == sorted(result.pairs)
    assert not new & set(spec.conflicts) and not new & set(spec.existing)
    assert spec.valid(new)
    assert result.loads == spec.loads(new)
    totals = spec.totals(new)
    assert result.short == {a: spec.wanted[a] - totals[a] for a in spec.applications if totals[a] < spec.wanted[a]}
    for shortage in result.shortages:
        a = shortage.application
        without_conflict = spec.existing_on[a] + len(spec.candidates[a])
        assert shortage.without_conflict == without_conflict
        expected = ShortageReason.CONFLICTS if without_conflict < spec.wanted[a] else ShortageReason.CAPACITY
        assert shortage.reason is expected
        assert shortage.message_values["application"] == a and shortage.message_values["missing"] == shortage.missing
    return new


@settings(max_examples=300, deadline=None)
@given(rounds(max_applications=3, max_jurors=4, max_n=2))
def test_tiny_rounds_against_every_possible_assignment(case):
    spec = Round(case)
    new = check_safety(spec, assign(**case))
    everything = list(spec.all_assignments())
    # 1. Coverage: for every k, no assignment has more slots counted up to k per application.
    for k in range(1, 4):
        assert spec.profile(new, k) == max(spec.profile(other, k) for other in everything)
    # 3. Balance: among the assignments with as many new pairs, none is more even.
    most = max(len(other) for other in everything)
    assert len(new) == most
    if spec.jurors:
        rivals = [spec.loads(other) for other in everything if len(other) == most]
        loads = spec.loads(new)
        assert sum(v * v for v in loads.values()) == min(sum(v * v for v in r.values()) for r in rivals)
        assert max(loads.values()) == min(max(r.values()) for r in rivals)
        assert min(loads.values()) == max(min(r.values()) for r in rivals)


@settings(max_examples=200, deadline=None)
@given(rounds(max_applications=7, max_jurors=8))
def test_small_rounds_cover_as_much_as_the_min_cut_allows_and_have_no_improving_chain(case):
    spec = Round(case)
    new = check_safety(spec, assign(**case))
    for k in range(1, 5):
        assert spec.profile(new, k) == spec.best_profile_by_cut(k)
    assert spec.improving_chain(new) is None


@settings(max_examples=100, deadline=None)
@given(rounds(max_applications=40, max_jurors=12))
def test_larger_rounds_are_safe_have_no_improving_chain_and_fill_what_conflicts_allow(case):
    spec = Round(case)
    new = check_safety(spec, assign(**case))
    assert spec.improving_chain(new) is None
    if not case["capacity"]:
        # Without capacities, each application alone decides: all it wants, or all its candidates.
        totals = spec.totals(new)
        for a in spec.applications:
            assert totals[a] == max(spec.existing_on[a], min(spec.wanted[a], spec.existing_on[a] + len(spec.candidates[a])))
        assert all(s.reason is ShortageReason.CONFLICTS for s in assign(**case).shortages)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 60), st.integers(1, 15), st.integers(0, 4),
    st.one_of(st.none(), st.integers(0, 10)),
)
def test_without_conflicts_or_existing_pairs_loads_differ_by_at_most_one(applications, jurors, n, cap):
    capacity = None if cap is None else {j: cap for j in range(0, jurors, 2)}  # every other juror capped
    result = assign(applications=range(applications), jurors=range(jurors), per_application=n, capacity=capacity)
    loads = result.loads
    if capacity is None:
        assert max(loads.values()) - min(loads.values()) <= 1
        assert result.short == ({a: n - jurors for a in range(applications)} if n > jurors else {})
    else:
        with_room = [j for j in loads if j not in capacity or loads[j] < capacity[j]]
        assert all(loads[j] >= max(loads.values()) - 1 for j in with_room)


@settings(max_examples=100, deadline=None)
@given(rounds(max_applications=20, max_jurors=8), st.randoms(use_true_random=False))
def test_the_same_round_in_any_order_gives_the_same_assignment(case, rng):
    first = assign(**case)
    assert assign(**case) == first
    shuffled = {key: list(value) if not isinstance(value, (int, dict)) else value for key, value in case.items()}
    for key in ("applications", "jurors", "conflicts", "existing", "extra_for"):
        rng.shuffle(shuffled[key])
    shuffled["capacity"] = dict(reversed(list(case["capacity"].items())))
    assert assign(**shuffled) == first


def test_a_national_round_is_quick():
    """Order of magnitude only: 3,000 applications x 60 jurors x 2 with 5 % conflicts (see bench/)."""
    rng = random.Random(7)
    applications, jurors = range(3000), range(60)
    conflicts = {(j, a) for a in applications for j in jurors if rng.random() < 0.05}
    start = time.perf_counter()
    result = assign(applications=applications, jurors=jurors, conflicts=conflicts)
    print(f"\nnational round assigned in {(time.perf_counter() - start) * 1000:.0f} ms")
    assert result.short == {} and len(result.pairs) == 6000
    assert max(result.loads.values()) - min(result.loads.values()) <= 1
