"""``assess settings list|get|set|reset`` as an operator runs them, on a real database file:
values read per type, the same checks as the page, one line on standard error and exit 1
when refused, nothing stored then."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assess.cli import cli
from assess.domain import settings as registry
from assess.services import _settings_values
from assess.storage.db import make_engine, make_session_factory
from assess.storage.models import AuditLog
from tests.services.test_settings import SVG, jpeg_header, png


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both backends: the command reads ASSESS_DATABASE_URL."""
    monkeypatch.setenv("ASSESS_DATABASE_URL", database_url)
    return database_url


def run(*args: str):
    return CliRunner().invoke(cli, ["settings", *args])


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    [line] = result.stderr.splitlines()  # one line, no traceback
    assert line.startswith("Error: ")
    return line.removeprefix("Error: ")


def stored(database: str, key: str):
    engine = make_engine(database)
    try:
        with make_session_factory(engine)() as session:
            return _settings_values.get(session, key)
    finally:
        engine.dispose()


def audit_rows(database: str) -> int:
    engine = make_engine(database)
    try:
        with make_session_factory(engine)() as session:
            return session.query(AuditLog).filter_by(action="setting.change").count()
    finally:
        engine.dispose()


def test_list_shows_every_setting_and_its_default(database):
    lines = ok("list").splitlines()
    assert [line.split()[0] for line in lines] == [s.key for s in registry.SETTINGS]
    assert all(line.endswith("(default)") for line in lines)
    rows = json.loads(ok("list", "--json"))
    assert [row["key"] for row in rows] == [s.key for s in registry.SETTINGS]
    gap = next(row for row in rows if row["key"] == "triangulation_gap")
    assert gap == {"key": "triangulation_gap", "value": 1.5, "default": 1.5, "allowed": "A number from 0.1 to 5, in steps of 0.1."}


@pytest.mark.parametrize(
    ("key", "typed", "shown", "value"),
    [
        ("allow_signup", "yes", "true", True),
        ("allow_signup", "oui", "true", True),
        ("public_url", "https://label.example.org/", "https://label.example.org", "https://label.example.org"),
        ("triangulation_gap", "1,2", "1.2", 1.2),
        ("max_applications_per_year", "6", "6", 6),
        ("severity_threshold", "2.5", "2.5", 2.5),
        ("eql_rule", "automatic", "automatic", "automatic"),
        ("default_rubric", "etwinning-2014", "etwinning-2014", "etwinning-2014"),
        ("eql_share", "0.4", "0.4", 0.4),
        ("office.name", "Bureau national", "Bureau national", "Bureau national"),
        ("office.address", r"Réseau Canopé\n86961 Chasseneuil", r"Réseau Canopé\n86961 Chasseneuil", "Réseau Canopé\n86961 Chasseneuil"),
    ],
)
def test_set_reads_the_value_per_type(database, key, typed, shown, value):
    assert ok("set", key, typed) == f"{key} = {shown}\n"
    assert stored(database, key) == value
    assert ok("get", key).rstrip("\n") == (shown.replace(r"\n", "\n"))
    assert audit_rows(database) == 1
    assert ok("set", key, typed) == f"{key} unchanged\n"
    assert audit_rows(database) == 1


def test_gate_minimums_as_json(database):
    from assess.services.rubrics import installed

    rubric = next(r for r in installed() if r.gates)
    gate = rubric.gates[0].id
    ok("set", "gate_minimums", json.dumps({rubric.id: {gate: 4}}))
    assert json.loads(ok("get", "gate_minimums")) == {rubric.id: {gate: 4}}
    assert refused("set", "gate_minimums", json.dumps({rubric.id: {gate: 9}})) == \
        f"gate_minimums.{rubric.id}.{gate}: For each gate of an installed rubric, a whole level from 0 to 5."
    for typed in ("{not json", "[" * 100_000 + "]" * 100_000):
        assert refused("set", "gate_minimums", typed) == \
            "gate_minimums: Give the minimums as JSON, per rubric id then gate id: a whole level."


