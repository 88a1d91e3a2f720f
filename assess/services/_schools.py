"""Schools as projects and accounts name them: one row per name and country.

A building block of the services (projects, the demonstration data), called inside their
permission-checked use cases.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.project import SchoolData
from assess.storage.models import School


def find_or_add_school(session: Session, data: SchoolData) -> School:
    """The school with this name and country, created on first mention."""
    found = session.scalar(select(School).where(School.name == data.name, School.country == data.country))
    if found is None:
        found = School(name=data.name, country=data.country, region=data.region)
        session.add(found)
        session.flush()
    elif data.region and not found.region:
        found.region = data.region
    return found
