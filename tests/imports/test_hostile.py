"""Hostile uploads are refused quickly and cleanly (issue 9, finding 5).

Each file is built here (:mod:`tests.imports.hostile`) and handed to ``assess survey import
--dry-run`` on a real SQLite file, in a child process, as an operator would. The test asks
what a person notices: a one-line refusal saying what is wrong and where (file:line, row,
column), exit status 1, no traceback, no crash (the nested-entity workbook used to kill the
process with a segmentation fault in Python's expat), and a bounded cost.

The cost bound is the issue's: no upload takes more than 5 s of CPU or 300 MB of memory.
CPU is the child's user + system time (``os.wait4``), less what the same command costs on a
two-row file (starting Python and importing the suite: some 2.5 s, paid once by a running
server, not per upload); memory is the child's peak resident size, start-up included.
Wall-clock time is not asserted: two cores are shared by the whole machine.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from assess.domain import imports as reading
from tests.imports import hostile
from tests.imports.helpers import xlsx

CPU_SECONDS = 5.0
MEMORY_MB = 300


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile")
    url, project_id = hostile.make_database(folder)
    cases = hostile.write_cases(folder)
    good = cases["billion-laughs.yaml"][0]  # the two-row CSV every mapping case comes with
    baseline = hostile.run_measured(hostile.import_args(good, "", project_id), env={"ASSESS_DATABASE_URL": url})
    assert baseline.returncode == 0, baseline.stderr
    return folder, url, project_id, cases, baseline


#: case -> what the one-line message says (``{path}``: the file's path as given).
EXPECTED = {
    "nested-entities.xlsx": "holds XML declarations (in xl/worksheets/sheet1.xml) that Excel workbooks never contain",
    "million-columns.csv": "has more than 1000 columns (row 1)",
    "huge-cell.xlsx": "possible zip bomb",
    "many-rows.xlsx": "has more than 200000 rows",
    "many-strings.xlsx": "lists 2600000 texts for 10 cells, which no spreadsheet program writes",
    "billion-laughs.yaml": "{path}:1: anchors (&a) are not allowed",
    "python-tag.yaml": "{path}:4: unknown tag '!!python/object:os.system'",
    "custom-tag.yaml": "{path}:2: unknown tag '!foo'",
    "deep-nesting.yaml": "{path}:2: nested more than 32 levels deep",
    "long-integer.yaml": "{path}:4: a number of 5,000 digits is too long",
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_hostile_upload_is_refused_with_a_clear_message_within_bounds(setting, case):
    _folder, url, project_id, cases, baseline = setting
    upload, mapping = cases[case]
    outcome = hostile.run_measured(hostile.import_args(upload, mapping, project_id), env={"ASSESS_DATABASE_URL": url})

    assert not outcome.crashed, f"killed by signal {-outcome.returncode}"
    assert outcome.returncode == 1, (outcome.returncode, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr and outcome.stdout == ""
    assert EXPECTED[case].format(path=mapping or upload) in outcome.stderr
    cpu = outcome.cpu_seconds - baseline.cpu_seconds
    assert cpu < CPU_SECONDS, f"{case}: {cpu:.1f} s of CPU beyond start-up"
    assert outcome.max_rss_mb < MEMORY_MB, f"{case}: {outcome.max_rss_mb:.0f} MB"


def test_the_cli_refuses_a_file_too_large_before_reading_it(setting, tmp_path):
    _folder, url, project_id, _cases, _baseline = setting
    big = tmp_path / "big.csv"
    with open(big, "wb") as out:  # sparse: takes no room on disk
        out.truncate(reading.MAX_FILE_BYTES + 1)
    outcome = hostile.run_measured(hostile.import_args(str(big), "", project_id), env={"ASSESS_DATABASE_URL": url})
    assert outcome.returncode == 1 and "is larger than 100 MB" in outcome.stderr
    assert outcome.max_rss_mb < MEMORY_MB


# --- the limits, one by one, in the reading function itself ----------------------------------


def read(name: str, data: bytes) -> reading.Table:
    return reading.read_table(file_name=name, data=data)


def refusal(name: str, data: bytes) -> reading.ImportFileError:
    with pytest.raises(reading.ImportFileError) as caught:
        read(name, data)
    return caught.value


def csv_of(headers: list[str], *rows: list[str]) -> bytes:
    return "\n".join(",".join(row) for row in (headers, *rows)).encode() + b"\n"


def test_columns_are_limited_and_located():
    wide = [f"q{i}" for i in range(reading.MAX_COLUMNS)]
    assert len(read("wide.csv", csv_of(wide, ["x"] * len(wide))).headers) == reading.MAX_COLUMNS
    error = refusal("wider.csv", csv_of([*wide, "one more"], ["x"]))
    assert (error.key, error.params["row"]) == ("imports.errors.too_many_columns", 1)
    error = refusal("wide-row.csv", csv_of(["a", "b"], ["x", "y"], ["x"] * (reading.MAX_COLUMNS + 1)))
    assert (error.key, error.params["row"]) == ("imports.errors.too_many_columns", 3)


def test_a_cell_longer_than_a_spreadsheet_cell_is_located():
    # A CSV file has no spreadsheet's cell limit (a pasted essay is cut later, to its item's limit):
    # its cells are held to MAX_CSV_CELL_CHARS, under the record's bound.
    long = "y" * (reading.MAX_CSV_CELL_CHARS + 1)
    error = refusal("long.csv", csv_of(["a", "b", "c"], ["x", "y", "z"], ["x", "y", long]))
    assert (error.key, error.params["row"], error.params["column"]) == ("imports.reading.csv_cell_too_long", 3, "C")
    error = refusal("long.xlsx", hostile.huge_cell_xlsx(reading.MAX_CELL_CHARS + 1))  # openpyxl writes 32,767 at most
    assert (error.key, error.params["row"], error.params["column"]) == ("imports.errors.cell_too_long", 2, "E")
    assert read("ok.csv", csv_of(["a"], ["y" * reading.MAX_CELL_CHARS])).rows[0][1][0] == "y" * reading.MAX_CELL_CHARS


def test_a_csv_record_is_bounded_before_it_is_split_into_cells():
    # One quoted cell running over lines, beyond the csv module's own field limit.
    data = b'a,b\nx,"' + b"line\n" * 300_000 + b'"\n'
    error = refusal("runaway.csv", data)
    assert error.key in ("imports.reading.csv_cell_too_long", "imports.errors.row_too_long")
    assert error.params["row"] == 2
    error = refusal("one-line.csv", b"a,b\n" + b"x" * (reading.MAX_RECORD_CHARS + 10) + b"\n")
    assert (error.key, error.params["row"]) == ("imports.errors.row_too_long", 2)


def test_a_workbook_cell_far_to_the_right_is_refused_before_the_row_is_padded():
    base = xlsx([hostile.GOOGLE_HEADERS, hostile.GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    far = '<c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row>'
    data = hostile._replace_member(base, "xl/worksheets/sheet1.xml", sheet.replace("</row>", far, 2).replace(
        far, "</row>", 1).encode())
    error = refusal("far.xlsx", data)
    assert (error.key, error.params["row"]) == ("imports.errors.too_many_columns", 2)


def test_a_text_run_of_megabytes_in_a_workbook_is_refused_while_unpacking():
    # Incompressible (the ratio check does not see it): the scan of the unpacked XML does.
    base = xlsx([hostile.GOOGLE_HEADERS, [*hostile.GOOD_ROW[:4], "MARK"]])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    noise = os.urandom(1_500_000).hex().encode()  # 3 MB of text that compresses two to one at best
    data = hostile._replace_member(base, "xl/worksheets/sheet1.xml", sheet.replace(b"MARK", noise))
    error = refusal("noise.xlsx", data)
    assert error.key == "imports.errors.text_too_long" and error.params["part"] == "xl/worksheets/sheet1.xml"


def test_rows_are_counted_as_the_workbook_unpacks_whatever_its_dimension_says():
    error = refusal("rows.xlsx", hostile.many_rows_xlsx(reading.MAX_ROWS_READ))
    assert error.key == "imports.errors.too_many_rows"


def test_the_rows_of_every_sheet_count(monkeypatch):
    # openpyxl reads every sheet that does not state its size when it opens the workbook.
    base = xlsx([hostile.GOOGLE_HEADERS, hostile.GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/worksheets/sheet2.xml", sheet)  # no need to list it: the scan reads every part
    monkeypatch.setattr(reading.limits, "MAX_ROWS_READ", 3)  # the readers look their limits up there
    assert refusal("two-sheets.xlsx", out.getvalue()).key == "imports.errors.too_many_rows"
    assert read("one-sheet.xlsx", base).rows  # 2 rows of one sheet: within 3


def test_the_cells_of_a_workbook_are_counted_as_it_unpacks(monkeypatch):
    base = xlsx([hostile.GOOGLE_HEADERS, hostile.GOOD_ROW])  # 10 cells
    monkeypatch.setattr(reading.limits, "MAX_XLSX_CELLS", 9)
    assert refusal("cells.xlsx", base).key == "imports.errors.too_many_cells"
    monkeypatch.setattr(reading.limits, "MAX_XLSX_CELLS", 10)
    assert read("cells.xlsx", base).rows


def test_a_row_number_far_below_is_refused_without_reading_the_rows_between():
    base = xlsx([hostile.GOOGLE_HEADERS, hostile.GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    data = hostile._replace_member(base, "xl/worksheets/sheet1.xml",
                                   sheet.replace('<row r="2">', '<row r="1048576">').replace('r="A2"', 'r="A1048576"')
                                   .encode())
    assert refusal("far-down.xlsx", data).key == "imports.errors.too_many_rows"


def test_a_workbook_may_not_list_more_texts_than_cells():
    assert len(read("fine.xlsx", hostile.many_strings_xlsx(1_000)).rows) == 1  # unused texts within a slack
    error = refusal("strings.xlsx", hostile.many_strings_xlsx(5_000))
    assert (error.key, error.params["strings"], error.params["cells"]) == ("imports.errors.too_many_strings", 5_000, 10)


def test_openpyxl_reads_xml_with_defusedxml_and_lxml_resolves_no_entity():
    import openpyxl.xml
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed: openpyxl then uses it for every iterparse"
    assert functions.iterparse.__module__.startswith("defusedxml")
    if openpyxl.xml.LXML:  # workbook parts are read by lxml's fromstring, with a parser that resolves nothing
        element = functions.fromstring(b'<!DOCTYPE r [<!ENTITY e "expanded">]><r>&e;</r>')
        assert "expanded" not in (element.text or "")


def test_a_dtd_in_any_part_of_the_workbook_is_refused():
    base = xlsx([hostile.GOOGLE_HEADERS, hostile.GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        workbook = source.read("xl/workbook.xml")
    data = hostile._replace_member(base, "xl/workbook.xml", b'<!DOCTYPE workbook [<!ENTITY e "x">]>' + workbook)
    error = refusal("dtd.xlsx", data)
    assert (error.key, error.params["part"]) == ("imports.errors.xml_declarations", "xl/workbook.xml")


def test_every_refusal_reads_well_in_both_languages():
    from assess.i18n import t

    for key, params in {
        "too_large": {"max": 100}, "too_many_columns": {"row": 1, "max": 1000}, "row_too_long": {"row": 2, "max": 4},
        "cell_too_long": {"row": 3, "column": "C", "max": 32767}, "text_too_long": {"part": "p", "max": 32767},
        "unreadable_row": {"row": 4}, "zip_bomb": {"part": "p", "ratio": 1015}, "unpacked_too_large": {"max": 1024},
        "xml_declarations": {"part": "p"}, "too_many_strings": {"strings": 5000, "cells": 10},
        "too_many_cells": {"max": 10_000_000},
    }.items():
        for lang in ("en", "fr"):
            text = t(f"imports.errors.{key}", lang, name="answers.xlsx", **params)
            assert "answers.xlsx" in text and "{" not in text and not text.startswith("imports."), (key, lang, text)


def test_the_import_limits_are_documented():
    docs = (Path(__file__).parents[2] / "docs" / "surveys.md").read_text()
    for figure in ("100 MB", "1,000 columns", "32,767 characters", "200,000 rows", "100 to 1", "1 MB"):
        assert figure in docs, figure


def test_every_yaml_file_is_read_by_the_one_bounded_reader():
    root = Path(__file__).parents[2] / "assess"
    for path in root.rglob("*.py"):
        if path.name == "safe_yaml.py":
            continue
        calls = re.findall(r"(?<![\w.])yaml\.(?:\w*load|compose\w*|\w*Loader)\(", path.read_text())
        assert not calls, f"{path.relative_to(root.parent)} calls {calls}: use assess.domain.safe_yaml"


def test_the_markup_openpyxl_builds_up_front_is_bounded(monkeypatch):
    """A styles part of cell formats (60 MB that zip to 1 MB, under every size and ratio
    bound) made openpyxl build objects for 40 s: the tags of the parts that are neither
    a sheet nor the shared strings are counted as they unpack."""
    base = xlsx([hostile.GOOGLE_HEADERS, hostile.GOOD_ROW])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        styles = source.read("xl/styles.xml")
    start, end = styles.index(b"<cellXfs"), styles.index(b"</cellXfs>")
    formats = 2_000
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    data = hostile._replace_member(base, "xl/styles.xml",
                                   styles[:start] + b'<cellXfs count="%d">' % formats + xf * formats + styles[end:])
    assert read("styles.xlsx", data).rows  # far below the bound
    monkeypatch.setattr(reading.limits, "MAX_XLSX_MARKUP", 1_000)
    assert refusal("styles.xlsx", data).key == "imports.errors.unreadable"
