"""A round through the jury services, then its letters: apply, assign, score, decide,
publish, write. Skipped while the jury services are not installed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assess import clock
from assess.domain.permissions import Actor
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.services import letters
from tests.letters.conftest import pdf_text
from tests.services.helpers import make_user

applications = pytest.importorskip("assess.services.applications")
decisions = pytest.importorskip("assess.services.decisions")
jury = pytest.importorskip("assess.services.jury")
rounds = pytest.importorskip("assess.services.rounds")

SYSTEM = Actor.system()
TODAY = clock.today()


def test_published_decisions_become_letters(session, teacher, project, tmp_path):
    from assess.reports.filenames import slug
    from assess.reports.verdict import write_verdict_letters

    round_ = rounds.create_round(session, actor=SYSTEM, kind="label", name="Labels 2026",
                                 opens_on=TODAY - timedelta(days=10), closes_on=TODAY + timedelta(days=10),
                                 rubric_id="etwinning-2021")
    rubric = rounds.rubric_of(round_)
    application = applications.apply(
        session, actor=teacher, round_id=round_.id, project_id=project.id,
        eligibility={q: True for q in ELIGIBILITY_QUESTIONS},
        texts={c.id: f"What we did for {c.id}." for c in rubric.criteria},
        evidence_links=["https://twinspace.example.org/p/1"], language="fr",
    )
    rounds.update_round(session, actor=SYSTEM, round_id=round_.id, opens_on=TODAY - timedelta(days=30),
                        closes_on=TODAY - timedelta(days=1))
    jurors = {j.id: j for j in (make_user(session, email=f"juror{n}@example.org", roles={"juror"}) for n in (1, 2))}
    jury.auto_assign(session, actor=SYSTEM, round_id=round_.id)
    for n, juror in enumerate(jurors.values()):
        assignment = jury.assignment_of(session, actor=juror, application_id=application.id)
        for item in jury.items_of(rubric):
            jury.save_score(session, actor=juror, assignment_id=assignment.id, item_id=item, level=3 + n,
                            comment=f"Juror {n + 1} <b>about</b> {item}.", private_note=f"PRIVATE {n} {item}")
        jury.submit_scores(session, actor=juror, assignment_id=assignment.id)
    assert letters.verdict_letters(session, actor=SYSTEM, round_id=round_.id) == []  # nothing published yet
    decisions.stage_decision(session, actor=SYSTEM, application_id=application.id, outcome="label")
    decisions.publish_round(session, actor=SYSTEM, round_id=round_.id)

    views = letters.verdict_letters(session, actor=SYSTEM, round_id=round_.id)
    assert len(views) == 1
    view = views[0]
    assert view.language == "fr" and view.outcome == "label"
    assert view.score.total == pytest.approx(3.5 * sum(c.weight for c in rubric.criteria if not c.independent))
    [path] = write_verdict_letters(views, out_dir=tmp_path, workers=2)
    assert path.name == f"quality-label-letter-{slug(project.title)}-{application.school_year}-fr.pdf"
    text = pdf_text(path.read_bytes())
    assert "Le label de qualité national est attribué à votre projet." in text
    for criterion in rubric.criteria:
        assert criterion.name.get("fr") in text
        assert f"Juror 1 <b>about</b> {criterion.id}." in text and f"Juror 2 <b>about</b> {criterion.id}." in text
    assert "PRIVATE" not in text
