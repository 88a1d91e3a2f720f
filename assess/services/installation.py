"""Whether this installation is a demonstration one, and how demonstration rows are kept
apart from real work.

Demonstration data (``assess demo``, the first-run page, the Settings page) loads only
into an installation that holds no real data, or one created as a demonstration
installation (``assess init --demo``, the first-run page's choice). Loading it into an
installation without real data makes it a demonstration installation: every page then
says so in a banner.

The rows the demo makes are marked ``is_demo`` (users, projects, rounds; campaigns,
applications, labels... belong to a project or a round). What the mark does:

- rounds: a demonstration project applies to demonstration rounds only, a real project
  to real rounds only; demonstration jurors judge in demonstration rounds only, real
  jurors in real rounds only (assess.services.jury, assess.services.applications);
- national figures and exports count the rows of demonstration projects only in a
  demonstration installation (:func:`counted_projects`): there the demo exists to show
  the figures; anywhere else they are left out.

The mark is a hidden row of the settings table (like the secret key): it is not an
office setting and cannot be changed from the Settings page.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from assess.domain.permissions import Actor
from assess.domain.states import Role
from assess.services import audit
from assess.services.access import check_actor, public_entry_point
from assess.services.errors import Conflict
from assess.storage.models import Project, Round, Setting, User, UserRole

#: The settings row whose presence makes this a demonstration installation (migration 0007).
DEMO_INSTALLATION_KEY = "_demo_installation"
#: Why loading the demo is refused (catalogue key, assess/i18n/*/demo.toml).
REAL_DATA_REFUSAL = "demo.errors.real_data"


def _is_demo(session: Session) -> bool:
    return session.get(Setting, DEMO_INSTALLATION_KEY) is not None


@public_entry_point(reason="every page, the sign-in page too, says whether this is a demonstration installation")
def is_demo_installation(session: Session) -> bool:
    """Whether this is a demonstration installation (a banner on every page says so)."""
    return _is_demo(session)


def _demo_installation_exists() -> ColumnElement[bool]:
    return exists(select(literal(1)).select_from(Setting).where(Setting.key == DEMO_INSTALLATION_KEY))


def holds_real_data(session: Session, *, actor: Actor) -> bool:
    """:func:`_holds_real_data`, asked by a signed-in person (the Settings page)."""
    check_actor(session, actor, "demo.load")
    return _holds_real_data(session)


def _holds_real_data(session: Session) -> bool:
    """Whether anything but the administrators and demonstration rows is stored: an
    account that is neither, a real project or a real round (campaigns, applications and
    self-assessments belong to a project)."""
    not_admin = ~exists(select(literal(1)).select_from(UserRole)
                         .where(UserRole.user_id == User.id, UserRole.role == Role.ADMIN))
    found = (
        select(User.id).where(User.is_demo.is_(False), not_admin).limit(1),
        select(Project.id).where(Project.is_demo.is_(False)).limit(1),
        select(Round.id).where(Round.is_demo.is_(False)).limit(1),
    )
    return any(session.scalar(query) is not None for query in found)


def _demo_allowed(session: Session) -> bool:
    return _is_demo(session) or not _holds_real_data(session)


def demo_allowed(session: Session, *, actor: Actor) -> bool:
    """Whether demonstration data may be loaded here."""
    check_actor(session, actor, "demo.load")
    return _demo_allowed(session)


def _require_demo_allowed(session: Session) -> None:
    if not _demo_allowed(session):
        raise Conflict(REAL_DATA_REFUSAL)


def require_demo_allowed(session: Session, *, actor: Actor) -> None:
    """:class:`Conflict` (``demo.errors.real_data``) when this installation holds real data
    and was not created as a demonstration installation: ``assess demo`` asks before any work."""
    check_actor(session, actor, "demo.load")
    _require_demo_allowed(session)


def make_demo_installation(session: Session, *, actor: Actor | None) -> bool:
    """Mark this installation as a demonstration installation; refused (as loading the demo
    is) when it holds real data. Returns whether it was not one before."""
    if _is_demo(session):
        return False
    _require_demo_allowed(session)
    session.add(Setting(key=DEMO_INSTALLATION_KEY, value=True, updated_by=actor.id if actor else None))
    audit.record(session, actor=actor, action="installation.demo", entity_type="installation", entity_id="demo")
    session.flush()
    return True


def counted_projects(project_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """The condition the national figures and the exports put on every project they count
    (applications, campaigns, partner labels): a real project, or any project in a
    demonstration installation. One SQL condition, so that the statistics and the exports
    cannot disagree on it, and no query needs to be told what kind of installation it runs
    in (the database evaluates the installation's mark once per query)."""
    return or_(project_id.not_in(select(Project.id).where(Project.is_demo.is_(True))), _demo_installation_exists())


def counted_rounds(round_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """:func:`counted_projects` for rounds (the filters' list of rounds)."""
    return or_(round_id.not_in(select(Round.id).where(Round.is_demo.is_(True))), _demo_installation_exists())
