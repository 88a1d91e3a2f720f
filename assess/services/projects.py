"""Projects: a teacher registers, edits and deletes their own; the office sees all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assess.domain.permissions import Actor, PermissionDenied
from assess.domain.project import ProjectData, validate_project
from assess.domain.project_choices import PROJECT_LANGUAGES, SUBJECTS
from assess.domain.states import Role
from assess.services import audit
from assess.services._schools import find_or_add_school
from assess.services.access import authorize, permitted
from assess.services.errors import FieldError, InvalidInput, NotFound
from assess.storage.models import Project, ProjectPartner


def _validated(raw: Mapping[str, Any], project: Project | None = None) -> ProjectData:
    """The project's fields checked; an edited ``project`` may keep the words it holds from
    before the subject and language lists (assess.domain.project_choices)."""
    kept_subjects = [s for s in (project.subjects if project else []) if s not in SUBJECTS]
    kept_languages = [code for code in (project.languages if project else []) if code not in PROJECT_LANGUAGES]
    data, problems = validate_project(raw, kept_subjects=kept_subjects, kept_languages=kept_languages)
    if problems or data is None:
        raise InvalidInput([FieldError(field, key, params) for field, key, params in problems])
    return data


def _apply(session: Session, project: Project, data: ProjectData) -> None:
    project.title = data.title
    project.summary = data.summary
    project.start_date = data.start_date
    project.end_date = data.end_date
    project.age_min = data.age_min
    project.age_max = data.age_max
    project.subjects = list(data.subjects)
    project.languages = list(data.languages)
    project.twinspace_url = data.twinspace_url
    project.school = find_or_add_school(session, data.school)
    wanted = [find_or_add_school(session, partner) for partner in data.partners]
    kept = {p.school_id: p for p in project.partners}
    project.partners = [kept.get(s.id) or ProjectPartner(school=s) for s in wanted]


def create_project(session: Session, *, actor: Actor, raw: Mapping[str, Any], owner_id: int | None = None) -> Project:
    """Register a project from form fields (see assess.domain.project.validate_project)."""
    authorize(session, actor, "project.create")
    data = _validated(raw)
    project = Project(owner_id=owner_id if owner_id is not None and actor.is_system else actor.id)
    _apply(session, project, data)
    session.add(project)
    session.flush()
    audit.record(session, actor=actor, action="project.create", entity_type="project", entity_id=project.id, details={"title": project.title})
    return project


def get_project(session: Session, *, actor: Actor, project_id: int, permission: str = "project.view") -> Project:
    """The project, if the actor may see it. Another's project and a missing one get the
    same refusal, so nothing about other teachers' projects leaks."""
    project = session.get(Project, project_id)
    if project is None or not permitted(session, actor, permission, project):
        raise NotFound()
    return project


def update_project(session: Session, *, actor: Actor, project_id: int, raw: Mapping[str, Any]) -> Project:
    project = get_project(session, actor=actor, project_id=project_id, permission="project.edit")
    data = _validated(raw, project)
    _apply(session, project, data)
    session.flush()
    audit.record(session, actor=actor, action="project.update", entity_type="project", entity_id=project.id, details={"title": project.title})
    return project


def delete_project(session: Session, *, actor: Actor, project_id: int) -> None:
    project = get_project(session, actor=actor, project_id=project_id, permission="project.delete")
    audit.record(session, actor=actor, action="project.delete", entity_type="project", entity_id=project.id, details={"title": project.title})
    session.delete(project)
    session.flush()


def list_projects(session: Session, *, actor: Actor) -> list[Project]:
    """A teacher's own projects; every project for the office."""
    if not permitted(session, actor, "project.list"):
        raise PermissionDenied("project.list")
    query = (
        select(Project)
        .options(selectinload(Project.partners).selectinload(ProjectPartner.school), selectinload(Project.school), selectinload(Project.owner))
        .order_by(Project.updated_at.desc(), Project.id.desc())
    )
    if Role.ADMIN not in actor.roles:
        query = query.where(Project.owner_id == actor.id)
    return list(session.scalars(query))


def form_values(project: Project) -> dict[str, Any]:
    """The project as the form's raw values (the inverse of create/update)."""
    return {
        "title": project.title,
        "summary": project.summary,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "age_min": project.age_min,
        "age_max": project.age_max,
        "subjects": list(project.subjects),
        "languages": list(project.languages),
        "twinspace_url": project.twinspace_url or "",
        "school": {
            "name": project.school.name if project.school else "",
            "country": project.school.country if project.school else "",
            "region": (project.school.region or "") if project.school else "",
        },
        "partners": [{"name": p.school.name, "country": p.school.country, "region": p.school.region or ""} for p in project.partners],
    }
