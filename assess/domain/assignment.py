"""Automatic assignment of national jurors to label applications, balanced as HotCRP does.

Pure Python, no Streamlit, no SQL: the jury service passes ids in and stores the new
pairs that :func:`assign` returns. See docs/jury.md, "How jurors are assigned".

Words used below. An application *wants* ``per_application`` jurors (N), or N + 1 when
it is in ``extra_for`` (the jurors disagree: one extra juror, counted with the ones it
has, so running the assignment again does not add a second extra juror). A juror is a
*candidate* for an application when the pair is not in ``conflicts`` and not already in
``existing``. A juror's *load* is the number of applications they have, existing pairs
included (also those of applications not being assigned now). A juror *has room* while
their load is below their ``capacity`` (no capacity: always).

What :func:`assign` guarantees:

1. Coverage. No application gets more jurors than it wants, and no other assignment
   that respects conflicts, existing pairs and capacities does better on coverage: for
   every k >= 1, the number of (application, juror) slots counted up to k per
   application, sum over a of min(jurors of a, k), is the largest possible. So as many
   applications as possible have a first juror, then as many as possible a second,
   and so on; the total of new pairs is the largest possible. Without capacities this
   means: every application gets what it wants whenever it has that many jurors without
   a conflict, and otherwise all of them (proof at :func:`_fill`). ``short`` says how
   many jurors each application still lacks, and each :class:`Shortage` why (a catalogue key and its values).
2. Safety. No new pair is in ``conflicts`` or in ``existing``; existing pairs are kept
   and counted, and no pair is listed twice.
3. Balance. Only new pairs move. There is no *improving chain*: jurors j0, j1, ..., jk
   where each j(i-1) hands one of their new applications to j(i) (who has no conflict
   with it and does not already have it), jk has room and load(jk) <= load(j0) - 2.
   Consequently no other assignment with as many new pairs has a smaller maximum load,
   a larger minimum load or a smaller sum of squared loads (proof at :func:`_balance`).
   In particular, with no conflicts, no existing pairs and no capacities, the loads of
   any two jurors differ by at most one; with capacities, every juror who has room has
   a load of at least the maximum load minus one.
4. Determinism. The result depends only on the sets of ids and pairs given, never on
   their order: ties are broken by the smallest id, so the office can reproduce an
   assignment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise


class AssignmentInputError(ValueError):
    """Input that cannot describe a jury round: duplicate ids, unknown jurors, a conflicting existing pair..."""


class ShortageReason(StrEnum):
    #: Fewer jurors without a conflict than the application wants.
    CONFLICTS = "conflicts"
    #: Enough jurors without a conflict, but those not on the application have reached their maximum.
    CAPACITY = "capacity"


@dataclass(frozen=True)
class Shortage:
    """An application left with fewer jurors than it wants, and the figures that say why."""

    application: int
    wanted: int
    assigned: int  # existing and new jurors together
    without_conflict: int  # jurors of the jury with no conflict with it, assigned to it or not
    at_capacity: int  # of those, the ones not assigned to it who have no room left
    reason: ShortageReason

    @property
    def missing(self) -> int:
        return self.wanted - self.assigned

    @property
    def message_key(self) -> str:
        """The catalogue key of the sentence that explains the shortage (translated at the
        edge with :attr:`message_values`)."""
        if self.reason is ShortageReason.CONFLICTS:
            return "jury.shortage.no_juror" if self.without_conflict == 0 else "jury.shortage.conflicts"
        return "jury.shortage.capacity"

    @property
    def message_values(self) -> dict[str, int]:
        return {"application": self.application, "count": self.missing, "missing": self.missing, "wanted": self.wanted,
                "assigned": self.assigned, "free": self.without_conflict, "full": self.at_capacity}


@dataclass(frozen=True)
class Assignment:
    #: The new (juror, application) pairs only, sorted.
    pairs: tuple[tuple[int, int], ...]
    #: Every juror's total load, existing pairs included, by juror id.
    loads: Mapping[int, int]
    #: Application -> jurors it still lacks; only applications that lack some are listed.
    short: Mapping[int, int]
    shortages: tuple[Shortage, ...] = field(default=())


def assign(
    *,
    applications: Sequence[int],
    jurors: Sequence[int],
    per_application: int = 2,
    conflicts: Collection[tuple[int, int]] = (),
    existing: Collection[tuple[int, int]] = (),
    capacity: Mapping[int, int] | None = None,
    extra_for: Collection[int] = (),
) -> Assignment:
    """Assign jurors to applications with the guarantees of the module docstring.

    ``conflicts`` and ``existing`` are (juror, application) pairs; conflicts naming ids
    outside the round are ignored, and existing pairs of other applications count in
    their juror's load only. ``capacity`` maps a juror to their maximum total load
    (existing pairs included); a juror left out has no maximum. Raises
    :class:`AssignmentInputError` for duplicate ids, a negative N or capacity, an
    ``extra_for`` application outside ``applications``, an existing pair whose juror is
    not in ``jurors``, or an existing pair that is also a conflict (withdraw it first).
    """
    capacity = capacity or {}
    app_ids, juror_ids = _check(applications, jurors, per_application, conflicts, existing, capacity, extra_for)
    app_index = {a: i for i, a in enumerate(app_ids)}
    juror_index = {j: i for i, j in enumerate(juror_ids)}
    conflict_set = set(conflicts)
    existing_set = set(existing)

    # Work on indices in id order: scanning jurors in ascending index is what breaks ties by id.
    existing_on = [0] * len(app_ids)
    load = [0] * len(juror_ids)
    for juror, application in existing_set:
        load[juror_index[juror]] += 1
        if application in app_index:
            existing_on[app_index[application]] += 1
    extra = set(extra_for)
    wanted = [per_application + (a in extra) for a in app_ids]
    candidates = [
        [i for i, j in enumerate(juror_ids) if (j, a) not in conflict_set and (j, a) not in existing_set]
        for a in app_ids
    ]
    # "No maximum" is a room no juror can use up: there are never more new pairs than this.
    unlimited = sum(len(c) for c in candidates)
    room = [max(0, capacity[j] - load[i]) if j in capacity else unlimited for i, j in enumerate(juror_ids)]

    state = _State(candidates=candidates, load=load, room=room)
    _fill(state, wanted=wanted, existing_on=existing_on)
    _balance(state)

    pairs = tuple(sorted((juror_ids[j], app_ids[a]) for a, held in enumerate(state.new) for j in held))
    shortages = tuple(
        Shortage(
            application=app_ids[a],
            wanted=wanted[a],
            assigned=existing_on[a] + len(state.new[a]),
            without_conflict=existing_on[a] + len(candidates[a]),
            at_capacity=sum(1 for j in candidates[a] if j not in state.new[a] and state.room[j] == 0),
            reason=(
                ShortageReason.CONFLICTS
                if existing_on[a] + len(candidates[a]) < wanted[a]
                else ShortageReason.CAPACITY
            ),
        )
        for a in range(len(app_ids))
        if existing_on[a] + len(state.new[a]) < wanted[a]
    )
    return Assignment(
        pairs=pairs,
        loads={j: state.load[i] for i, j in enumerate(juror_ids)},
        short={s.application: s.missing for s in shortages},
        shortages=shortages,
    )


def _check(applications: Sequence[int], jurors: Sequence[int], per_application: object,
           conflicts: Collection[tuple[int, int]], existing: Collection[tuple[int, int]],
           capacity: Mapping[int, int], extra_for: Collection[int]) -> tuple[list[int], list[int]]:
    app_ids, juror_ids = sorted(applications), sorted(jurors)
    for kind, ids in (("application", app_ids), ("juror", juror_ids)):
        repeated = sorted({i for i, k in pairwise(ids) if i == k})
        if repeated:
            raise AssignmentInputError(f"{kind} ids listed more than once: {repeated}")
    if isinstance(per_application, bool) or not isinstance(per_application, int) or per_application < 0:
        raise AssignmentInputError(f"jurors per application must be a whole number >= 0, not {per_application!r}")
    known_apps, known_jurors = set(app_ids), set(juror_ids)
    unknown_extra = sorted(set(extra_for) - known_apps)
    if unknown_extra:
        raise AssignmentInputError(f"extra juror asked for applications not in this round: {unknown_extra}")
    negative = sorted(j for j, c in capacity.items() if j in known_jurors and c < 0)
    if negative:
        raise AssignmentInputError(f"negative capacity for jurors {negative}")
    strangers = sorted({pair for pair in existing if pair[0] not in known_jurors})
    if strangers:
        raise AssignmentInputError(f"existing assignments of jurors not in the jury: {strangers}")
    conflicting = sorted(set(existing) & set(conflicts))
    if conflicting:
        raise AssignmentInputError(f"existing assignments that are conflicts, withdraw them first: {conflicting}")
    return app_ids, juror_ids


class _State:
    """The assignment being built; applications and jurors are indices in id order."""

    def __init__(self, *, candidates: list[list[int]], load: list[int], room: list[int]):
        self.candidates = candidates  # per application, ascending
        self.load = load  # per juror, existing pairs included
        self.room = room  # per juror, how many more applications they may take
        self.new: list[set[int]] = [set() for _ in candidates]  # per application: its new jurors
        self.held: list[set[int]] = [set() for _ in load]  # per juror: their new applications

    def give(self, juror: int, application: int) -> None:
        self.new[application].add(juror)
        self.held[juror].add(application)
        self.load[juror] += 1
        self.room[juror] -= 1

    def take_back(self, juror: int, application: int) -> None:
        self.new[application].remove(juror)
        self.held[juror].remove(application)
        self.load[juror] -= 1
        self.room[juror] += 1


def _fill(state: _State, *, wanted: list[int], existing_on: list[int]) -> None:
    """Add as many new pairs as possible, first jurors first (guarantee 1).

    It is a maximum flow: source -> application (capacity: new jurors it may still
    take), application -> candidate juror (1), juror -> sink (room). Round k raises each
    application's capacity to what takes it to min(wanted, k) jurors and augments to a
    maximum flow. Round k's maximum is the largest sum over a of min(jurors of a, k):
    counting up to k per application only drops pairs, which keeps any assignment
    valid. An augmenting path never lowers the flow into an application (it leaves the
    source once and never returns), so later rounds keep every earlier round's maximum.

    Without capacities, per application suffices: by max-flow/min-cut the maximum is the
    least, over sets S of applications, of the wants of applications outside S plus,
    for each juror, min(room, candidacies in S); with unlimited room that is the sum
    over applications of min(want, candidates), which each application reaches alone.

    Each path is searched breadth-first, cheapest first: a candidate with room and the
    lowest load (then the lowest id); only when none has room does the search go through
    full jurors, one of whom passes an application on to another juror. When a search
    fails, nothing it reached can ever reach a juror with room (an augmenting path that
    entered that closed set could not leave it), so it is never searched again.
    """
    count = len(state.candidates)
    # Most constrained first: fewest candidates, then lowest id.
    order = sorted(range(count), key=lambda a: (len(state.candidates[a]), a))
    dead_applications, dead_jurors = [False] * count, [False] * len(state.load)
    for k in range(1, max(wanted, default=0) + 1):
        for a in order:
            goal = max(0, min(wanted[a], k) - existing_on[a])
            while len(state.new[a]) < goal and not dead_applications[a]:
                if not _augment(state, a, dead_applications, dead_jurors):
                    break


def _augment(state: _State, start: int, dead_applications: list[bool], dead_jurors: list[bool]) -> bool:
    """Give ``start`` one more juror, moving others' applications if needed; False if impossible."""
    best = None
    for j in state.candidates[start]:
        if state.room[j] > 0 and j not in state.new[start] and (best is None or state.load[j] < state.load[best]):
            best = j
    if best is not None:
        state.give(best, start)
        return True

    # Breadth-first: a juror reached from application u would take u; an application
    # reached from juror j would be dropped by j and need another juror.
    takes: dict[int, int] = {}
    dropped_by: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for j in state.candidates[u]:
            if j in takes or dead_jurors[j] or j in state.new[u]:
                continue
            takes[j] = u
            if state.room[j] > 0:
                _apply_path(state, j, takes, dropped_by)
                return True
            for v in sorted(state.held[j]):
                if v not in dropped_by and not dead_applications[v]:
                    dropped_by[v] = j
                    queue.append(v)
    for v in dropped_by:
        dead_applications[v] = True
    for j in takes:
        dead_jurors[j] = True
    return False


