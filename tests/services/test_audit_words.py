"""The audit log in words (issue 15): the office reads one sentence per event, in its own
language, naming who acted and on what, not "project.create project 12". An action of
another version still reads, and every action the services record has its sentence in
every language."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assess.domain.audit_words import AuditEntry, describe
from assess.i18n import LANGUAGES, catalogue
from assess.services import audit, jury, projects
from assess.storage.models import AuditLog
from tests.jury.helpers import apply, make_juror, make_round
from tests.services.helpers import make_project, make_user
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)

SERVICES = Path(__file__).resolve().parents[2] / "assess" / "services"
NOW = datetime(2027, 3, 12, 9, 30, tzinfo=UTC)


def recorded_actions() -> set[str]:
    """Every action name the services pass to audit.record (both branches of an if)."""
    found: set[str] = set()
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record":
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found |= {c.value for c in ast.walk(keyword.value)
                                  if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def entry(action: str, entity_type: str = "project", entity_id: str = "12", *, name: str | None = "Rivers",
          actor: str | None = "Claire Martin", **details) -> AuditEntry:
    return AuditEntry(at=NOW, action=action, actor_name=actor, actor_email=None, entity_type=entity_type,
                      entity_id=entity_id, name=name, details=details)


def test_every_action_the_services_record_has_a_sentence_in_every_language():
    actions = recorded_actions()
    assert {"project.create", "jury.assign", "user.deactivate", "eql.nomination.confirm"} <= actions
    for lang in LANGUAGES:
        missing = sorted(a for a in actions if f"audit.action.{a}" not in catalogue(lang))
        assert not missing, (lang, missing)


def test_a_sentence_names_the_actor_and_the_object_in_the_readers_language():
    assert describe(entry("project.create"), "en") == "Claire Martin created the project “Rivers”."
    assert describe(entry("project.create"), "fr") == "Claire Martin a créé le projet «\u00a0Rivers\u00a0»."
    assert describe(entry("project.delete", name=None, actor=None), "fr") == "Le système a supprimé le projet n°\u00a012."
    assigned = AuditEntry(at=NOW, action="jury.assign", actor_name="National office", actor_email=None,
                          entity_type="application", entity_id="7", name="Rivers", details={"juror": 4},
                          people={4: "Ana Juror"})
    assert describe(assigned, "fr") == "National office a confié la candidature n°\u00a07 («\u00a0Rivers\u00a0») à Ana Juror."
    roles = entry("user.set_roles", "user", "3", name="Jonas Weber", old=["teacher"], new=["juror", "teacher"])
    assert describe(roles, "en") == "Claire Martin changed the roles of Jonas Weber from Teacher to Juror, Teacher."
    setting = entry("setting.change", "setting", "max_applications_per_year", name=None, old=4, new=6)
    assert "Claire Martin a changé le paramètre «\u00a0" in describe(setting, "fr") and "\u00a0: 4, désormais 6." in describe(setting, "fr")


def test_an_unknown_action_or_missing_details_still_read():
    old = describe(entry("project.archive"), "en")
    assert old == "Claire Martin: project archive (the project “Rivers”)."
    assert describe(entry("project.archive", "widget", "x9"), "fr") == "Claire Martin\u00a0: project archive (widget x9)."
    # A sentence naming a fact this event did not keep falls back to the plain form.
    assert describe(entry("survey.codes_issue", "survey_campaign", "3"), "en") == \
        "Claire Martin: survey codes issue (survey no. 3 (“Rivers”))."
    # A juror whose account is gone.
    gone = describe(entry("jury.unassign", "application", "7", juror=99), "en")
    assert gone == "Claire Martin took application no. 7 (“Rivers”) away from someone (account no. 99)."


def test_the_log_names_objects_as_they_are_and_deleted_ones_as_they_were(session):
    office = make_user(session, email="office@example.org", roles={"admin"}, name="National office")
    teacher = make_user(session, email="claire@example.org", name="Claire Martin")
    kept = make_project(session, owner=teacher, title="Stories from our rivers")
    gone = make_project(session, owner=teacher, title="Birds of the marsh")
    projects.delete_project(session, actor=teacher, project_id=gone.id)
    made = make_round(session, office=office, name="Labels 2027")
    application = apply(session, teacher=teacher, round_id=made.id, project_id=kept.id)
    juror = make_juror(session, "ana@example.org")
    jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
    session.flush()

    said = [describe(e, "en") for e in audit.entries(session, actor=office)]

    assert "Claire Martin created the project “Stories from our rivers”." in said
    assert "Claire Martin deleted the project “Birds of the marsh”." in said
    assert "National office created the round “Labels 2027”." in said
    assert f"National office gave application no. {application.id} (“Stories from our rivers”) to Ana to score." in said
    assert not [s for s in said if "project.create" in s or "jury.assign" in s]


@pytest.mark.xdist_group("ui")
def test_the_audit_log_on_the_settings_page_is_in_french_sentences(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        make_project(session, owner=people.teacher, title="Stories from our rivers")
        session.add(AuditLog(actor_id=people.admin.id, action="project.archive", entity_type="project",
                             entity_id="999", details={}))
    at = app_for(people.admin, page="settings", lang="fr")
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "Ce qui s'est passé" in d.value.columns]
    said = list(table["Ce qui s'est passé"])
    assert "Claire Martin a créé le projet «\u00a0Stories from our rivers\u00a0»." in said
    assert "National office\u00a0: project archive (le projet n°\u00a0999)." in said
    assert not any(value in ("project.create", "project 1") for column in table.columns for value in table[column])

