"""The loader's jury: label rounds' applications, conflicts, assignments, scores and decisions."""

from __future__ import annotations

import random
from datetime import timedelta

from assess.domain.assignment import assign
from assess.domain.jury import ItemAggregate, aggregate_items
from assess.domain.project_choices import subject_names
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.scoring import Outcome, score_aggregates
from assess.domain.states import ApplicationStatus, AssignmentOrigin, RoundKind, Verdict
from assess.services.demo import JURY_COMMENTS, TEXTS
from assess.services.demo_national.country import CONSENSUS_NOTE, RECHECK_NOTE
from assess.services.demo_national.draws import _level
from assess.services.demo_national.plans import _Person, _Project
from assess.services.demo_national.sizes import ROUND_MARK
from assess.services.demo_national.state import _State
from assess.services.demo_national.writer import _insert, _insert_ids
from assess.storage.models import (
    Application,
    Assignment,
    Conflict,
    Decision,
    JurorScore,
    PartnerLabel,
    Round,
    table_of,
)


class _Jury(_State):
    """Part of :class:`~assess.services.demo_national.load._Loader`."""

    # -- the jury --

    def store_round(self, index: int) -> None:
        plan, rng = self.rounds[index], self.rng(f"round-{index}")
        session, actor = self.session, self.actor
        stored = Round(kind=RoundKind.LABEL, name=f"Session des labels {plan.year} {ROUND_MARK}",
                       rubric_version_id=self.rubric_version.id, opens_on=plan.opens_on, closes_on=plan.closes_on,
                       per_application=2, aggregation="mean", disagreement_threshold=2, region_conflicts=False,
                       published_at=plan.published_at, created_by=actor.id, is_demo=True,
                       created_at=self.at(rng, plan.opens_on - timedelta(days=40), plan.opens_on - timedelta(days=10)))
        session.add(stored)
        session.flush()
        plan.id = stored.id
        self.round_ids.append(stored.id)
        self.count(table_of(Round), 1)

        # Applications: a refused project comes back once, as a second application.
        applying, rows = [], []
        for project in self.projects:
            if index not in project.rounds:
                continue
            if project.resubmitted:
                # After a second application the office takes no more of this project
                # (assess.services.applications: jury.errors.second_application_used).
                continue
            resubmission = project.last_outcome == Verdict.NO_LABEL
            if resubmission:
                project.resubmitted = True
                project.quality += 0.5  # they worked on what the jury said
            withdrawn = not resubmission and rng.random() < 0.02
            partners = ", ".join(self._partner(s).name for s in project.partners)
            texts = {c.id: TEXTS.get(c.id, "").format(summary=project.summary, subjects=subject_names(project.subjects, "fr").lower(),
                                                      partners=partners) for c in self.rubric.criteria}
            submitted_at = self.at(rng, plan.opens_on, plan.closes_on)
            recheck = sorted(project.last_levels, key=lambda i: project.last_levels[i])[:2] if resubmission else []
            rows.append({
                "round_id": stored.id, "project_id": project.id, "teacher_id": self.teachers[project.owner].id,
                "school_year": plan.year, "status": ApplicationStatus.WITHDRAWN if withdrawn else ApplicationStatus.SUBMITTED,
                "language": "en" if rng.random() < 0.08 else "fr",
                "eligibility": dict.fromkeys(ELIGIBILITY_QUESTIONS, True), "texts": texts,
                "evidence_links": [project.twinspace_url],
                "resubmission_of": project.last_application if resubmission else None,
                "recheck_criteria": recheck, "recheck_note": RECHECK_NOTE if resubmission else "",
                "submitted_at": submitted_at,
                "withdrawn_at": self.at(rng, submitted_at.date(), plan.closes_on) if withdrawn else None,
            })
            applying.append((project, withdrawn))
        ids = _insert_ids(session, table_of(Application), rows)
        self.count(table_of(Application), len(ids))
        apps = {app_id: project for app_id, (project, withdrawn) in zip(ids, applying, strict=True) if not withdrawn}

        # Conflicts of interest: a juror whose school is the project's or a partner's.
        places: dict[int, list[int]] = {}
        for app_id, project in apps.items():
            for school in {project.school, *(-1 - s for s in project.partners if s < 0)}:
                places.setdefault(school, []).append(app_id)
        conflicts = sorted({(j.id, app_id) for j in self.jurors for app_id in places.get(j.school, ())})
        _insert(session, table_of(Conflict), [
            {"juror_id": juror_id, "application_id": app_id, "kind": "same_school", "note": "",
             "created_by": actor.id, "created_at": self.at(rng, plan.closes_on, plan.closes_on + timedelta(days=2))}
            for juror_id, app_id in conflicts])
        self.count(table_of(Conflict), len(conflicts))

        # Two jurors each, balanced; a third one where the first two disagree.
        jurors = {j.id: j for j in self.jurors}
        first = assign(applications=sorted(apps), jurors=sorted(jurors), per_application=2, conflicts=conflicts)
        if first.short:  # cannot happen with NationalSize.check()'s minimum of jurors and few conflicts
            raise RuntimeError(f"applications left short of jurors: {dict(first.short)}")
        levels: dict[tuple[int, int], dict[str, int]] = {}
        for juror_id, app_id in first.pairs:
            levels[(juror_id, app_id)] = self.levels(rng, apps[app_id], jurors[juror_id])
        on: dict[int, list[int]] = {}
        for juror_id, app_id in first.pairs:
            on.setdefault(app_id, []).append(juror_id)
        disagreeing = sorted(
            app_id for app_id, ids_ in on.items()
            if any(i.disagreement for i in self.aggregate(app_id, ids_, levels)))
        extra = assign(applications=disagreeing, jurors=sorted(jurors), per_application=2, conflicts=conflicts,
                       existing=first.pairs, extra_for=disagreeing) if disagreeing else None
        pairs = [(j, a, AssignmentOrigin.AUTO) for j, a in first.pairs] + [(j, a, AssignmentOrigin.EXTRA) for j, a in (extra.pairs if extra else ())]
        for juror_id, app_id, origin in pairs:
            if origin == AssignmentOrigin.EXTRA:
                levels[(juror_id, app_id)] = self.levels(rng, apps[app_id], jurors[juror_id])
                on[app_id].append(juror_id)

        scoring_ends = max(plan.closes_on + timedelta(days=3), plan.published_at.date() - timedelta(days=5))
        assignment_rows, moments = [], []
        for juror_id, app_id, origin in pairs:
            created = self.at(rng, plan.closes_on, plan.closes_on + timedelta(days=3))
            if origin == AssignmentOrigin.EXTRA:
                created = self.at(rng, plan.closes_on + timedelta(days=10), scoring_ends)
            submitted = self.at(rng, created.date(), scoring_ends)
            submitted = max(submitted, created)
            moments.append(submitted)
            assignment_rows.append({"application_id": app_id, "juror_id": juror_id, "origin": origin,
                                    "submitted_at": submitted, "created_by": actor.id, "created_at": created})
        assignment_ids = _insert_ids(session, table_of(Assignment), assignment_rows)
        self.count(table_of(Assignment), len(assignment_ids))
        score_rows = []
        for (juror_id, app_id, _origin), assignment_id, submitted in zip(pairs, assignment_ids, moments, strict=True):
            given = levels[(juror_id, app_id)]
            for rank, item in enumerate(self.items):
                level = given[item]
                score_rows.append({
                    "assignment_id": assignment_id, "rubric_version_id": self.rubric_version.id, "item_id": item,
                    "level": level, "comment": JURY_COMMENTS[level][(juror_id + rank) % 2],
                    "private_note": "", "updated_at": submitted})
        _insert(session, table_of(JurorScore), score_rows)
        self.count(table_of(JurorScore), len(score_rows))

        # Decisions: what the aggregates give, as the office stages them, published with the round.
        decision_rows = []
        for app_id, project in apps.items():
            items = self.aggregate(app_id, on[app_id], levels)
            found = score_aggregates(self.rubric, {i.item_id: i.aggregate for i in items},
                                     gate_minimums=self.gate_minimums)
            outcome = Verdict.LABEL if found.verdict.outcome is Outcome.PASS else Verdict.NO_LABEL
            decision_rows.append({
                "application_id": app_id, "outcome": outcome,
                "levels": {i.item_id: i.aggregate for i in items if i.aggregate is not None},
                "total": found.total, "percentage": found.percentage,
                "consensus_note": CONSENSUS_NOTE if len(on[app_id]) > 2 else "",
                "staged_by": actor.id,
                "staged_at": min(self.at(rng, scoring_ends, plan.published_at.date()), plan.published_at),
                "published_at": plan.published_at,
            })
            project.last_application, project.last_outcome = app_id, outcome
            project.last_levels = {i.item_id: i.aggregate for i in items if i.aggregate is not None}
        _insert(session, table_of(Decision), decision_rows)
        self.count(table_of(Decision), len(decision_rows))

        # Some labelled projects' partners hold a national label in their own country.
        labels = []
        for project in apps.values():
            if project.last_outcome != Verdict.LABEL or project.partner_labels or rng.random() > 0.35:
                continue
            project.partner_labels = True
            countries = sorted({self._partner(s).country for s in project.partners} - {"FR"})
            for country in rng.sample(countries, k=min(len(countries), rng.choice((1, 1, 2)))):
                labels.append({"project_id": project.id, "country": country, "source": "manual",
                               "created_by": self.teachers[project.owner].id,
                               "created_at": self.at(rng, plan.published_at.date(), self.today)})
        _insert(session, table_of(PartnerLabel), labels)
        self.count(table_of(PartnerLabel), len(labels))
        self.advance(len(rows))

    def levels(self, rng: random.Random, project: _Project, juror: _Person) -> dict[str, int]:
        """A juror's levels: the project's quality, the item, the juror's bias, and noise."""
        return {item: _level(rng, 2.9 + 0.95 * project.quality + project.item_effects[item] + juror.bias, 0.42)
                for item in self.items}

    def aggregate(self, app_id: int, juror_ids: list[int],
                  levels: dict[tuple[int, int], dict[str, int]]) -> tuple[ItemAggregate, ...]:
        return aggregate_items(item_ids=self.items, levels_by_juror={str(j): levels[(j, app_id)] for j in juror_ids},
                               rule="mean", threshold=2)
