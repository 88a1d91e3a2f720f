"""The reasons of a verdict and the jury's summary on the pages, through AppTest on a real
SQLite database: the teacher's applications page (nothing before publication, then each
rule with its figures and the summary) and the office's decisions page (the rules, each
juror's comments and private notes, the teacher's texts, next to the aggregates)."""

from __future__ import annotations

import re

import pytest

from assess.services import decisions
from tests.jury.test_reasons import SUMMARY, decided
from tests.ui import conftest as ui_conftest
from tests.ui.conftest import run_page
from tests.ui.test_teacher_pages import no_exception

pytestmark = pytest.mark.xdist_group("ui")
ui_database = ui_conftest.ui_database  # the pages' database fixture (tests/ui/conftest.py)

GATE_FAILED = {
    "en": "GDPR, copyright and eSafety (required for any label): level 2.5 against a minimum of 3 — not met",
    "fr": "RGPD, droits d'auteur et sécurité en ligne (exigé pour tout label)\u00a0: niveau 2,5 pour un minimum de 3 "
          "— non atteint",
}
PASS_MARK_MET = {"en": "Total of 15.5 against a pass mark of 13 — met",
                 "fr": "Total de 15,5 pour un seuil de réussite de 13 — atteint"}


def shown(at) -> str:
    """Every text the page shows, in one string, as read: Markdown's escapes and quote
    marks taken off."""
    parts = []
    for kind in ("markdown", "caption", "success", "warning", "info", "error", "text"):
        parts += [str(e.value) for e in at.get(kind)]
    return re.sub(r"^> ", "", re.sub(r"\\(.)", r"\1", "\n".join(parts)), flags=re.MULTILINE)


@pytest.fixture
def round_decided(ui_database):
    with ui_database.begin() as session:
        return decided(session, publish=False)


def publish(ui_database, made) -> None:
    with ui_database.begin() as session:
        decisions.publish_round(session, actor=made["office"], round_id=made["round"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_teacher_reads_why_and_the_jury_s_summary_once_published(ui_database, round_decided, lang):
    made = round_decided
    before = shown(no_exception(run_page("applications", made["teacher"], lang=lang)))
    assert PASS_MARK_MET[lang] not in before and GATE_FAILED[lang] not in before and SUMMARY not in before

    publish(ui_database, made)
    after = shown(no_exception(run_page("applications", made["teacher"], lang=lang)))

    assert PASS_MARK_MET[lang] in after and GATE_FAILED[lang] in after
    assert SUMMARY in after
    assert "Only for the office." not in after  # the jurors' private notes never


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_office_reads_the_rules_the_jurors_and_the_teacher_before_deciding(ui_database, round_decided, lang):
    made = round_decided
    at = no_exception(run_page("decisions", made["office"], lang=lang))
    text = shown(at)

    assert PASS_MARK_MET[lang] in text and GATE_FAILED[lang] in text
    assert "Well done. (safety)" in text  # a juror's comment for the teacher
    assert "Only for the office." in text  # and their private note
    assert "What we did for results." in text  # the teacher's text
    # The consensus note, in the form, is the summary the teacher will read.
    assert [a.value for a in at.text_area] == [SUMMARY]
