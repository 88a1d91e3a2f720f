"""Search and paging done by the database, for the office's long lists at national scale.

A country has 1,500 projects and 1,000 applications a round: loading them all to filter
and draw them in Python took 22 s a click on All projects. Here the words, the filters
and the page (LIMIT/OFFSET) are one SQL query, and only the page's rows are loaded.

Every word typed must match (any case) the project's title, its school's name, its
teacher's name or e-mail, or be the id of the project or of one of its applications.
``%`` and ``_`` typed are taken literally. A word typed twice counts once, and only the
first ``WORDS_MAX`` words are looked for, so a pasted page makes a query of bounded size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, selectinload

from assess.domain.ids import parse_id
from assess.domain.permissions import Actor
from assess.domain.states import Role
from assess.services.access import authorize
from assess.storage.models import Application, Assignment, JurorScore, Project, ProjectPartner, School, User

PAGE_SIZE = 25
#: Words looked for at most: each is several conditions, and the box takes a pasted page.
WORDS_MAX = 10


@dataclass(frozen=True)
class ProjectPage:
    projects: list[Project]  # loaded with their school, partners' schools and owner
    total: int  # how many match, over every page


def words_of(text: str) -> list[str]:
    """The distinct words of ``text``, the first :data:`WORDS_MAX` of them."""
    return list(dict.fromkeys(text.casefold().split()))[:WORDS_MAX]


def _contains(column: ColumnElement[str] | InstrumentedAttribute[str], word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def _project_word(word: str) -> ColumnElement[bool]:
    school_named = exists().where(School.id == Project.school_id, _contains(School.name, word))
    owner_named = exists().where(User.id == Project.owner_id,
                                 or_(_contains(User.display_name, word), _contains(User.email, word)))
    matches = [_contains(Project.title, word), school_named, owner_named]
    number = parse_id(word)
    if number is not None:
        applied = aliased(Application)  # not the outer query's applications (decisions' search)
        matches += [Project.id == number, exists().where(applied.project_id == Project.id, applied.id == number)]
    return or_(*matches)


def _project_filters(query: Select, *, actor: Actor, text: str, region: str | None,
                     round_id: int | None) -> Select:
    if Role.ADMIN not in actor.roles:
        query = query.where(Project.owner_id == actor.id)
    for word in words_of(text):
        query = query.where(_project_word(word))
    if region:
        query = query.where(exists().where(School.id == Project.school_id, School.region == region))
    if round_id is not None:
        query = query.where(exists().where(Application.project_id == Project.id, Application.round_id == round_id))
    return query


def find_projects(session: Session, *, actor: Actor, text: str = "", region: str | None = None,
                  round_id: int | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> ProjectPage:
    """One page of the projects ``actor`` may list (a teacher's own; every one for the
    office), newest change first, with how many match in all."""
    authorize(session, actor, "project.list")
    filtered = _project_filters(select(Project.id), actor=actor, text=text, region=region, round_id=round_id)
    total = session.scalar(select(func.count()).select_from(filtered.subquery())) or 0
    page = (
        _project_filters(select(Project), actor=actor, text=text, region=region, round_id=round_id)
        .options(selectinload(Project.partners).selectinload(ProjectPartner.school),
                 selectinload(Project.school), selectinload(Project.owner))
        .order_by(Project.updated_at.desc(), Project.id.desc())
        .limit(limit).offset(offset)
    )
    return ProjectPage(projects=list(session.scalars(page)), total=total)


def project_regions(session: Session, *, actor: Actor) -> list[str]:
    """The regions of the projects' schools, for the office's region filter."""
    authorize(session, actor, "project.list")
    query = (select(School.region).join(Project, Project.school_id == School.id)
             .where(School.region.is_not(None), School.region != "").distinct().order_by(School.region))
    if Role.ADMIN not in actor.roles:
        query = query.where(Project.owner_id == actor.id)
    return list(session.scalars(query))


def application_ids_matching(session: Session, *, actor: Actor, round_id: int, text: str) -> set[int]:
    """The ids of the round's applications whose project, school or teacher matches every
    word of ``text`` (see the module), or whose id is one of the words (office)."""
    authorize(session, actor, "decision.manage")
    query = select(Application.id).join(Project, Project.id == Application.project_id).where(
        Application.round_id == round_id)
    return set(session.scalars(_application_words(query, text)))


def _application_words(query: Select, text: str) -> Select:
    """``query`` (on applications joined to their projects) narrowed to the applications
    matching every word of ``text``: project, school, teacher, or the application's id."""
    for word in words_of(text):
        by_teacher = exists().where(User.id == Application.teacher_id,
                                    or_(_contains(User.display_name, word), _contains(User.email, word)))
        number = parse_id(word)
        own = Application.id == number if number is not None else false()
        query = query.where(or_(own, _project_word(word), by_teacher))
    return query


