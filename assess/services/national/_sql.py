"""SQL building blocks of the national figures: subjects as rows, age groups in SQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.functions import FunctionElement

from assess.domain.statistics import AGE_GROUPS
from assess.storage.models import (
    Project,
)


class json_array_elements(FunctionElement):
    """The elements of a JSON list column as rows of text, a table-valued function to
    join on its row: ``json_each`` on SQLite, ``jsonb_array_elements_text`` on PostgreSQL.
    Use ``json_array_elements(Project.subjects).table_valued("value")``."""

    name = "json_array_elements"
    inherit_cache = True


@compiles(json_array_elements)
def _json_each(element, compiler, **kw) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_array_elements, "postgresql")
def _jsonb_array_elements_text(element, compiler, **kw) -> str:
    return f"jsonb_array_elements_text({compiler.process(element.clauses, **kw)})"


def subjects_of(project=Project):
    """A project's subjects as a joinable table with one column, ``value``."""
    return json_array_elements(project.subjects).table_valued("value")


def age_group_sql(age_min: ColumnElement[int] | QueryableAttribute[int],
                  age_max: ColumnElement[int] | QueryableAttribute[int]) -> ColumnElement[str]:
    """:func:`assess.domain.statistics.age_group` in SQL: the group of the middle of the
    range, by integer division (both databases truncate, and ages are positive)."""
    middle = (age_min + age_max) // 2
    *groups, (last, _low, _high) = AGE_GROUPS
    return case(*[(middle <= high, group) for group, _low, high in groups], else_=last)


def project_age_group() -> ColumnElement:
    return age_group_sql(Project.age_min, Project.age_max)
