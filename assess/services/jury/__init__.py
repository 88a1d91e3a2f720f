"""The national jury at work, one module per part:

- :mod:`.conflicts`: conflicts of interest (found from the schools by
  :mod:`assess.domain.conflicts`, declared, removed, waived; teachers' declarations
  waiting for the office);
- :mod:`.standing`: standing conflicts, between a juror and a teacher or a school, in
  every round;
- :mod:`.assignment`: who judges what (automatic, by hand, one juror more, moving
  applications from one juror to another);
- :mod:`.scoring`: a juror's blind work (drafts, submission, the others' scores after);
- :mod:`.aggregates`: the office's view of an application across its jurors;
- :mod:`.reliability`: agreement between jurors and each juror's severity;
- :mod:`.progress`: how far the jury is in a round, each juror against the scoring
  deadline (the late list), and a juror's work by round;
- the private modules (``_common``, ``_conflicts``, ``_facts``, ``_aggregates``,
  ``_capacity``): the building blocks they share, which check no actor; other services
  may use them, pages and the command line never.

Who may see and do what is decided by the named rules of
:mod:`assess.domain.permissions` (see docs/jury.md). The names below are the package's
public interface: callers write ``jury.auto_assign(...)``.
"""

from assess.domain.conflicts import AUTOMATIC_KINDS
from assess.services.jury._common import COMMENT_MAX, NOTE_MAX, items_of
from assess.services.jury.aggregates import (
    ApplicationAggregate,
    aggregates,
    round_aggregates,
    round_jurors,
)
from assess.services.jury.assignment import (
    REASSIGN_MAX,
    ApplicationToAssign,
    AssignmentReport,
    Reassignment,
    ReassignmentDropsScores,
    ReassignmentRefused,
    applications_to_assign,
    assign_juror,
    auto_assign,
    jurors_for_round,
    reassign,
    request_extra_juror,
    unassign_juror,
)
from assess.services.jury.capacity import CAPACITY_MAX, capacity_of, set_capacity
from assess.services.jury.conflicts import (
    OWN_APPLICATION,
    ConflictedJuror,
    ConflictView,
    PendingDeclaration,
    WaiverView,
    confirm_declaration,
    conflict_kinds,
    declare_conflict,
    dismiss_declaration,
    list_conflicts,
    list_waivers,
    pending_declarations,
    remove_conflict,
    waive_conflict,
)
from assess.services.jury.facts import application_facts, round_facts
from assess.services.jury.progress import (
    DUE_SOON_DAYS,
    JurorProgress,
    JurorWork,
    RoundProgress,
    RoundWork,
    juror_progress,
    late_jurors,
    my_work,
    progress,
)
from assess.services.jury.reliability import ItemReliability, JurorSeverity, RoundReliability, reliability
from assess.services.jury.scoring import (
    AssignmentItem,
    ItemScore,
    JurorScores,
    assignment_of,
    my_assignments,
    other_scores,
    save_score,
    submit_scores,
)
from assess.services.jury.standing import (
    StandingChoices,
    StandingConflictView,
    StandingInRound,
    list_standing_conflicts,
    record_standing_conflict,
    remove_standing_conflict,
    standing_choices,
    standing_in_round,
)

__all__ = [
    "AUTOMATIC_KINDS",
    "CAPACITY_MAX",
    "COMMENT_MAX",
    "DUE_SOON_DAYS",
    "NOTE_MAX",
    "OWN_APPLICATION",
    "REASSIGN_MAX",
    "ApplicationAggregate",
    "ApplicationToAssign",
    "AssignmentItem",
    "AssignmentReport",
    "ConflictView",
    "ConflictedJuror",
    "ItemReliability",
    "ItemScore",
    "JurorProgress",
    "JurorScores",
    "JurorSeverity",
    "JurorWork",
    "PendingDeclaration",
    "Reassignment",
    "ReassignmentDropsScores",
    "ReassignmentRefused",
    "RoundProgress",
    "RoundReliability",
    "RoundWork",
    "StandingChoices",
    "StandingConflictView",
    "StandingInRound",
    "WaiverView",
    "aggregates",
    "application_facts",
    "applications_to_assign",
    "assign_juror",
    "assignment_of",
    "auto_assign",
    "capacity_of",
    "confirm_declaration",
    "conflict_kinds",
    "declare_conflict",
    "dismiss_declaration",
    "items_of",
    "juror_progress",
    "jurors_for_round",
    "late_jurors",
    "list_conflicts",
    "list_standing_conflicts",
    "list_waivers",
    "my_assignments",
    "my_work",
    "other_scores",
    "pending_declarations",
    "progress",
    "reassign",
    "record_standing_conflict",
    "reliability",
    "remove_conflict",
    "remove_standing_conflict",
    "request_extra_juror",
    "round_aggregates",
    "round_facts",
    "round_jurors",
    "save_score",
    "set_capacity",
    "standing_choices",
    "standing_in_round",
    "submit_scores",
    "unassign_juror",
    "waive_conflict",
]
