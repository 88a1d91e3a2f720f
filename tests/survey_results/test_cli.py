"""``assess survey results`` and ``assess survey codes``, run as an operator would, on a real SQLite file."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from io import BytesIO

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import func, select

from assess import clock, i18n
from assess.cli import cli
from assess.domain.permissions import Actor
from assess.services import campaigns, responding
from assess.services.responding import VisitStatus
from assess.storage.models import SurveyCampaign, SurveyCode
from tests.services.helpers import in_database
from tests.survey_results.helpers import (
    FAMILIES,
    all_agree,
    make_campaign,
    make_project,
    make_user,
    questionnaire_of,
    respond_by_link,
    respond_with_codes,
)

FORMATTED_CODE = re.compile(r"\b[A-Z0-9]{5}-[A-Z0-9]{5}\b")


@pytest.fixture
def database(sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    monkeypatch.setenv("ASSESS_PUBLIC_URL", "https://assess.example.org")
    return sqlite_database_url


class Db:
    """Short transactions on the CLI's database file (SQLite allows one writer at a time)."""

    def __init__(self, url: str):
        self.url = url

    def run(self, job):
        return in_database(self.url, job)


@pytest.fixture
def db(database) -> Db:
    return Db(database)


@pytest.fixture
def project_id(db) -> int:
    def build(session):
        teacher = make_user(session, email="claire@example.org")
        project = make_project(session, owner=teacher)
        families = make_campaign(session, owner=teacher, project=project, audience="families", mode="codes")
        respond_with_codes(session, teacher, families, FAMILIES)
        pupils = make_campaign(session, owner=teacher, project=project, audience="pupils", mode="link")
        for _ in range(3):
            respond_by_link(session, pupils, all_agree(questionnaire_of(pupils), 5))
        campaigns.close_campaign(session, actor=teacher, campaign_id=pupils.id)  # the three count, hidden apart
        return project.id

    return db.run(build)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_results_as_json(project_id):
    document = json.loads(ok("survey", "results", "--project", str(project_id), "--json", "--lang", "fr"))
    assert document["project"]["id"] == project_id and document["min_group"] == 5
    assert document["respondents"] == 8
    audiences = {a["audience"]: a for a in document["audiences"]}
    assert list(audiences) == ["pupils", "families"]
    pupils, families = audiences["pupils"], audiences["families"]
    assert (pupils["respondents"], pupils["hidden"], pupils["items"], pupils["criteria"]) == (3, True, None, None)
    assert (families["respondents"], families["hidden"]) == (5, False)
    assert (families["codes_used"], families["codes_issued"], families["participation"]) == (5, 5, 1.0)
    talked = next(i for i in families["items"] if i["id"] == "child-talked")
    assert talked["text"] == "Mon enfant a parlé du projet à la maison."
    assert (talked["answered"], talked["dont_know"], talked["distribution"]) == (4, 1, [0, 1, 0, 2, 1])
    assert talked["mean"] == pytest.approx(3.75) and talked["agreeing"] == pytest.approx(0.75)
    assert talked["level"] == pytest.approx(3.4375)
    assert "heard-about" not in {i["id"] for i in families["items"]}, "three answers: not shown"
    assert (families["hidden_items"], families["waiting"]) == (2, 0)
    assert document["overall"]["hidden"] is False
    assert "comment" not in json.dumps(families["items"]), "no comment in the JSON"

    triangulation = document["triangulation"]
    assert triangulation["threshold"] == 1.5
    row = triangulation["rows"][0]
    assert {"criterion", "name", "self_level", "flagged", "audiences", "overall", "items"} <= row.keys()
    assert [g["audience"] for g in row["audiences"]] == ["pupils", "families"]
    assert all(g["hidden"] for g in row["audiences"] if g["audience"] == "pupils")


def test_results_as_text(project_id):
    output = ok("survey", "results", "--project", str(project_id))
    assert f"Project {project_id}: Our European breakfast" in output
    assert "Pupils: 3 respondents" in output
    assert "fewer than 5 respondents: not shown apart" in output
    assert "Families: 5 respondents" in output and "participation 5/5 codes (100%)" in output
    assert "child-talked: n 4, mean 3.75, agreeing 75%" in output
    assert "All audiences: 8 respondents" in output
    assert "Triangulation (flagged from a gap of 1.5):" in output
    french = ok("survey", "results", "--project", str(project_id), "--lang", "fr")
    assert "moins de 5 répondants\u00a0: non présenté à part" in french and "moyenne 3,75" in french


