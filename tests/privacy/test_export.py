"""A person downloads everything the suite stores about them: a ZIP of JSON files and the
PDFs made for them, read back here (zipfile, json, pypdf), holding their data and nobody
else's."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import jury, privacy
from assess.services.errors import NotFound
from assess.storage.db import reading, writing
from assess.storage.models import AuditLog
from tests.letters.conftest import SECRET
from tests.privacy.helpers import MARIES_NOTE, PAULS_NOTE, make_world, read_zip


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def test_the_zip_holds_the_teachers_data_and_nobody_elses(session_factory, world):
    steps = []
    data = privacy.export_bytes(session_factory, actor=world.marie, user_id=world.marie.id,
                                progress=lambda done, total: steps.append((done, total)))
    documents, pdfs, everything = read_zip(data)

    assert documents["account.json"]["email"] == "marie@example.org"
    assert documents["account.json"]["display_name"] == "Marie Dupont"
    assert {p["title"] for p in documents["projects.json"]} == {"Our rivers, our future", "A project never applied with"}
    notes = [e["evidence_note"] for a in documents["self_assessments.json"] for e in a["entries"]]
    assert MARIES_NOTE in notes
    [campaign] = documents["survey_campaigns.json"]
    assert (campaign["codes_issued"], campaign["codes_used"], campaign["responses"]) == (3, 0, 1)
    [application] = documents["applications.json"]
    assert application["verdict"]["outcome"] == "label"
    assert any("Juror A for Our rivers" in c["comment"] for c in application["verdict"]["jurors_comments"])

    # The PDFs the suite makes for her: both self-assessment reports, her verdict letter.
    assert sorted(pdfs) == sorted([f"pdf/self-assessment-{world.applied_project}-en.pdf",
                                   f"pdf/self-assessment-{world.lone_project}-en.pdf",
                                   "pdf/quality-label-letter-our-rivers-our-future-2025-2026-fr.pdf"])
    assert "Our rivers, our future" in pdfs["pdf/quality-label-letter-our-rivers-our-future-2025-2026-fr.pdf"]
    assert "A project never applied with" in pdfs[f"pdf/self-assessment-{world.lone_project}-en.pdf"]
    assert steps[0] == (0, 3) and steps[-1] == (3, 3), "the long part reports its progress"

    # Nobody else's data, no survey code, no juror's private note.
    for foreign in ("paul@example.org", "Paul Martin", "Stars over Europe", PAULS_NOTE, "ana@example.org",
                    "Not yet published", SECRET, *world.codes):
        assert foreign not in everything, foreign


def test_the_download_is_audited_with_counts_only(session_factory, world):
    privacy.export_bytes(session_factory, actor=world.marie, user_id=world.marie.id)
    with reading(session_factory) as session:
        [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "privacy.export")).all()
        assert (entry.actor_id, entry.entity_id) == (world.marie.id, str(world.marie.id))
        assert entry.details == {"files": 11, "pdfs": 3}


def test_a_teacher_cannot_download_another_persons_data(session_factory, world):
    for someone in (world.paul.id, world.office.id, 999_999):
        with pytest.raises(PermissionDenied):
            privacy.export_bytes(session_factory, actor=world.marie, user_id=someone)
    with reading(session_factory) as session:
        assert not session.scalars(select(AuditLog).where(AuditLog.action == "privacy.export")).all()


def test_the_office_answers_a_request_by_letter(session_factory, world):
    buffer = io.BytesIO()
    privacy.export_data(session_factory, actor=Actor.system(), user_id=world.paul.id, target=buffer, lang="fr")
    documents, _pdfs, everything = read_zip(buffer.getvalue())
    assert documents["account.json"]["email"] == "paul@example.org"
    assert "marie@example.org" not in everything and MARIES_NOTE not in everything
    with pytest.raises(NotFound):
        privacy.export_bytes(session_factory, actor=world.office, user_id=999_999)


def test_a_jurors_download_holds_their_own_scores(session_factory, world):
    documents, pdfs, everything = read_zip(privacy.export_bytes(session_factory, actor=world.juror,
                                                                user_id=world.juror.id))
    work = [w for w in documents["jury_work.json"] if "scores" in w]
    assert len(work) == 3 and all(w["scores"] for w in work)
    assert SECRET in everything, "their own private notes are theirs"
    assert not pdfs and documents["projects.json"] == []


def test_a_jurors_download_holds_their_standing_conflicts(session_factory, world):
    with writing(session_factory) as session:
        jury.record_standing_conflict(session, actor=world.office, juror_id=world.juror.id,
                                      teacher_id=world.marie.id, relation="former_colleague", note="Same school until 2024",
                                      confirm=True)  # their scores on Marie's application go
    documents, _pdfs, _everything = read_zip(privacy.export_bytes(session_factory, actor=world.juror,
                                                                  user_id=world.juror.id))
    [standing] = [w["standing_conflict"] for w in documents["jury_work.json"] if "standing_conflict" in w]
    assert (standing["teacher"], standing["relation"], standing["recorded_by"], standing["note"]) == (
        "Marie Dupont", "former_colleague", "office", "Same school until 2024")
    marie, _pdfs, _everything = read_zip(privacy.export_bytes(session_factory, actor=world.marie,
                                                              user_id=world.marie.id))
    assert "Same school until 2024" not in str(marie), "the teacher's download does not name the jury"
