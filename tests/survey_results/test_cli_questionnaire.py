"""``assess survey codes --questionnaire``: the teacher's choice of questionnaire from the
command line (issue 10, finding 6), on a real SQLite file."""

from __future__ import annotations

import re

from assess.storage.models import SurveyCampaign
from tests.survey_results.test_cli import database, db, ok, project_id, run  # noqa: F401 - fixtures


def stored_questionnaire(db, campaign_id: int) -> str:  # noqa: F811 - the fixture's value
    return db.run(lambda session: session.get(SurveyCampaign, campaign_id).questionnaire_version.questionnaire_id)


def test_the_young_pupils_version_without_changing_the_ages(db, project_id, tmp_path):  # noqa: F811
    output = ok("survey", "codes", "--project", str(project_id), "--audience", "pupils", "--count", "2",
                "--questionnaire", "pupils-young", "--out", str(tmp_path / "young.pdf"))
    assert stored_questionnaire(db, int(re.search(r"campaign (\d+)", output).group(1))) == "pupils-young"
    # Without the option: the version for the project's pupils (8 to 10).
    output = ok("survey", "codes", "--project", str(project_id), "--audience", "pupils", "--count", "2",
                "--out", str(tmp_path / "pupils.pdf"))
    assert stored_questionnaire(db, int(re.search(r"campaign (\d+)", output).group(1))) == "pupils"


def test_a_questionnaire_of_another_audience_or_unknown_is_refused(db, project_id, tmp_path):  # noqa: F811
    out = tmp_path / "slips.pdf"
    result = run("survey", "codes", "--project", str(project_id), "--audience", "families", "--count", "2",
                 "--questionnaire", "pupils-young", "--out", str(out))
    assert result.exit_code == 1 and "questionnaire: The questionnaire 'pupils-young' is made for another audience" in result.output
    result = run("survey", "codes", "--project", str(project_id), "--audience", "families", "--count", "2",
                 "--questionnaire", "nope", "--out", str(out))
    assert result.exit_code == 1 and "Unknown questionnaire 'nope'" in result.output
    assert not out.exists()