def test_results_of_an_unknown_project(database):
    result = run("survey", "results", "--project", "999")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_codes_opens_a_campaign_and_writes_the_slips(db, project_id, tmp_path):
    out = tmp_path / "print" / "slips.pdf"
    out.parent.mkdir()  # --out must name a file in an existing folder
    output = ok("survey", "codes", "--project", str(project_id), "--audience", "pupils", "--count", "25",
                "--out", str(out))
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(out.read_bytes())).pages)
    printed = FORMATTED_CODE.findall(text)
    assert len(printed) == len(set(printed)) == 25
    assert text.count("https://assess.example.org") == 25
    for code in printed:
        assert code not in output and code.replace("-", "") not in output, "codes are never printed"

    campaign_id = int(re.search(r"campaign (\d+)", output).group(1))
    assert str(out) in output

    def check(session):
        campaign = session.get(SurveyCampaign, campaign_id)
        assert (campaign.project_id, campaign.audience, campaign.mode) == (project_id, "pupils", "codes")
        assert campaign.languages == list(i18n.languages()), "offered in every language the suite speaks"
        assert (campaign.opens_on, campaign.closes_on) == (clock.today(), clock.today() + timedelta(days=30))
        hashes = set(session.scalars(select(SurveyCode.code_hash).where(SurveyCode.campaign_id == campaign_id)))
        assert len(hashes) == 25
        assert not {code.replace("-", "") for code in printed} & hashes, "stored hashed only"
        for code in printed:
            visit = responding.visit_by_code(session, code=code)
            assert (visit.status, visit.campaign_id) == (VisitStatus.OPEN, campaign_id)

    db.run(check)


def test_codes_with_a_closing_day_and_english_slips(db, project_id, tmp_path):
    out = tmp_path / "slips.pdf"
    closes = clock.today() + timedelta(days=10)
    output = ok("survey", "codes", "--project", str(project_id), "--audience", "teachers", "--count", "2",
                "--out", str(out), "--lang", "en", "--closes", closes.isoformat())
    campaign_id = int(re.search(r"campaign (\d+)", output).group(1))
    assert db.run(lambda session: session.get(SurveyCampaign, campaign_id).closes_on) == closes
    text = " ".join(PdfReader(BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "Partner teachers" in text and "Scan the QR code" in text and "Scannez le QR code" in text


def test_codes_refused_leave_no_campaign_and_no_file(db, project_id, tmp_path):
    folder = tmp_path / "print"
    folder.mkdir()
    out = folder / "slips.pdf"
    past = (clock.today() - timedelta(days=1)).isoformat()
    result = run("survey", "codes", "--project", str(project_id), "--audience", "pupils", "--count", "3",
                 "--out", str(out), "--closes", past)
    assert result.exit_code == 1 and "closes_on" in result.output
    result = run("survey", "codes", "--project", "999", "--audience", "pupils", "--count", "3", "--out", str(out))
    assert result.exit_code == 1
    assert list(folder.iterdir()) == [], "no slips, no temporary file"
    codes_campaigns = db.run(lambda session: session.scalar(
        select(func.count()).select_from(SurveyCampaign).where(SurveyCampaign.audience == "pupils",
                                                               SurveyCampaign.mode == "codes")))
    assert codes_campaigns == 0
    assert run("survey", "codes", "--project", str(project_id), "--audience", "pupils", "--count", "0",
               "--out", str(out)).exit_code == 2


def test_one_new_response_changes_no_figure_in_the_json(db, project_id):
    def figures() -> dict:
        document = json.loads(ok("survey", "results", "--project", str(project_id), "--json"))
        for audience in document["audiences"]:  # participation: how many answered, not what
            for key in ("campaigns", "codes_issued", "codes_used", "participation", "waiting"):
                audience.pop(key)
        return document

    before = figures()

    def one_more_family(session):
        families = session.scalar(select(SurveyCampaign).where(SurveyCampaign.audience == "families"))
        respond_with_codes(session, Actor.system(), families, [dict(FAMILIES[0], comment="Only mine")])

    db.run(one_more_family)
    assert figures() == before
    assert "Only mine" not in ok("survey", "results", "--project", str(project_id), "--json")
    assert "1 response received and not in the figures yet" in ok("survey", "results", "--project", str(project_id))


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "not shown, as it would give away the answers of a group of fewer than {min}"),
    ("de", "nicht angezeigt, da es die Antworten einer Gruppe von weniger als {min} Personen preisgeben würde"),
])
def test_a_hidden_criterion_names_the_privacy_minimum_the_figures_use(lang, expected):
    from assess.cli.survey_results import _criteria_lines
    from assess.domain.survey_results import MIN_GROUP, GroupResults
    from assess.services import rubrics

    rubric = rubrics.installed().default
    group = GroupResults(audience=None, respondents=8, hidden=False, items=(), themes={},
                         criteria={c.id: None for c in rubric.criteria})
    for minimum in (MIN_GROUP, 7):
        lines = _criteria_lines(group, rubric, minimum, lang)
        first = rubric.criteria[0].name.get(lang)
        assert any(line.strip() == f"{first}{' :' if lang == 'fr' else ':'} {expected.format(min=minimum)}"
                   for line in lines)
