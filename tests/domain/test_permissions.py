"""Who may do what: named rules, composed, guarding both the pages and the services."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import assess
from assess.domain.permissions import (
    PERMISSIONS,
    ROLES,
    Actor,
    ApplicationFacts,
    DecisionFacts,
    PermissionDenied,
    RoundFacts,
    Rule,
    VerdictFacts,
    can,
    has_role,
    is_admin,
    is_juror,
    is_owner,
    is_teacher,
    require,
)


def person(id_: int, *roles: str) -> Actor:
    return Actor(id=id_, email=f"user{id_}@example.org", display_name=f"User {id_}", roles=frozenset(roles))


TEACHER = person(1, "teacher")
OTHER_TEACHER = person(2, "teacher")
JUROR = person(3, "juror")
ADMIN = person(4, "admin")
TEACHER_AND_JUROR = person(5, "teacher", "juror")
SYSTEM = Actor.system()
PROJECT = SimpleNamespace(owner_id=TEACHER.id)


def test_rules_compose_with_and_or_not():
    both = is_teacher & is_juror
    either = is_teacher | is_admin
    not_admin = ~is_admin
    assert [both(a) for a in (TEACHER, JUROR, TEACHER_AND_JUROR)] == [False, False, True]
    assert [either(a) for a in (TEACHER, JUROR, ADMIN)] == [True, False, True]
    assert [not_admin(a) for a in (TEACHER, ADMIN)] == [True, False]
    assert (is_owner & ~is_juror)(TEACHER, PROJECT) and not (is_owner & ~is_juror)(OTHER_TEACHER, PROJECT)
    assert repr(either) == "Rule((has_role(teacher) | has_role(admin)))"


def test_nobody_signed_in_gets_nothing_not_even_through_a_negation():
    for rule in (is_teacher, ~is_teacher, ~is_admin | is_admin, ~(is_teacher & is_juror), is_owner | ~is_owner):
        assert rule(None, PROJECT) is False
    assert not any(can(None, name, PROJECT) for name in PERMISSIONS)


def test_owning_a_project_means_being_its_owner_not_the_system():
    assert is_owner(TEACHER, PROJECT)
    assert not is_owner(OTHER_TEACHER, PROJECT)
    assert not is_owner(TEACHER, None)
    assert not is_owner(SYSTEM, SimpleNamespace(owner_id=None)), "an unowned object is nobody's"


def test_every_permission_is_a_rule_and_roles_are_known():
    assert all(isinstance(rule, Rule) for rule in PERMISSIONS.values())
    assert has_role("admin")(SYSTEM) and set(SYSTEM.roles) == set(ROLES)


def test_every_permission_named_in_the_code_is_a_known_rule():
    """A misspelt name in a page or a service would raise KeyError at the worst moment."""
    source_dir = Path(assess.__file__).parent
    pattern = re.compile(
        r"""(?:\b(?:can|require|require_permission|pick_project|authorize|permitted|check_actor)\(\s*(?:[\w.]+\s*,\s*){0,2}"""
        r"""|\bpermission(?::\s*str)?\s*=\s*)"([\w.]+)\""""
    )
    used = {
        (str(path.relative_to(source_dir)), name)
        for path in source_dir.rglob("*.py")
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert len({name for _, name in used}) >= 8, "the pattern still finds the permission names"
    unknown = sorted((path, name) for path, name in used if name not in PERMISSIONS)
    assert unknown == []


def test_an_unknown_permission_is_an_error_not_a_silent_refusal():
    with pytest.raises(KeyError):
        can(ADMIN, "project.destroy_everything")


WHO_MAY = {
    "project.create": {"owner", "teacher", "system"},
    "project.list": {"owner", "teacher", "admin", "system"},
    "project.view": {"owner", "admin", "system"},
    "project.edit": {"owner", "system"},
    "project.delete": {"owner"},
    "self_assessment.view": {"owner", "admin", "system"},
    "self_assessment.edit": {"owner", "system"},
    "report.self_assessment": {"owner", "admin", "system"},
    "survey.manage": {"owner", "system"},
    "survey.results": {"owner", "admin", "system"},
    "user.manage": {"admin", "system"},
    "settings.manage": {"admin", "system"},
    "audit.view": {"admin", "system"},
    "demo.load": {"admin", "system"},
    "round.view": {"owner", "teacher", "juror", "admin", "system"},
    "round.manage": {"admin", "system"},
    "application.apply": {"owner"},
    "application.view": {"owner", "admin", "system"},
    "jury.score": {"juror"},
    "decision.manage": {"admin", "system"},
    # On facts (OBJECT_OF below): the juror assigned to a submitted application, before
    # submitting their scores; the office judges nothing, the system is nobody's juror.
    "application.judge": {"juror"},
    "application.score": {"juror"},
    "application.view_other_scores": {"juror"},
    "round.change": {"admin", "system"},
    "round.publish": {"admin", "system"},
    "decision.view": {"owner", "admin", "system"},
    "application.documents": {"owner", "admin", "system"},
    "eql.manage": {"admin", "system"},
    "statistics.view": {"admin", "system"},
    "statistics.export": {"admin", "system"},
    "statistics.juror_names": {"admin", "system"},
    # On a project (not an account): nobody's own account, so the office alone.
    "privacy.export": {"admin", "system"},
    "privacy.request_deletion": set(),
    "privacy.manage": {"admin", "system"},
    "mail.manage": {"admin", "system"},
    # Standing conflicts: the office records and removes any; a juror declares their own.
    "conflict.standing.manage": {"admin", "system"},
    "conflict.standing.declare": {"juror"},
}


def _facts(**changed) -> ApplicationFacts:
    """An application the juror is assigned to, submitted, no conflict, scores not yet
    submitted, round not published; ``changed`` as said."""
    values = {"application_id": 7, "submitted": True, "assigned": True, "in_conflict": False,
              "own_scores_submitted": False, "round_published": False}
    return ApplicationFacts(**{**values, **changed})


OPEN_ROUND = RoundFacts(round_id=9, published=False)
#: What each rule of state is asked about in WHO_MAY; the others are asked about PROJECT.
OBJECT_OF = {
    "application.judge": _facts(),
    "application.score": _facts(),
    "application.view_other_scores": _facts(own_scores_submitted=True),
    "round.change": OPEN_ROUND,
    "round.publish": OPEN_ROUND,
    "decision.view": DecisionFacts(owner_id=TEACHER.id, published=True),
    "application.documents": VerdictFacts(application_id=1, owner_id=TEACHER.id, verdict_published=True),
}
ACTORS = {"owner": TEACHER, "teacher": OTHER_TEACHER, "juror": JUROR, "admin": ADMIN, "system": SYSTEM}


def test_the_table_below_covers_every_permission():
    assert set(WHO_MAY) == set(PERMISSIONS)


@pytest.mark.parametrize(("permission", "allowed"), sorted(WHO_MAY.items()), ids=sorted(WHO_MAY))
def test_who_may_do_what(permission, allowed):
    """On a project owned by "owner": a juror sees nothing, the office reads but never edits."""
    obj = OBJECT_OF.get(permission, PROJECT)
    assert {name for name, actor in ACTORS.items() if can(actor, permission, obj)} == allowed


#: The same rules once the state closes them: who may still.
ONCE_CLOSED = [
    ("application.judge", _facts(in_conflict=True), set()),
    ("application.judge", _facts(assigned=False), set()),
    ("application.judge", _facts(submitted=False), set()),
    ("application.score", _facts(own_scores_submitted=True), set()),
    ("application.score", _facts(round_published=True), set()),
    ("application.view_other_scores", _facts(), set()),
    ("application.view_other_scores", _facts(own_scores_submitted=True, in_conflict=True), set()),
    ("round.change", RoundFacts(round_id=9, published=True), set()),
    ("round.publish", RoundFacts(round_id=9, published=True), set()),
    ("decision.view", DecisionFacts(owner_id=TEACHER.id, published=False), {"admin", "system"}),
    # The letter and the certificate: nobody before publication, the office included.
    ("application.documents", VerdictFacts(application_id=1, owner_id=TEACHER.id, verdict_published=False), set()),
]


@pytest.mark.parametrize(("permission", "obj", "allowed"), ONCE_CLOSED,
                         ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(ONCE_CLOSED)])
