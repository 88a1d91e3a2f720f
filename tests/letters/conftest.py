"""Verdict letters built from values made here (the test rubric of the report tests, a
project, an office, the jury's aggregate levels and comments), and published decisions
written straight into the jury tables, so these tests need none of the jury services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from assess.domain.rubric import Rubric, parse_rubric
from assess.domain.scoring import score
from assess.reports.views import CriterionFeedback, OfficeView, PartnerView, ProjectView, VerdictLetterView
from assess.storage.models import Application, Assignment, Decision, JurorScore, Round, RubricVersion
from tests.reports.conftest import rubric_yaml
from tests.services.helpers import make_project, make_user

PUBLISHED_AT = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)
SECRET = "PRIVATE-NOTE-never-for-the-teacher"

OFFICE = OfficeView(
    name="Bureau d'assistance national eTwinning France",
    address="Réseau Canopé\n1 avenue du Futuroscope\n86961 Chasseneuil-du-Poitou",
    signatory="Anne Lefèvre, cheffe du bureau",
    place="Chasseneuil-du-Poitou",
)

LEVELS = {"innovation": 4.5, "curriculum": 3, "collaboration": 5, "technology": 2.5, "results": 4, "safety": 3}

COMMENTS = {
    "innovation": ("Pupils chose the rivers themselves: a real inquiry.", "Original theme,\nwell carried out."),
    "curriculum": ("Clear links with the biology syllabus.",),
    "collaboration": ("Mixed international teams worked on every map.", "Excellent co-operation."),
    "technology": ("The tools suit the pupils' age; more shared documents next time.",),
    "results": ("The results are well documented in the TwinSpace.",),
    "safety": ("Image rights were asked for.",),
}


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return parse_rubric(rubric_yaml())


def make_view(
    rubric: Rubric,
    *,
    application_id: int = 42,
    language: str = "en",
    outcome: str = "label",
    levels: dict | None = None,
    comments: dict | None = None,
    office: OfficeView = OFFICE,
    title: str = "Our rivers, our future",
    teacher: str = "Marie Dupont",
    gate_level: float | None = 3,
    published_at: datetime | None = datetime(2026, 6, 12, 9, 0, tzinfo=UTC),
) -> VerdictLetterView:
    levels = dict(LEVELS if levels is None else levels)
    comments = COMMENTS if comments is None else comments
    feedback = [CriterionFeedback(cid, levels.get(cid), tuple(comments.get(cid, ()))) for cid in levels]
    gates = {}
    if gate_level is not None:
        gates["partner-activity"] = gate_level
        feedback.append(CriterionFeedback("partner-activity", gate_level, ("Every partner's pupils took part.",)))
    return VerdictLetterView(
        application_id=application_id,
        round_name="National Quality Label 2025-2026, June session",
        office=office,
        project=ProjectView(
            id=7,
            title=title,
            summary="Pupils mapped the rivers of their towns.",
            teacher=teacher,
            school="Collège Jean Moulin",
            country="FR",
            start_date=date(2025, 9, 1),
            end_date=date(2026, 5, 20),
            partners=(PartnerView("Liceo Galileo Galilei", "IT"),),
        ),
        language=language,
        rubric=rubric,
        score=score(rubric, levels=levels, gates=gates, fractional=True),
        outcome=outcome,
        feedback=tuple(feedback),
        published_at=published_at,
    )


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace (line breaks, non-breaking spaces) collapsed."""
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join("\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


def pdf_pages(data: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


# -- Published decisions in the database (the jury tables, written directly) ----------


def make_round(session, rubric, name="Labels juin 2026") -> Round:
    # The rubric's snapshot, as creating a round stores it (a test rubric, not an installed one).
    version = session.scalar(select(RubricVersion).where(RubricVersion.rubric_id == rubric.id,
                                                         RubricVersion.version == rubric.version))
    if version is None:
        version = RubricVersion(rubric_id=rubric.id, version=rubric.version, digest=rubric.digest,
                                content=rubric.model_dump(mode="json"))
        session.add(version)
        session.flush()
    stored = Round(kind="label", name=name, rubric_version_id=version.id, opens_on=date(2026, 3, 1),
                   closes_on=date(2026, 5, 31), per_application=2, aggregation="mean", disagreement_threshold=2)
    session.add(stored)
    session.flush()
    return stored


def _application(session, round_, teacher, project, *, language) -> Application:
    stored = Application(round_id=round_.id, project_id=project.id, teacher_id=teacher.id, school_year="2025-2026",
                         language=language, eligibility={}, texts={}, evidence_links=[])
    session.add(stored)
    session.flush()
    return stored


def _scores(session, application, round_, juror, levels, *, comment, submitted=True) -> None:
    assignment = Assignment(application_id=application.id, juror_id=juror.id,
                            submitted_at=PUBLISHED_AT - timedelta(days=10) if submitted else None)
    session.add(assignment)
    session.flush()
    for item, level in levels.items():
        session.add(JurorScore(assignment_id=assignment.id, rubric_version_id=round_.rubric_version_id, item_id=item,
                               level=level, comment=f"{comment} on {item}", private_note=f"{SECRET} ({item})"))
    session.flush()


def make_published_round(session, rubric):
    """A round with two published decisions (FR label, EN no label), one staged only, and
    per application two jurors who submitted and one with a draft; returns (round, ids by title)."""
    marie = make_user(session, email="marie@example.org", name="Marie Dupont")
    paul = make_user(session, email="paul@example.org", name="Paul Martin")
    ana = make_user(session, email="ana@example.org", name="Ana Costa")
    jurors = [make_user(session, email=f"juror{n}@example.org", roles={"juror"}) for n in (1, 2, 3)]
    round_ = make_round(session, rubric)
    items = [c.id for c in rubric.criteria] + [g.id for g in rubric.gates]
    made = {}
    for teacher, title, language, outcome, level, published in (
        (marie, "Our rivers, our future", "fr", "label", 4, PUBLISHED_AT),
        (paul, "Stars over Europe", "en", "no_label", 2, PUBLISHED_AT),
        (ana, "Not yet published", "en", "label", 4, None),
    ):
        project = make_project(session, owner=teacher, title=title)
        application = _application(session, round_, teacher, project, language=language)
        _scores(session, application, round_, jurors[0], {i: level for i in items}, comment=f"Juror A for {title}")
        _scores(session, application, round_, jurors[1], {i: level + 1 for i in items}, comment=f"Juror B for {title}")
        _scores(session, application, round_, jurors[2], {i: 0 for i in items}, comment="DRAFT comment",
                submitted=False)
        aggregate = {i: level + 0.5 for i in items}
        session.add(Decision(application_id=application.id, outcome=outcome, levels=aggregate, total=0, percentage=0,
                             consensus_note="CONSENSUS note of the jury", published_at=published))
        made[title] = application.id
    session.flush()
    return round_, made
