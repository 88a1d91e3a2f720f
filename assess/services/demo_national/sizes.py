"""The national demo's fixed marks and how big the country is (:class:`NationalSize`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

NATIONAL_DOMAIN = "national.demo.etwinning.example"
ROUND_MARK = "(démo nationale)"
DEFAULT_SEED = 2026
#: The label rounds: one per school year, the current one and the two before.
YEARS = 3

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class NationalSize:
    """How big the country is. The default is the national scale; tests ask for less.
    Applications come to about two thirds of the projects per round."""

    projects: int = 1500
    teachers: int = 900
    #: French schools: the projects' own schools, the jurors' and a few French partners.
    schools: int = 1200
    #: Schools abroad, shared between projects as partners.
    partner_schools: int = 2400
    jurors: int = 60
    responses: int = 300_000

    def scaled(self, factor: float) -> NationalSize:
        """The same country, ``factor`` times as big (at least a handful of everything)."""
        def by(value: int, least: int) -> int:
            return max(least, round(value * factor))

        return NationalSize(projects=by(self.projects, 8), teachers=by(self.teachers, 5),
                            schools=by(self.schools, 8), partner_schools=by(self.partner_schools, 12),
                            jurors=by(self.jurors, 6), responses=by(self.responses, 200))

    def check(self) -> None:
        if min(self.projects, self.teachers, self.schools, self.responses) < 1:
            raise ValueError("every size must be at least 1")
        if self.partner_schools < 6:
            raise ValueError("at least 6 partner schools: a project has up to 6")
        if self.jurors < 4:
            raise ValueError("at least 4 jurors: two per application, a third after a disagreement")
        if self.projects < self.teachers or self.projects > 4 * self.teachers:
            raise ValueError("each teacher owns 1 to 4 projects: teachers <= projects <= 4 x teachers")
        if self.teachers > 3 * self.schools:
            raise ValueError("at most 3 teachers per school")


#: What ``assess demo --scale national`` loads.
DEFAULT_SIZE = NationalSize()