def test_the_state_closes_what_it_should(permission, obj, allowed):
    """A conflict, a withdrawal, submitted scores or a published round take the right away."""
    assert {name for name, actor in ACTORS.items() if can(actor, permission, obj)} == allowed


def test_require_refuses_with_permission_denied_and_says_no_more():
    require(TEACHER, "project.edit", PROJECT)  # allowed: nothing happens
    with pytest.raises(PermissionDenied) as refused:
        require(OTHER_TEACHER, "project.edit", PROJECT)
    assert refused.value.permission == "project.edit"
    assert str(refused.value) == "not allowed: project.edit"
    with pytest.raises(PermissionDenied):
        require(None, "project.list")
    with pytest.raises(PermissionDenied):
        require(JUROR, "user.manage")


def test_only_the_system_actor_is_the_system_not_any_actor_without_an_id():
    """An actor built without an id (a page that lost its user, a test, a bug) used to
    act as the command-line operator, with every right."""
    nobody = Actor(id=None, email="t@example.org", display_name="T", roles=frozenset({"teacher"}))
    nobody_admin = Actor(id=None, email="a@example.org", display_name="A", roles=frozenset(ROLES))
    assert SYSTEM.is_system and not nobody.is_system and not TEACHER.is_system
    for actor in (nobody, nobody_admin):
        # What only the owner or the system may do (an id-less admin is refused by the
        # services, which find no such account: tests/services/test_actor_check.py).
        for permission in ("project.edit", "self_assessment.edit", "survey.manage"):
            assert can(SYSTEM, permission, PROJECT)
            assert not can(actor, permission, SimpleNamespace(owner_id=None)), (actor.roles, permission)


def test_a_person_downloads_and_deletes_their_own_account_only():
    own, other = SimpleNamespace(id=TEACHER.id), SimpleNamespace(id=OTHER_TEACHER.id)
    assert can(TEACHER, "privacy.export", own) and not can(TEACHER, "privacy.export", other)
    assert can(ADMIN, "privacy.export", other) and can(SYSTEM, "privacy.export", other)
    assert can(TEACHER, "privacy.request_deletion", own)
    assert not can(TEACHER, "privacy.request_deletion", other)
    assert not can(ADMIN, "privacy.request_deletion", other), "the office carries requests out, it does not make them"
    assert not can(SYSTEM, "privacy.request_deletion", SimpleNamespace(id=None))
    assert not can(TEACHER, "privacy.manage") and can(ADMIN, "privacy.manage")
