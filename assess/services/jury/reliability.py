"""How far the jurors agree: per criterion (and gate) Krippendorff's alpha across the
round's jurors, per juror their severity. Only submitted scores count."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import stats
from assess.domain.jury import severity
from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.rubric import Rubric
from assess.domain.states import ApplicationStatus
from assess.services import _settings_values, rounds
from assess.services.access import permitted
from assess.services.jury._common import find_round, items_of
from assess.storage.models import Application, Assignment, JurorScore, User


@dataclass(frozen=True)
class ItemReliability:
    item_id: str
    alpha: float  # NaN when undefined
    reading: str  # reliable, tentative, unreliable, undefined
    #: Why alpha is undefined, a code put in words where it is read
    #: (:func:`assess.stats.reason_text`); None when it is defined.
    reason: stats.AlphaUndefined | None
    units: int  # applications with at least one level
    pairable: int  # levels in applications scored by two jurors or more
    #: The level every pairable value shares, when that is the reason.
    equal_value: float | None = None


@dataclass(frozen=True)
class JurorSeverity:
    juror_id: int
    name: str
    #: Mean of (their level - their co-jurors' mean) on the same applications and items:
    #: below 0 harsher, above 0 more lenient; None without a co-juror.
    mean_deviation: float | None
    compared: int
    applications: int
    flagged: bool


@dataclass(frozen=True)
class RoundReliability:
    round_id: int
    rubric: Rubric
    items: tuple[ItemReliability, ...]
    jurors: tuple[JurorSeverity, ...]
    severity_threshold: float

    def to_dict(self, *, lang: str = "en") -> dict:
        def number(value: float | None) -> float | None:
            return None if value is None or math.isnan(value) else round(value, 4)

        return {
            "round": self.round_id,
            "rubric": {"id": self.rubric.id, "version": self.rubric.version},
            "criteria": [{"id": i.item_id, "name": self.rubric.item(i.item_id).name.get(lang), "alpha": number(i.alpha),
                          "reading": i.reading, "reason": i.reason, "units": i.units, "pairable": i.pairable}
                         for i in self.items],
            "severity_threshold": self.severity_threshold,
            "jurors": [{"id": j.juror_id, "name": j.name, "mean_deviation": number(j.mean_deviation),
                        "compared": j.compared, "applications": j.applications, "flagged": j.flagged}
                       for j in self.jurors],
        }


def _submitted_levels(session: Session, round_id: int) -> list[tuple[int, int, str, int | None]]:
    """(juror, application, item, level) of every submitted score of the round."""
    return [(row[0], row[1], row[2], row[3]) for row in session.execute(
        select(Assignment.juror_id, Assignment.application_id, JurorScore.item_id, JurorScore.level)
        .join(JurorScore, JurorScore.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == round_id, Application.status == ApplicationStatus.SUBMITTED,
               Assignment.submitted_at.is_not(None))
        .order_by(Assignment.juror_id, Assignment.application_id, JurorScore.item_id)
    )]


def reliability(session: Session, *, actor: Actor, round_id: int) -> RoundReliability:
    """Per criterion (and gate), Krippendorff's alpha (ordinal) across the round's jurors
    with its reading; per juror, their severity, flagged from the ``severity_threshold``
    setting. Only submitted scores count."""
    if not (permitted(session, actor, "round.manage") or permitted(session, actor, "decision.manage")):
        raise PermissionDenied("round.manage")
    round_ = find_round(session, round_id)
    rubric = rounds.rubric_of(round_)
    rows = _submitted_levels(session, round_.id)
    jurors = sorted({r[0] for r in rows})
    applications = sorted({r[1] for r in rows})
    row_of = {j: i for i, j in enumerate(jurors)}
    column_of = {a: i for i, a in enumerate(applications)}
    items = []
    for item_id in items_of(rubric):
        matrix: list[list[float | None]] = [[None] * len(applications) for _ in jurors]
        for juror, application, item, level in rows:
            if item == item_id and level is not None:
                matrix[row_of[juror]][column_of[application]] = level
        units = sum(1 for u in range(len(applications)) if any(row[u] is not None for row in matrix))
        if jurors and applications:
            result = stats.krippendorff_alpha_explained(matrix, level="ordinal")
            alpha, reason, pairable = result.alpha, result.reason, result.pairable_values
            equal_value = result.equal_value
        else:
            alpha, reason, pairable, equal_value = math.nan, stats.AlphaUndefined.NO_SCORES, 0, None
        items.append(ItemReliability(item_id=item_id, alpha=alpha, reading=stats.reading(alpha), reason=reason,
                                     units=units, pairable=pairable, equal_value=equal_value))
    threshold = float(_settings_values.get(session, "severity_threshold"))
    found = severity(rows, threshold=threshold)
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(jurors))).all()) if jurors else {}
    per_juror = Counter(juror for juror, _ in {(r[0], r[1]) for r in rows})
    return RoundReliability(
        round_id=round_.id, rubric=rubric, items=tuple(items), severity_threshold=threshold,
        jurors=tuple(
            JurorSeverity(juror_id=j, name=names.get(j, ""), mean_deviation=found[j].mean_deviation,
                          compared=found[j].compared, applications=per_juror.get(j, 0), flagged=found[j].flagged)
            for j in jurors
        ),
    )