#: What a juror did on an application, to choose which of their applications move.
WORK_STATES = ("all", "not_started", "started", "submitted")


@dataclass(frozen=True)
class AssignedRow:
    application_id: int
    project_title: str
    teacher: str
    scores: int  # the juror's saved scores on it
    submitted: bool  # the juror submitted them


@dataclass(frozen=True)
class AssignedPage:
    rows: list[AssignedRow]  # this page's
    total: int  # how many match, over every page
    ids: list[int]  # every matching application, over every page (what a bulk action takes)
    scored: int  # how many of them carry scores the juror saved


def _work_filter(query: Select, state: str, scores: ColumnElement[int]) -> Select:
    if state == "not_started":
        return query.where(Assignment.submitted_at.is_(None), scores == 0)
    if state == "started":
        return query.where(Assignment.submitted_at.is_(None), scores > 0)
    if state == "submitted":
        return query.where(Assignment.submitted_at.is_not(None))
    return query


def assigned_applications(session: Session, *, actor: Actor, round_id: int, juror_id: int, text: str = "",
                          state: str = "all", limit: int = PAGE_SIZE, offset: int = 0) -> AssignedPage:
    """One page of a juror's applications in a round (office), by application id, chosen
    by the words of ``text`` (as :func:`application_ids_matching`) and by what the juror
    did on them (:data:`WORK_STATES`); with every matching id, for a bulk action on the
    filtered list (:func:`assess.services.jury.reassign`)."""
    authorize(session, actor, "round.manage")
    scores = (select(func.count(JurorScore.id)).where(JurorScore.assignment_id == Assignment.id)
              .correlate(Assignment).scalar_subquery())
    teacher = aliased(User)  # not the words' User, which their conditions correlate
    base = (select(Application.id, Project.title, teacher.display_name, scores.label("scores"), Assignment.submitted_at)
            .join(Assignment, Assignment.application_id == Application.id)
            .join(Project, Project.id == Application.project_id)
            .join(teacher, teacher.id == Application.teacher_id)
            .where(Application.round_id == round_id, Assignment.juror_id == juror_id))
    query = _work_filter(_application_words(base, text), state if state in WORK_STATES else "all", scores)
    # Every matching id (a juror's load: tens, at most their maximum), then the page's rows.
    matching = query.with_only_columns(Application.id, scores > 0).order_by(Application.id)
    every = session.execute(matching).all()
    page = session.execute(query.order_by(Application.id).limit(limit).offset(offset)).all()
    return AssignedPage(
        rows=[AssignedRow(application_id=a, project_title=title, teacher=teacher, scores=n, submitted=at is not None)
              for a, title, teacher, n, at in page],
        total=len(every), ids=[a for a, _ in every], scored=sum(1 for _, has in every if has),
    )


def juror_names(session: Session, *, actor: Actor, round_id: int) -> dict[int, str]:
    """The names of the round's jurors (office): the decisions page read every account
    with its roles (960 at national scale) to name a few dozen jurors."""
    authorize(session, actor, "decision.manage")
    return {user_id: name for user_id, name in session.execute(
        select(User.id, User.display_name).where(User.id.in_(
            select(Assignment.juror_id).join(Application, Application.id == Assignment.application_id)
            .where(Application.round_id == round_id))))}


@dataclass(frozen=True)
class ProjectChoice:
    """A project as a choice in a list: enough to name it and to check a permission on it
    (the rules read ``owner_id``), without loading its schools, partners and owner."""

    id: int
    title: str
    owner_id: int


def project_choices(session: Session, *, actor: Actor) -> list[ProjectChoice]:
    """The projects ``actor`` may list (a teacher's own; every one for the office), newest
    change first, as :func:`assess.services.projects.list_projects` orders them. The
    project pickers built their choice from full objects: for the office, 1,500 projects
    with their partners' schools, 0.4 s of every click on the dashboard, report and survey
    results pages."""
    authorize(session, actor, "project.list")
    query = select(Project.id, Project.title, Project.owner_id).order_by(Project.updated_at.desc(), Project.id.desc())
    if Role.ADMIN not in actor.roles:
        query = query.where(Project.owner_id == actor.id)
    return [ProjectChoice(project_id, title, owner_id) for project_id, title, owner_id in session.execute(query)]


def project_titles(session: Session, *, actor: Actor) -> dict[int, str]:
    """Every project's title by id, newest change first, without loading the projects
    (the European label page built its choice of 1,500 projects from full objects)."""
    return {choice.id: choice.title for choice in project_choices(session, actor=actor)}