def _apply_path(state: _State, end: int, takes: dict[int, int], dropped_by: dict[int, int | None]) -> None:
    juror = end  # has room: takes one more application; everyone before them swaps one for one
    while True:
        application = takes[juror]
        state.give(juror, application)
        previous = dropped_by[application]
        if previous is None:
            return
        state.take_back(previous, application)
        juror = previous


def _balance(state: _State) -> None:
    """Move new pairs along improving chains until none is left (guarantee 3).

    Each chain lowers load(j0) by one, raises load(jk) by one and leaves every other
    load as it is, so the sum of squared loads drops by 2 (load(j0) - load(jk) - 1) >= 2:
    the loop ends. No application gains or loses a juror, so guarantee 1 still holds.

    Why no chain means "most even": take the flow network of :func:`_fill` with a cost
    f(load) per juror, f convex. Among flows of maximum value, a flow is cheapest iff
    its residual network has no negative cycle. A cycle through both the source and the
    sink would contain an augmenting path, which a maximum flow has none of; a cycle
    through neither costs nothing; a cycle through the sink only is a chain j0 ... jk
    and costs f(load(jk) + 1) - f(load(jk)) - f(load(j0)) + f(load(j0) - 1), negative
    only if load(jk) <= load(j0) - 2 by convexity. So with no chain the loads minimise
    the sum of f for every convex f: the maximum load (f = max(0, load - m)), minus the
    minimum load (f = max(0, m - load)) and the sum of squares are all the best possible.
    """
    jurors = range(len(state.load))
    # witness[h][c]: the new applications of h that c could take instead (no conflict, not theirs yet).
    witness: list[list[set[int]]] = [[set() for _ in jurors] for _ in jurors]

    def link(application: int, present: bool) -> None:
        holders = state.new[application]
        for h in holders:
            row = witness[h]
            for c in state.candidates[application]:
                if c not in holders:
                    if present:
                        row[c].add(application)
                    else:
                        row[c].discard(application)

    for a in range(len(state.new)):
        link(a, True)
    while (chain := _improving_chain(state, witness)) is not None:
        # Choose every step's application before moving any, then move from the end back,
        # so that no juror on the way is ever above their room.
        moves = [(h, c, min(witness[h][c])) for h, c in pairwise(chain)]
        touched = sorted({a for _, _, a in moves})
        for a in touched:
            link(a, False)
        for h, c, a in reversed(moves):
            state.take_back(h, a)
            state.give(c, a)
        for a in touched:
            link(a, True)


def _improving_chain(state: _State, witness: list[list[set[int]]]) -> list[int] | None:
    """The chain from the heaviest possible j0 to its lightest reachable jk (then lowest ids), or None."""
    with_room = [j for j in range(len(state.load)) if state.room[j] > 0]
    if not with_room:
        return None
    lightest = min(state.load[j] for j in with_room)
    for j0 in sorted(range(len(state.load)), key=lambda j: (-state.load[j], j)):
        if state.load[j0] < lightest + 2:
            return None  # every later j0 is lighter still
        if not state.held[j0]:
            continue
        came_from: dict[int, int | None] = {j0: None}
        queue = deque([j0])
        while queue:
            h = queue.popleft()
            row = witness[h]
            for c in range(len(row)):
                if row[c] and c not in came_from:
                    came_from[c] = h
                    queue.append(c)
        targets = [c for c in came_from if state.room[c] > 0 and state.load[c] <= state.load[j0] - 2]
        if targets:
            step: int | None = min(targets, key=lambda c: (state.load[c], c))
            chain = []
            while step is not None:
                chain.append(step)
                step = came_from[step]
            return chain[::-1]
    return None
