"""A content file's wording may change under the same version (a French fix, German added):
existing work shows the new texts at once and keeps its results; a change of the scoring
structure under the same version is refused. And migration 0018: snapshots stored with the
old whole-content digest keep matching their files."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import yaml
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql

from assess import resources
from assess.domain.questionnaire import Questionnaire
from assess.domain.rubric import Rubric
from assess.services import _snapshots, campaigns, questionnaires, rubrics, self_assessments
from assess.services.errors import Conflict
from assess.storage import db
from assess.storage.models import QuestionnaireVersion, RubricVersion, UTCDateTime
from tests.services.helpers import make_campaign, make_project


def without(value, language: str):
    """``value`` (a content file as read) with every text's ``language`` left out."""
    if isinstance(value, dict):
        if "en" in value and all(isinstance(v, str) for v in value.values()):
            return {k: v for k, v in value.items() if k != language}
        return {k: without(v, language) for k, v in value.items()}
    if isinstance(value, list):
        return [without(v, language) for v in value]
    return value


def forget_loaded_content() -> None:
    rubrics.installed.cache_clear()
    questionnaires.installed.cache_clear()
    _snapshots._parsed.clear()


class Content:
    """An office content folder (ASSESS_CONTENT_DIR) whose files a test rewrites, as an
    office installing a new copy of a file would."""

    def __init__(self, folder):
        self.folder = folder

    def read(self, kind: str, name: str) -> dict:
        return yaml.safe_load((self.folder / kind / f"{name}.yaml").read_text(encoding="utf-8"))

    def install(self, kind: str, name: str, data: dict) -> None:
        (self.folder / kind / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                         encoding="utf-8")
        forget_loaded_content()


@pytest.fixture
def content(tmp_path, monkeypatch):
    folder = tmp_path / "content"
    shutil.copytree(resources.rubrics_dir(), folder / "rubrics")
    shutil.copytree(resources.surveys_dir(), folder / "surveys")
    monkeypatch.setenv("ASSESS_CONTENT_DIR", str(folder))
    forget_loaded_content()
    yield Content(folder)
    forget_loaded_content()


def test_a_translation_fix_and_a_new_language_keep_the_version_and_show_at_once(session, teacher, content):
    shipped = content.read("rubrics", "etwinning-2006")
    content.install("rubrics", "etwinning-2006", without(shipped, "de"))  # the file as it was before German
    first = make_project(session, owner=teacher, title="Breakfasts")
    assessment = self_assessments.start(session, actor=teacher, project_id=first.id, rubric_id="etwinning-2006")
    self_assessments.save_entry(session, actor=teacher, assessment_id=assessment.id, item_id="collaboration", level=1)
    session.commit()
    before = self_assessments.current(session, actor=teacher, project_id=first.id)
    innovation = before.rubric.criterion("innovation")
    assert innovation.name.get("de") == "Pedagogical innovation and creativity", "no German yet: English"
    stored = session.scalars(select(RubricVersion).where(RubricVersion.rubric_id == "etwinning-2006")).one()
    digest = stored.digest

    # The office installs the same version with German added and a French name reworded.
    fixed = json.loads(json.dumps(shipped))
    fixed["criteria"][0]["name"]["fr"] = "Innovation pédagogique et créativité des élèves"
    content.install("rubrics", "etwinning-2006", fixed)

    reloaded = self_assessments.current(session, actor=teacher, project_id=first.id)
    assert reloaded.rubric.criterion("innovation").name.get("de") == "Pädagogische Innovation und Kreativität"
    assert reloaded.rubric.criterion("innovation").name.get("fr") == "Innovation pédagogique et créativité des élèves"
    assert reloaded.entries["collaboration"].level == 1
    assert reloaded.score == before.score, "the same structure, the same score"

    # A new use of the file is no "changed file": the same snapshot, its wording brought up to date.
    second = make_project(session, owner=teacher, title="Rivers")
    self_assessments.start(session, actor=teacher, project_id=second.id, rubric_id="etwinning-2006")
    session.commit()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(RubricVersion)) == 1
    stored = session.scalars(select(RubricVersion).where(RubricVersion.rubric_id == "etwinning-2006")).one()
    assert stored.digest == digest
    assert stored.content["criteria"][0]["name"]["de"] == "Pädagogische Innovation und Kreativität"


def test_a_change_of_weight_or_level_under_the_same_version_is_refused(session, teacher, content):
    project = make_project(session, owner=teacher)
    self_assessments.start(session, actor=teacher, project_id=project.id, rubric_id="etwinning-2006")
    session.commit()
    shipped = content.read("rubrics", "etwinning-2006")
    for change in ("weight", "minimum"):
        changed = json.loads(json.dumps(shipped))
        changed["criteria"][1][change] = 2 if change == "weight" else 3
        content.install("rubrics", "etwinning-2006", changed)
        other = make_project(session, owner=teacher, title=f"Another project ({change})")
        with pytest.raises(Conflict) as refused:
            self_assessments.start(session, actor=teacher, project_id=other.id, rubric_id="etwinning-2006")
        assert "Give the changed file a new version" in refused.value.message("en")
        assert "structure de notation" in refused.value.message("fr")
        session.rollback()
        # Stored work still reads against its own structure, and keeps its wording.
        kept = self_assessments.current(session, actor=teacher, project_id=project.id).rubric
        assert kept.criterion("curricular-integration").weight == 1
        assert kept.criterion("curricular-integration").minimum is None
        assert kept.criterion("innovation").name.get("de") == "Pädagogische Innovation und Kreativität"
    # A new version is welcome: stored beside the old one.
    changed["version"] = "1.1"
    content.install("rubrics", "etwinning-2006", changed)
    other = make_project(session, owner=teacher, title="Under the new version")
    self_assessments.start(session, actor=teacher, project_id=other.id, rubric_id="etwinning-2006")
    session.commit()
    assert sorted(session.scalars(select(RubricVersion.version))) == ["1.0", "1.1"]


