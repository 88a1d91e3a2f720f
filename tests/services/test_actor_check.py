"""Services refuse an actor that does not exist: only ``Actor.system()`` is the system,
and anyone else must be an active account of this database holding the roles it claims.
Before, any actor without an id acted as the command-line operator, with every right."""

from __future__ import annotations

import io

import pytest

from assess.domain.permissions import ROLES, Actor, PermissionDenied
from assess.services import accounts, audit, exports, projects, rounds, self_assessments
from tests.services.helpers import make_user, project_fields


def ghost(id_: int | None, *roles: str) -> Actor:
    return Actor(id=id_, email="ghost@example.org", display_name="Ghost", roles=frozenset(roles))


#: What each kind of actor tries: a teacher's and the office's everyday calls.
CALLS = {
    "create a project": lambda s, a, p: projects.create_project(s, actor=a, raw=project_fields()),
    "edit a project": lambda s, a, p: projects.update_project(s, actor=a, project_id=p.id, raw=project_fields(title="Taken")),
    "read a self-assessment": lambda s, a, p: self_assessments.report(s, actor=a, project_id=p.id),
    "list accounts": lambda s, a, p: accounts.list_users(s, actor=a),
    "list rounds": lambda s, a, p: rounds.list_rounds(s, actor=a),
    "read the audit log": lambda s, a, p: audit.events(s, actor=a),
    "export responses": lambda s, a, p: exports.write_csv(s, actor=a, what="responses", out=io.StringIO()),
}


def refused_everywhere(session, actor: Actor, project) -> None:
    for call in CALLS.values():
        with pytest.raises(PermissionDenied):
            call(session, actor, project)
        session.rollback()


def test_an_actor_without_an_id_is_not_the_system(session, project):
    refused_everywhere(session, ghost(None, "teacher"), project)
    refused_everywhere(session, ghost(None, *ROLES), project)
    assert projects.get_project(session, actor=Actor.system(), project_id=project.id).title != "Taken"


def test_an_actor_whose_account_does_not_exist_is_refused(session, teacher, project):
    admin = make_user(session, email="office@example.org", roles={"admin"})
    session.commit()
    refused_everywhere(session, ghost(admin.id + teacher.id + 1000, *ROLES), project)
    assert projects.get_project(session, actor=teacher, project_id=project.id).id == project.id


def test_a_deactivated_account_is_refused_even_with_the_actor_it_signed_in_with(session, teacher, project):
    admin = make_user(session, email="office@example.org", roles={"admin"})
    other_admin = make_user(session, email="deputy@example.org", roles={"admin"})
    session.commit()
    accounts.list_users(session, actor=other_admin)  # allowed while active
    accounts.set_active(session, actor=admin, user_id=other_admin.id, active=False)
    accounts.set_active(session, actor=admin, user_id=teacher.id, active=False)
    session.commit()
    refused_everywhere(session, other_admin, project)
    refused_everywhere(session, teacher, project)


def test_roles_the_account_no_longer_holds_are_refused(session, teacher, project):
    admin = make_user(session, email="office@example.org", roles={"admin"})
    deputy = make_user(session, email="deputy@example.org", roles={"admin", "teacher"})
    session.commit()
    accounts.set_roles(session, actor=admin, user_id=deputy.id, roles={"teacher"})
    session.commit()
    with pytest.raises(PermissionDenied):
        accounts.list_users(session, actor=deputy)  # the actor still says "admin"
    session.rollback()
    assert accounts.list_users(session, actor=admin)


def test_real_accounts_and_the_system_keep_their_rights(session, teacher, project):
    admin = make_user(session, email="office@example.org", roles={"admin"})
    session.commit()
    assert projects.update_project(session, actor=teacher, project_id=project.id, raw=project_fields(title="Ours")).title == "Ours"
    assert len(accounts.list_users(session, actor=admin)) == 2
    assert len(accounts.list_users(session, actor=Actor.system())) == 2
    assert audit.events(session, actor=admin)
