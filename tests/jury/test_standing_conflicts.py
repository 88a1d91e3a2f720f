"""Standing conflicts of interest (a juror and a teacher, or a juror and a school) at the
service level, on both databases: honoured by the automatic assignment, the assignment by
hand and the juror's own pages in this round and every later one, recorded by the office or
the juror, removed by the office only, audited in sentences, and asking first before a
juror's scores go."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assess.domain.audit_words import describe
from assess.domain.permissions import Actor, PermissionDenied
from assess.services import audit, jury
from assess.services.errors import Conflict, InvalidInput, NotFound
from assess.storage.models import Assignment, JurorScore, School, StandingConflict
from tests.jury.helpers import (
    TODAY,
    apply,
    assignment_of,
    decide_round,
    make_juror,
    make_office,
    make_round,
    other_project,
    score_all,
)
from tests.services.helpers import make_project, make_user

SYSTEM = Actor.system()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def school_id(session, name: str) -> int:
    return session.scalar(select(School.id).where(School.name == name))


def test_a_standing_conflict_keeps_every_application_of_the_teacher_from_the_juror_in_every_round(
        session, teacher, project):
    office = make_office(session)
    juror = make_juror(session, "ana@example.org")
    other_teacher = make_user(session, email="jonas@example.org", name="Jonas Weber")
    first = make_round(session, per_application=1)
    mine = apply(session, teacher=teacher, round_id=first.id, project_id=project.id)
    theirs = apply(session, teacher=other_teacher, round_id=first.id,
                   project_id=other_project(session, other_teacher).id)
    recorded = jury.record_standing_conflict(session, actor=office, juror_id=juror.id, teacher_id=teacher.id,
                                             relation="personal", note="Married to the teacher.")
    assert (recorded.juror_name, recorded.about("en"), recorded.origin) == ("Ana", "Claire", "office")

    # The automatic assignment gives the juror the other teacher's application only.
    report = jury.auto_assign(session, actor=office, round_id=first.id)
    assert (juror.id, theirs.id) in report.created and (juror.id, mine.id) not in report.created
    assert [s.missing for s in report.shortages] == [1] and report.shortages[0].application == mine.id
    # By hand: refused, saying why in the reader's language.
    with pytest.raises(jury.ConflictedJuror) as refused:
        jury.assign_juror(session, actor=office, application_id=mine.id, juror_id=juror.id)
    assert "standing conflict of interest with the applicant teacher" in refused.value.message("en")
    assert "conflit d'intérêts permanent avec l'enseignant" in refused.value.message("fr")
    assert jury.conflict_kinds(session, actor=office, juror_id=juror.id, application_id=mine.id) == ["standing_teacher"]
    # The round's view names the juror, the teacher and the project.
    met = jury.standing_in_round(session, actor=office, round_id=first.id)
    assert [(m.application_title, m.standing.juror_name, m.standing.about("en")) for m in met] == [
        ("Our European breakfast", "Ana", "Claire")]

    # A later round, made after the conflict was recorded: the same, without a word from the office.
    later = make_round(session, name="Labels 2027", per_application=1, opens_on=TODAY - timedelta(days=5),
                       closes_on=TODAY + timedelta(days=20), kind="contest")
    again = apply(session, teacher=teacher, round_id=later.id,
                  project_id=make_project(session, owner=teacher, title="Second project").id)
    report = jury.auto_assign(session, actor=office, round_id=later.id)
    assert (juror.id, again.id) not in report.created
    # Even if the teacher's application reached the juror some other way, the juror's pages refuse it.
    session.add(Assignment(application_id=again.id, juror_id=juror.id, origin="manual"))
    session.flush()
    assert again.id not in {a.application_id for a in jury.my_assignments(session, actor=juror)}
    with pytest.raises(NotFound):
        jury.assignment_of(session, actor=juror, application_id=again.id)


def test_a_standing_conflict_with_a_school_covers_its_applications_and_its_partnerships(session, teacher, project):
    office = make_office(session)
    juror = make_juror(session, "ana@example.org")
    made = make_round(session)
    partner_side = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    other_teacher = make_user(session, email="jonas@example.org")
    elsewhere = apply(session, teacher=other_teacher, round_id=made.id, project_id=make_project(
        session, owner=other_teacher, title="Stars over Europe",
        school={"name": "Collège Victor Hugo", "country": "FR", "region": "Bretagne"},
        partners=[{"name": "Colegio Cervantes", "country": "ES"}]).id)
    # Scoil Mhuire is a partner of the first project only.
    recorded = jury.record_standing_conflict(session, actor=office, juror_id=juror.id,
                                             school_id=school_id(session, "Scoil Mhuire"),
                                             relation="former_colleague")
    assert recorded.about("en") == "Scoil Mhuire (Ireland)" and recorded.about("fr") == "Scoil Mhuire (Irlande)"
    assert jury.conflict_kinds(session, actor=office, juror_id=juror.id,
                               application_id=partner_side.id) == ["standing_school"]
    assert jury.conflict_kinds(session, actor=office, juror_id=juror.id, application_id=elsewhere.id) == []
    jury.assign_juror(session, actor=office, application_id=elsewhere.id, juror_id=juror.id)


def test_recording_one_takes_the_juror_off_and_asks_first_when_scores_go(session, teacher, project):
    office = make_office(session)
    juror = make_juror(session, "ana@example.org")
    made = make_round(session)
    mine = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    other_teacher = make_user(session, email="jonas@example.org")
    theirs = apply(session, teacher=other_teacher, round_id=made.id,
                   project_id=other_project(session, other_teacher).id)
    for application in (mine, theirs):
        jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
    score_all(session, juror=juror, application_id=mine.id)  # six scores, submitted
    scores = count(session, JurorScore)

    with pytest.raises(Conflict) as asked:
        jury.record_standing_conflict(session, actor=office, juror_id=juror.id, teacher_id=teacher.id,
                                      relation="personal")
    assert asked.value.key == "jury.errors.standing_removes_scores"
    assert asked.value.message("en").startswith("Ana has already saved 6 scores on applications this conflict "
                                                "forbids (applications: 1, scores submitted on 1)")
    assert count(session, StandingConflict) == 0 and count(session, JurorScore) == scores
    assert assignment_of(session, juror=juror, application_id=mine.id) is not None

    jury.record_standing_conflict(session, actor=office, juror_id=juror.id, teacher_id=teacher.id,
                                  relation="personal", confirm=True)
    assert assignment_of(session, juror=juror, application_id=mine.id) is None
    assert assignment_of(session, juror=juror, application_id=theirs.id) is not None, "only what it forbids"
    assert count(session, JurorScore) == 0
    assert [a.application_id for a in jury.my_assignments(session, actor=juror)] == [theirs.id]
    sentences = [describe(e, "en") for e in audit.entries(session, actor=office)]
    assert f"National office took application no. {mine.id} (“Our European breakfast”) away from Ana." in sentences


def test_a_published_round_stays_as_published(session, teacher, project):
    juror = make_juror(session, "ana@example.org")
    made = make_round(session, per_application=1)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    decide_round(session, round_id=made.id, jurors={juror.id: juror}, levels={application.id: 3})
    scores = count(session, JurorScore)
    jury.record_standing_conflict(session, actor=SYSTEM, juror_id=juror.id, teacher_id=teacher.id, relation="personal")
    assert count(session, JurorScore) == scores and assignment_of(session, juror=juror,
                                                                  application_id=application.id) is not None


def test_who_records_lists_and_removes_them_and_the_log_says_it_in_three_languages(session, teacher, project):
    office = make_office(session)
    juror = make_juror(session, "ana@example.org")
    colleague = make_juror(session, "ben@example.org")
    nord = school_id(session, "Scoil Mhuire")
    # A teacher calling the office's services: refused, whatever they ask.
    for call in (lambda: jury.record_standing_conflict(session, actor=teacher, juror_id=juror.id,
                                                       teacher_id=teacher.id, relation="personal"),
                 lambda: jury.list_standing_conflicts(session, actor=teacher),
                 lambda: jury.standing_choices(session, actor=teacher),
                 lambda: jury.standing_in_round(session, actor=teacher, round_id=1)):
        with pytest.raises(PermissionDenied):
            call()
    # A juror declares their own (by the teacher's address), never another juror's.
    own = jury.record_standing_conflict(session, actor=juror, teacher_email=" Claire@Example.org ",
                                        relation="former_colleague", note="Same staff room until 2024.")
    assert (own.juror_id, own.teacher_id, own.origin) == (juror.id, teacher.id, "juror")
    with pytest.raises(PermissionDenied):
        jury.record_standing_conflict(session, actor=juror, juror_id=colleague.id, school_id=nord,
                                      relation="personal")
    by_office = jury.record_standing_conflict(session, actor=office, juror_id=colleague.id, school_id=nord,
                                              relation="other", note="Sits on its board.")
    # Recorded twice: the first stays.
    assert jury.record_standing_conflict(session, actor=juror, teacher_id=teacher.id, relation="personal").id == own.id
    # A juror reads their own only; the schools but no teacher list to choose from.
    assert [s.id for s in jury.list_standing_conflicts(session, actor=juror)] == [own.id]
    assert {s.id for s in jury.list_standing_conflicts(session, actor=office)} == {own.id, by_office.id}
    choices = jury.standing_choices(session, actor=juror)
    assert choices.teachers == () and (nord, "Scoil Mhuire", "IE") in choices.schools
    assert (teacher.id, "Claire", "claire@example.org") in jury.standing_choices(session, actor=office).teachers
    # Only the office removes one.
    with pytest.raises(PermissionDenied):
        jury.remove_standing_conflict(session, actor=juror, standing_id=own.id)
    with pytest.raises(PermissionDenied):
        jury.remove_standing_conflict(session, actor=teacher, standing_id=own.id)
    jury.remove_standing_conflict(session, actor=office, standing_id=by_office.id)
    with pytest.raises(NotFound):
        jury.remove_standing_conflict(session, actor=office, standing_id=by_office.id)
    assert [s.id for s in jury.list_standing_conflicts(session, actor=office)] == [own.id]

    entries = audit.entries(session, actor=office)
    said = {lang: [describe(e, lang) for e in entries] for lang in ("en", "fr", "de")}
    assert said["en"][:3] == [
        "National office removed the standing conflict of interest between Ben and the school Scoil Mhuire (Ireland).",
        "National office recorded a standing conflict of interest between Ben and the school Scoil Mhuire (Ireland) "
        "(Other reason).",
        "Ana recorded a standing conflict of interest between Ana and the teacher Claire (Former colleague).",
    ]
    assert said["fr"][2] == ("Ana a enregistré un conflit d'intérêts permanent entre Ana et l'enseignant Claire "
                             "(ancien collègue).")
    assert said["de"][0] == ("National office hat den ständigen Interessenkonflikt zwischen Ben und der Schule "
                             "Scoil Mhuire (Irland) aufgehoben.")


@pytest.mark.parametrize("values, field, key", [
    ({"teacher_id": "T", "relation": "spouse"}, "relation", "jury.errors.standing_relation"),
    ({"teacher_id": "T", "relation": "other"}, "note", "jury.errors.standing_note"),
    ({"teacher_id": "T", "school_id": "S", "relation": "personal"}, "teacher_id", "jury.errors.standing_teacher_or_school"),
    ({"relation": "personal"}, "teacher_id", "jury.errors.standing_teacher_or_school"),
    ({"teacher_email": "nobody@example.org", "relation": "personal"}, "teacher_id", "jury.errors.not_a_teacher"),
    ({"teacher_id": "J", "relation": "personal"}, "teacher_id", "jury.errors.not_a_teacher"),
    ({"school_id": 987654, "relation": "personal"}, "school_id", "jury.errors.unknown_school"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(session, teacher, project, values, field, key):
    juror = make_juror(session, "ana@example.org")
    ids = {"T": teacher.id, "S": school_id(session, "Scoil Mhuire"), "J": make_juror(session, "ben@example.org").id}
    values = {k: ids.get(v, v) if isinstance(v, str) and k != "relation" and k != "teacher_email" else v
              for k, v in values.items()}
    with pytest.raises(InvalidInput) as refused:
        jury.record_standing_conflict(session, actor=SYSTEM, juror_id=juror.id, **values)
    assert [(e.field, e.key) for e in refused.value.errors] == [(field, key)]
    assert count(session, StandingConflict) == 0


def test_a_juror_and_teacher_in_one_account_is_not_in_conflict_with_themself(session, project):
    both = make_juror(session, "both@example.org", roles={"juror", "teacher"})
    with pytest.raises(InvalidInput) as refused:
        jury.record_standing_conflict(session, actor=SYSTEM, juror_id=both.id, teacher_id=both.id, relation="personal")
    assert refused.value.errors[0].key == "jury.errors.standing_self"


def test_a_juror_cannot_take_back_submitted_scores_by_declaring_a_conflict(session, teacher, project):
    """Submitted scores are final for their juror: a juror who has read the co-jurors'
    levels could otherwise change the verdict by withdrawing their own. Their drafts they
    may drop; the office can still take them off (its own conflict, with the confirmation)."""
    office = make_office(session)
    juror = make_juror(session, "ana@example.org")
    made = make_round(session)
    application = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    jury.assign_juror(session, actor=office, application_id=application.id, juror_id=juror.id)
    score_all(session, juror=juror, application_id=application.id)  # submitted
    scores = count(session, JurorScore)

    with pytest.raises(Conflict) as one:
        jury.declare_conflict(session, actor=juror, application_id=application.id, confirm=True)
    assert one.value.key == "jury.errors.declare_after_submitting"
    assert "national office" in one.value.message("en")
    with pytest.raises(Conflict) as standing:
        jury.record_standing_conflict(session, actor=juror, teacher_id=teacher.id, relation="personal", confirm=True)
    assert standing.value.key == "jury.errors.standing_after_submitting"
    assert "1 application" in standing.value.message("en")
    assert count(session, JurorScore) == scores and count(session, StandingConflict) == 0
    assert assignment_of(session, juror=juror, application_id=application.id) is not None

    jury.record_standing_conflict(session, actor=office, juror_id=juror.id, teacher_id=teacher.id,
                                  relation="personal", confirm=True)
    assert assignment_of(session, juror=juror, application_id=application.id) is None
