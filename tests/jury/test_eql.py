"""The European label: partner labels by hand or CSV, eligible projects, proposals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assess.domain.permissions import Actor, PermissionDenied
from assess.services import eql, settings
from assess.services.errors import InvalidInput, NotFound
from assess.storage.models import AuditLog, PartnerLabel, Project
from tests.jury.helpers import apply, decide_round, make_juror, make_round, other_project
from tests.services.helpers import make_user

SYSTEM = Actor.system()


@pytest.fixture
def labelled(session, teacher, project):
    """Five applications in a published round: four labelled (levels 5, 4, 4, 3 everywhere:
    totals 30, 24, 24, 18) and one refused (level 1)."""
    jurors = {j.id: j for j in (make_juror(session, f"j{i}@example.org") for i in range(2))}
    made = make_round(session)
    apps = [apply(session, teacher=teacher, round_id=made.id, project_id=project.id)]
    for i in range(4):
        owner = make_user(session, email=f"t{i}@example.org")
        p = other_project(session, owner, title=f"Project {i}", school_name=f"School {i}")
        apps.append(apply(session, teacher=owner, round_id=made.id, project_id=p.id))
    decide_round(session, round_id=made.id, jurors=jurors, levels=dict(zip([a.id for a in apps], (5, 4, 4, 3, 1), strict=True)))
    return made, [a.project_id for a in apps]


def test_partner_labels_by_hand(session, labelled):
    _, projects = labelled
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[0], country="ie")
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[0], country="IE")
    assert eql.partner_labels(session, actor=SYSTEM, project_id=projects[0]) == ["IE"]
    with pytest.raises(InvalidInput):
        eql.record_partner_label(session, actor=SYSTEM, project_id=projects[0], country="XX")
    with pytest.raises(PermissionDenied):
        eql.record_partner_label(session, actor=make_user(session, email="x@example.org"), project_id=projects[0],
                                 country="PL")


def test_the_office_lists_and_removes_a_wrong_partner_label(session, labelled):
    made, projects = labelled
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[0], country="IE")
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[1], country="PL")
    listed = eql.list_partner_labels(session, actor=SYSTEM)
    assert [(row.project_id, row.project_title, row.country, row.source) for row in listed] == [
        (projects[0], "Our European breakfast", "IE", "manual"), (projects[1], "Project 0", "PL", "manual")]
    assert {c.project_id for c in eql.eligible_projects(session, actor=SYSTEM, round_id=made.id)} == set(projects[:2])
    with pytest.raises(PermissionDenied):
        eql.remove_partner_label(session, actor=make_user(session, email="x@example.org"),
                                 project_id=projects[1], country="PL")
    office = make_user(session, email="office@example.org", roles={"admin"})
    eql.remove_partner_label(session, actor=office, project_id=projects[1], country="pl")
    assert [row.country for row in eql.list_partner_labels(session, actor=office)] == ["IE"]
    assert [c.project_id for c in eql.eligible_projects(session, actor=SYSTEM, round_id=made.id)] == [projects[0]]
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "eql.partner_label.remove"))
    assert entry.actor_id == office.id and entry.entity_id == str(projects[1]) and entry.details == {"country": "PL"}
    with pytest.raises(NotFound):
        eql.remove_partner_label(session, actor=office, project_id=projects[1], country="PL")


def test_eligible_projects_need_labels_in_two_countries(session, labelled):
    made, projects = labelled
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[0], country="IE")
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[1], country="FR")  # same country: not enough
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[2], country="PL")
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[4], country="PL")  # refused here: not eligible
    found = eql.candidates(session, actor=SYSTEM, round_id=made.id)
    assert [c.project_id for c in found] == projects[:4], "labelled projects only"
    eligible = eql.eligible_projects(session, actor=SYSTEM, round_id=made.id)
    assert [(c.project_id, c.countries, c.total) for c in eligible] == [
        (projects[0], ("FR", "IE"), 30), (projects[2], ("FR", "PL"), 24)]


def test_proposals_follow_the_rule_and_share_settings(session, labelled):
    made, projects = labelled
    for p in projects[:4]:
        eql.record_partner_label(session, actor=SYSTEM, project_id=p, country="IE")
    result = eql.proposals(session, actor=SYSTEM, round_id=made.id)
    assert (result.rule, result.quota) == ("top_share", 1)
    assert [c.project_id for c in result.proposed] == [projects[0]]
    settings.put(session, actor=SYSTEM, key="eql_share", value=0.75)
    result = eql.proposals(session, actor=SYSTEM, round_id=made.id)
    assert [c.project_id for c in result.proposed] == projects[:3], "18 is not above the threshold of 20"
    settings.put(session, actor=SYSTEM, key="eql_rule", value="automatic")
    result = eql.proposals(session, actor=SYSTEM, round_id=made.id)
    assert [c.project_id for c in result.proposed] == projects[:4] and result.quota is None
    assert result.to_dict()["proposed"] == [c.application_id for c in result.proposed]


def test_a_european_label_round_considers_the_year_s_label_rounds(session, labelled):
    _, projects = labelled
    eql.record_partner_label(session, actor=SYSTEM, project_id=projects[1], country="DE")
    nomination = make_round(session, kind="eql", name="EQL nominations")
    assert [c.project_id for c in eql.eligible_projects(session, actor=SYSTEM, round_id=nomination.id)] == [projects[1]]


def test_csv_import_checks_every_row_and_stores_all_or_nothing(session, labelled, teacher):
    _, projects = labelled
    good = f"project;country\n{projects[0]};IE\n{projects[1]};pl\n{projects[0]};IE\n".encode()
    result = eql.import_partner_labels_csv(session, actor=SYSTEM, data=good)
    assert (result.rows, result.added, result.already) == (3, 2, 0)
    # Every project of the fixture has the same TwinSpace address but one.
    shared = "https://school-education.ec.europa.eu/en/etwinning/projects/example"
    session.get(Project, projects[3]).twinspace_url = "https://twinspace.example.org/stars"
    with_twinspace = "twinspace,country\nhttps://TWINSPACE.example.org/stars/,DE\n".encode("utf-8-sig")
    assert eql.import_partner_labels_csv(session, actor=SYSTEM, data=with_twinspace).added == 1
    assert eql.partner_labels(session, actor=SYSTEM, project_id=projects[3]) == ["DE"]
    with pytest.raises(InvalidInput) as refused:
        eql.import_partner_labels_csv(session, actor=SYSTEM, data=f"twinspace,country\n{shared},DE\n".encode())
    assert refused.value.errors[0].key == "jury.errors.csv_twinspace_ambiguous"
    bad = f"project,country\n{projects[2]},IT\n99999,IE\nabc,\n,FR\n".encode()
    with pytest.raises(InvalidInput) as refused:
        eql.import_partner_labels_csv(session, actor=SYSTEM, data=bad)
    assert [(e.field, e.key) for e in refused.value.errors] == [
        ("row 3", "jury.errors.csv_project"), ("row 4", "jury.errors.csv_project"), ("row 4", "jury.errors.csv_country"),
        ("row 5", "jury.errors.csv_no_project")]
    assert refused.value.errors[0].message("en") == "Row 3: no project with id '99999'."
    assert session.scalar(select(func.count()).select_from(PartnerLabel)) == 3, "nothing of the bad file"
    with pytest.raises(InvalidInput) as refused:
        eql.import_partner_labels_csv(session, actor=SYSTEM, data=b"name,land\nx,y\n")
    assert refused.value.errors[0].key == "jury.errors.csv_columns"
    with pytest.raises(InvalidInput):
        eql.import_partner_labels_csv(session, actor=SYSTEM, data=b"\xff\xfe\x00")