@pytest.mark.parametrize(
    ("key", "typed", "message"),
    [
        ("triangulation_gap", "7", "triangulation_gap: A number from 0.1 to 5, in steps of 0.1."),
        ("triangulation_gap", "lots", "triangulation_gap: A number from 0.1 to 5, in steps of 0.1."),
        ("triangulation_gap", "nan", "triangulation_gap: A number from 0.1 to 5, in steps of 0.1."),
        ("max_applications_per_year", "2.5", "max_applications_per_year: A whole number from 1 to 20."),
        ("max_applications_per_year", "9" * 5000, "max_applications_per_year: A whole number from 1 to 20."),
        ("max_applications_per_year", "9" * 400, "max_applications_per_year: A whole number from 1 to 20."),
        ("max_applications_per_year", "²", "max_applications_per_year: A whole number from 1 to 20."),
        ("eql_share", "0", "eql_share: A number above 0 and up to 1, in steps of 0.01."),
        ("eql_rule", "sometimes", "eql_rule: One of: top_share, automatic."),
        ("default_rubric", "etwinning-1999", "default_rubric: Unknown rubric 'etwinning-1999'."),
        ("allow_signup", "maybe", "allow_signup: Give on or off (true or false)."),
        ("public_url", "https://x.org/?a=1", "public_url: The address must end before any ? or #."),
        ("office.place", "x" * 150, "office.place: At most 100 characters (this has 150)."),
        ("office.name", "Bureau\x01", "office.name: Control characters (tabs, NUL...) are not allowed here."),
        ("office", "Bureau", "unknown setting 'office'; the settings are: " + ", ".join(registry.BY_KEY)),
    ],
)
def test_a_refused_value_is_one_line_and_exit_1(database, key, typed, message):
    assert refused("set", key, typed) == message
    assert audit_rows(database) == 0


def test_the_logo_from_a_file(database, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(300, 100))
    output = ok("set", "office.logo", str(logo))
    assert output.startswith('office.logo = {"bytes": ') and '"height": 100' in output and '"width": 300' in output
    shown = json.loads(ok("get", "office.logo"))
    assert shown["media_type"] == "image/png" and "data" not in shown
    assert stored(database, "office.logo")["width"] == 300

    jpeg = tmp_path / "logo.jpg"
    jpeg.write_bytes(jpeg_header(800, 600))
    ok("set", "office.logo", str(jpeg))
    assert json.loads(ok("get", "office.logo"))["media_type"] == "image/jpeg"

    assert ok("reset", "office.logo") == "office.logo = null (default)\n"
    assert stored(database, "office.logo") is None


def test_a_refused_logo_file(database, tmp_path):
    svg, big, text = tmp_path / "logo.svg", tmp_path / "big.png", tmp_path / "notes.txt"
    svg.write_bytes(SVG)
    big.write_bytes(png(4, 4) + b"\x00" * 600_000)
    text.write_text("hello")
    assert refused("set", "office.logo", str(svg)).startswith("office.logo: SVG logos are refused")
    assert refused("set", "office.logo", str(big)) == "office.logo: The logo file has 513 KB; at most 512 KB."
    assert refused("set", "office.logo", str(text)) == "office.logo: The logo must be a PNG or JPEG image."
    assert refused("set", "office.logo", str(tmp_path / "missing.png")) == f"office.logo: not a file: {tmp_path / 'missing.png'}"
    assert refused("set", "office.logo", str(tmp_path)) == f"office.logo: not a file: {tmp_path}"
    assert stored(database, "office.logo") is None


def test_get_and_reset_of_an_unknown_key(database):
    assert refused("get", "nope").startswith("unknown setting 'nope'; the settings are: allow_signup, ")
    assert refused("reset", "nope").startswith("unknown setting 'nope'")


def test_reset(database):
    ok("set", "severity_threshold", "3")
    assert ok("reset", "severity_threshold") == "severity_threshold = 1.0 (default)\n"
    assert stored(database, "severity_threshold") == 1.0
