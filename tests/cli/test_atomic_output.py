"""assess.files.atomic_output: a file appears whole or not at all, and nothing else stays."""

from __future__ import annotations

import pytest

from assess.files import atomic_output


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial(tmp_path):
    out = tmp_path / "statistics.csv"
    out.write_text("last week's export")
    with pytest.raises(RuntimeError), atomic_output(out) as partial:
        assert partial.parent == tmp_path and partial.name.startswith(".statistics.csv.partial-")
        partial.write_text("half of this week's")
        raise RuntimeError("the database went away")
    assert out.read_text() == "last week's export"
    assert [p.name for p in tmp_path.iterdir()] == ["statistics.csv"]


def test_a_complete_write_replaces_the_file_and_is_private(tmp_path):
    out = tmp_path / "statistics.csv"
    with atomic_output(out) as partial:
        partial.write_text("this week's")
    assert out.read_text() == "this week's"
    assert [p.name for p in tmp_path.iterdir()] == ["statistics.csv"]
    assert out.stat().st_mode & 0o077 == 0, "answers are readable by their owner only"


def test_an_unwritable_place_is_named_in_the_error(tmp_path):
    with pytest.raises(OSError) as refused, atomic_output(tmp_path / "missing" / "x.csv"):
        pass
    assert refused.value.filename == str(tmp_path / "missing" / "x.csv")