def test_a_questionnaire_translated_later_reaches_running_campaigns(session, teacher, project, content):
    shipped = content.read("surveys", "families")
    content.install("surveys", "families", without(shipped, "de"))
    campaign = make_campaign(session, owner=teacher, project=project)
    session.commit()
    (summary,) = campaigns.list_campaigns(session, actor=teacher, project_id=project.id)
    assert summary.questionnaire_title.get("de") == summary.questionnaire_title.get("en")

    content.install("surveys", "families", shipped)
    (summary,) = campaigns.list_campaigns(session, actor=teacher, project_id=project.id)
    assert summary.questionnaire_title.get("de") == "Das eTwinning-Projekt unserer Kinder – die Meinung der Familien"
    version = session.get(QuestionnaireVersion, campaign.questionnaire_version_id)
    read = _snapshots.questionnaire_from_digest(session, version_id=version.id, digest=version.digest)
    assert read.item("child-talked").text.get("de") == "Mein Kind hat zu Hause von dem Projekt erzählt."


# --- migration 0018 ---------------------------------------------------------------------------

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SNAPSHOTS = {
    "rubric_versions": sa.table("rubric_versions", sa.column("id"), sa.column("rubric_id"), sa.column("version"),
                                sa.column("digest"), sa.column("content", JSON), sa.column("registered_at", UTCDateTime)),
    "questionnaire_versions": sa.table("questionnaire_versions", sa.column("id"), sa.column("questionnaire_id"),
                                       sa.column("version"), sa.column("digest"), sa.column("content", JSON),
                                       sa.column("registered_at", UTCDateTime)),
}


def stored_before_0018(document) -> tuple[dict, str]:
    """What the code before revision 0018 stored for ``document``: its content with the two
    languages it knew, and the sha256 of that whole content."""
    content = without(document.model_dump(mode="json"), "de")
    return content, hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def test_migration_0018_keeps_old_snapshots_matching_their_files(empty_database_url):
    engine = db.make_engine(empty_database_url)
    rubric = rubrics.installed_rubric("etwinning-2021")
    questionnaire = questionnaires.installed_questionnaire("pupils")
    try:
        db.upgrade_database(engine, "0017")
        old_rubric, old_rubric_digest = stored_before_0018(rubric)
        old_questionnaire, old_questionnaire_digest = stored_before_0018(questionnaire)
        assert old_rubric_digest != rubric.digest
        with engine.begin() as connection:
            connection.execute(SNAPSHOTS["rubric_versions"].insert(), [
                {"id": 1, "rubric_id": rubric.id, "version": rubric.version, "digest": old_rubric_digest,
                 "content": old_rubric, "registered_at": NOW},
                {"id": 2, "rubric_id": "unreadable", "version": "1", "digest": "d", "content": {},
                 "registered_at": NOW},
            ])
            connection.execute(SNAPSHOTS["questionnaire_versions"].insert(), [
                {"id": 1, "questionnaire_id": questionnaire.id, "version": questionnaire.version,
                 "digest": old_questionnaire_digest, "content": old_questionnaire, "registered_at": NOW},
            ])
        db.upgrade_database(engine)

        with db.make_session_factory(engine)() as session:
            assert dict(session.execute(select(RubricVersion.id, RubricVersion.digest)).all()) == {1: rubric.digest, 2: "d"}
            assert session.get(QuestionnaireVersion, 1).digest == questionnaire.digest
            # The installed files are the stored ones: used again, no "changed file" refusal,
            # and read with their current wording (German).
            assert _snapshots.rubric_version(session, rubric).id == 1
            assert _snapshots.questionnaire_version(session, questionnaire).id == 1
            read = rubrics.from_snapshot(session.get(RubricVersion, 1))
            assert read.criterion("collaboration").name.get("de") == "Zusammenarbeit zwischen den Partnerschulen"
            session.commit()

        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0017")
        with db.make_session_factory(engine)() as session:
            row = session.get(RubricVersion, 1)
            assert row.digest == old_rubric_digest, "the digest the earlier code computes"
            assert row.content == old_rubric, "English and French only, as the earlier code reads them"
            assert Rubric.model_validate(row.content).digest == rubric.digest
            assert Questionnaire.model_validate(session.get(QuestionnaireVersion, 1).content).digest == questionnaire.digest
    finally:
        engine.dispose()
