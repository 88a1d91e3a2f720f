"""An office's own content folder (ASSESS_CONTENT_DIR), and what happens when the rubrics or
questionnaires are missing: a one-line message naming the folder and exit 1, never an empty
list nor a traceback."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from assess import resources
from assess.cli import cli
from assess.domain.content import CatalogueError
from assess.services import questionnaires, rubrics


@pytest.fixture(autouse=True)
def fresh_catalogues():
    """The catalogues are loaded once per process: each test reads its own folder."""
    rubrics.installed.cache_clear()
    questionnaires.installed.cache_clear()
    yield
    rubrics.installed.cache_clear()
    questionnaires.installed.cache_clear()


@pytest.fixture
def office(tmp_path, monkeypatch):
    """An office folder with one rubric (a copy of a shipped one, given another id) and the
    shipped questionnaires."""
    folder = tmp_path / "office-content"
    (folder / "rubrics").mkdir(parents=True)
    text = (resources.shipped_dir() / "rubrics" / "etwinning-2021.yaml").read_text(encoding="utf-8")
    assert "\nid: etwinning-2021\n" in text
    (folder / "rubrics" / "office-2026.yaml").write_text(text.replace("\nid: etwinning-2021\n", "\nid: office-2026\n"),
                                                         encoding="utf-8")
    shutil.copytree(resources.shipped_dir() / "surveys", folder / "surveys")
    monkeypatch.setenv("ASSESS_CONTENT_DIR", str(folder))
    return folder


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result) -> str:
    """The message of a refused command: exit 1, one line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_an_office_lists_its_own_rubrics_instead_of_the_shipped_ones(office):
    result = run("rubric", "list", "--json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["office-2026"]


def test_the_services_read_the_office_folder_too(office):
    assert [r.id for r in rubrics.installed()] == ["office-2026"]
    assert {q.id for q in questionnaires.installed()} == {p.stem for p in (office / "surveys").glob("*.yaml")}


def test_without_the_setting_the_shipped_rubrics_are_listed(monkeypatch):
    monkeypatch.delenv("ASSESS_CONTENT_DIR", raising=False)
    result = run("rubric", "list", "--json")
    assert result.exit_code == 0, result.output
    shipped = sorted(p.stem for p in (resources.shipped_dir() / "rubrics").glob("*.yaml"))
    assert sorted(r["id"] for r in json.loads(result.stdout)) == shipped == ["etwinning-2006", "etwinning-2014",
                                                                             "etwinning-2021"]


def test_an_empty_rubric_folder_is_an_error_naming_it_not_an_empty_list(office):
    for rubric in (office / "rubrics").glob("*.yaml"):
        rubric.unlink()
    message = one_line_error(run("rubric", "list", "--json"))
    assert str(office / "rubrics") in message and "no rubric files" in message


def test_a_content_folder_that_does_not_exist_is_named(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("ASSESS_CONTENT_DIR", str(missing))
    message = one_line_error(run("rubric", "list"))
    assert message == f"Error: ASSESS_CONTENT_DIR={missing}: no such folder"


def test_a_content_folder_without_questionnaires_is_named(office):
    shutil.rmtree(office / "surveys")
    with pytest.raises(CatalogueError) as raised:
        questionnaires.installed()
    assert str(office / "surveys") in str(raised.value) and "ASSESS_CONTENT_DIR" in str(raised.value)


def test_the_demo_refuses_cleanly_when_there_is_no_rubric(office, sqlite_database_url, monkeypatch):
    """Was a bare StopIteration from an installed wheel (rubrics not shipped)."""
    monkeypatch.setenv("ASSESS_DATABASE_URL", sqlite_database_url)
    for rubric in (office / "rubrics").glob("*.yaml"):
        rubric.unlink()
    message = one_line_error(run("demo"))
    assert str(office / "rubrics") in message


def test_serve_refuses_to_start_without_rubrics(office):
    shutil.rmtree(office / "rubrics")
    message = one_line_error(run("serve", "--port", "1"))
    assert str(office / "rubrics") in message and "no such folder" in message


def test_two_files_with_one_id_are_named(office):
    (office / "rubrics" / "copy.yaml").write_bytes((office / "rubrics" / "office-2026.yaml").read_bytes())
    message = one_line_error(run("rubric", "list"))
    assert message == (f"Error: {office / 'rubrics' / 'office-2026.yaml'}: the id 'office-2026' is already the id of "
                       f"{office / 'rubrics' / 'copy.yaml'}")


def test_streamlit_refuses_uploads_larger_than_the_import_accepts():
    """The uploader's own limit matches the importer's, so a larger file is refused at the door."""
    import tomllib

    from assess import resources
    from assess.domain.imports import MAX_FILE_BYTES

    config = tomllib.loads(resources.streamlit_config_file().read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES
