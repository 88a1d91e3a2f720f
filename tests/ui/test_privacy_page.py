"""The office's Privacy page (dry run first, then the purge after a confirmation; deletion
requests carried out) and the account page's "My data" and "Account deletion" blocks."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from assess.services import privacy
from assess.storage.models import AuditLog, DeletionRequest, User
from tests.ui.conftest import run_page

DENIED = "You are not allowed to do this."


@pytest.mark.parametrize("who", ["teacher", "juror", None])
def test_the_privacy_page_refuses_everyone_but_the_office(people, who):
    at = run_page("privacy", getattr(people, who) if who else None)
    assert not at.exception
    assert [e.value for e in at.error] == [DENIED]
    assert not at.table and not at.button


def test_the_office_opens_it_from_the_navigation(app_for, people):
    at = app_for(people.admin, page="privacy")
    assert not at.exception and at.title[0].value == "Privacy"
    at = app_for(people.teacher)
    with pytest.raises(ValueError):
        at.switch_page("assess/ui/pages/privacy.py")


def old_audit_entries(ui_database, count: int) -> None:
    with ui_database.begin() as session:
        session.add_all(AuditLog(action="user.sign_in", entity_type="user", entity_id="1", details={},
                                 at=privacy.months_before(privacy.utcnow(), 40)) for _ in range(count))


def test_the_dry_run_comes_first_and_the_purge_asks_for_confirmation(people, ui_database):
    old_audit_entries(ui_database, 3)
    at = run_page("privacy", people.admin)
    assert not at.exception
    table = at.table[0].value
    rows = dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))
    assert rows["Audit log entries"] == 3
    [button] = [b for b in at.button if b.label == "Delete now"]
    assert button.disabled, "nothing is deleted before the confirmation"

    at.checkbox(key="privacy_confirm_purge").check().run()
    at = next(b for b in at.button if b.label == "Delete now").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Purge done: 3 items deleted."]
    with ui_database() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "user.sign_in")) == 0
    assert any(i.value == "Nothing is past its retention period." for i in at.info)
    assert any(c.value.startswith("Last purge: ") and c.value.endswith(", 3 items deleted.") for c in at.caption)


def test_a_teacher_asks_for_deletion_and_the_office_carries_it_out(people, ui_database):
    at = run_page("account", people.teacher)
    assert not at.exception
    ask = at.button(key="privacy_request")
    assert ask.disabled
    at.checkbox(key="privacy_confirm_request").check().run()
    at = at.button(key="privacy_request").click().run()
    assert not at.exception
    assert "Your request was sent to the national office." in [s.value for s in at.success]
    assert any("You asked for your account to be deleted on" in i.value for i in at.info)

    at = run_page("privacy", people.admin)
    assert any("Claire Martin" in m.value and "waiting" in m.value for m in at.markdown)
    with ui_database() as session:
        request_id = session.scalar(select(DeletionRequest.id))
    at.checkbox(key=f"privacy_confirm_{request_id}").check().run()
    at = at.button(key=f"privacy_carry_out_{request_id}").click().run()
    assert not at.exception
    assert "The account was deleted as described." in [s.value for s in at.success]
    with ui_database() as session:
        assert session.get(User, people.teacher.id).email.endswith("@deleted.invalid")


def test_the_account_page_prepares_the_zip_of_my_data(people, ui_database):
    at = run_page("account", people.teacher, lang="fr")
    assert any(s.value == "Mes données" for s in at.subheader)
    at = at.button(key="privacy_prepare").click().run()
    assert not at.exception
    [download] = at.get("download_button")
    assert download.proto.label == "Télécharger mes données (ZIP)"
    with ui_database() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "privacy.export")) == 1


def test_the_zip_the_page_offers_is_the_services(people, ui_database):
    data = privacy.export_bytes(ui_database, actor=people.teacher, user_id=people.teacher.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        account = json.loads(archive.read("account.json"))
    assert account["email"] == "claire@example.org" and account["roles"] == ["teacher"]


def test_a_french_office_reads_the_deleted_account_in_french(people, ui_database):
    with ui_database.begin() as session:
        request = privacy.request_deletion(session, actor=people.teacher)
        privacy.carry_out_deletion(session, actor=people.admin, request_id=request.id)
    at = run_page("privacy", people.admin, lang="fr")
    assert not at.exception
    assert any(f"Compte supprimé {people.teacher.id}" in m.value for m in at.markdown)
    assert not any("Deleted account" in m.value for m in at.markdown)
