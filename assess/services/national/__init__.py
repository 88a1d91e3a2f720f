"""The national read model: every figure the office sees about the whole country, on the
dashboard (:func:`national_figures` and its views), in the CSV files and in the Excel
workbook (:mod:`assess.services.exports`), read with the same building blocks.

- one scope: :class:`assess.domain.statistics.Filters` (round, school year, partner
  country, region, age group, subject), turned into SQL conditions once
  (:mod:`._scope`: applications, campaigns);
- one rule for the rubric survey answers are read against (:func:`survey_rubric`);
- the dashboard's views, one module each (applications, criteria, agreement, surveys,
  dashboard), public functions that check ``statistics.view``;
- the export tables (:mod:`._tables`, :mod:`._survey_tables`), private: the exports
  check ``statistics.export`` before reading them.

See docs/national-statistics.md.
"""

from assess.services.national.agreement import AGREEMENT_LEVEL, ItemAgreement, alpha_from_units, jury_agreement
from assess.services.national.applications import AXES, ApplicationFigures, AxisRow, Tally, applications_by_axis
from assess.services.national.criteria import CriterionLevels, criterion_levels
from assess.services.national.dashboard import (
    FilterOptions,
    NationalFigures,
    RoundOption,
    filter_options,
    national_figures,
)
from assess.services.national.surveys import (
    AudienceParticipation,
    SurveyLevel,
    SurveyLevels,
    survey_levels,
    survey_participation,
    survey_rubric,
)

__all__ = [
    "AGREEMENT_LEVEL",
    "AXES",
    "ApplicationFigures",
    "AudienceParticipation",
    "AxisRow",
    "CriterionLevels",
    "FilterOptions",
    "ItemAgreement",
    "NationalFigures",
    "RoundOption",
    "SurveyLevel",
    "SurveyLevels",
    "Tally",
    "alpha_from_units",
    "applications_by_axis",
    "criterion_levels",
    "filter_options",
    "jury_agreement",
    "national_figures",
    "survey_levels",
    "survey_participation",
    "survey_rubric",
]
