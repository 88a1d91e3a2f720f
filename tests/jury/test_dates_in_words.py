"""Dates in sentences are written in the reader's words, never as ISO (issue 15): "the round
closed on 3 March 2027" / "la session a fermé le 3 mars 2027", not "2027-03-03". Refusals
carry dates as dates (assess.errors.reader_params writes them); pages and the command line
write theirs with assess.i18n.formats.format_date."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from assess.i18n.formats import format_date
from assess.services import applications, campaigns
from assess.services.errors import ServiceError
from tests.jury.helpers import TODAY, apply, close, make_round
from tests.jury.test_cli import build, database, ok  # noqa: F401 (fixture)
from tests.services.helpers import make_project
from tests.ui.conftest import app_for, people, ui_database  # noqa: F401 (fixtures)
from tests.ui.test_teacher_pages import no_exception

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_a_refusal_names_the_rounds_dates_in_the_readers_words(session, teacher, project):
    made = make_round(session, opens_on=TODAY - timedelta(days=20), closes_on=TODAY - timedelta(days=1))

    with pytest.raises(ServiceError) as refused:
        apply(session, teacher=teacher, round_id=made.id, project_id=project.id)

    french, english = refused.value.message("fr"), refused.value.message("en")
    assert format_date(made.closes_on, "fr") in french and format_date(made.opens_on, "fr") in french
    assert format_date(made.closes_on, "en") in english
    assert not ISO_DATE.search(french) and not ISO_DATE.search(english), (french, english)


def test_withdrawing_after_the_closing_date_says_when_it_closed_in_words(session, teacher, project):
    made = make_round(session)
    sent = apply(session, teacher=teacher, round_id=made.id, project_id=project.id)
    close(session, made.id)

    with pytest.raises(ServiceError) as refused:
        applications.withdraw(session, actor=teacher, application_id=sent.id)

    message = refused.value.message("fr")
    assert "La session a fermé le " in message and not ISO_DATE.search(message), message


def test_the_command_line_lists_rounds_with_dates_in_words(database):  # noqa: F811
    made = build(database, lambda s: make_round(s, name="Labels 2027"))
    output = ok("round", "list", "--lang", "fr")
    assert format_date(made.opens_on, "fr") in output and not ISO_DATE.search(output), output


@pytest.mark.xdist_group("ui")
def test_the_office_reads_round_dates_in_words_on_the_french_rounds_page(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        made = make_round(session, name="Labels 2027")
    at = no_exception(app_for(people.admin, page="rounds", lang="fr"))
    cells = [str(v) for table in at.dataframe for column in table.value.columns for v in table.value[column]]
    assert f"du {format_date(made.opens_on, 'fr')} au {format_date(made.closes_on, 'fr')}" in cells, cells
    assert not [c for c in cells if ISO_DATE.search(c)], cells


@pytest.mark.xdist_group("ui")
def test_a_campaigns_dates_are_in_words_on_the_french_surveys_page(app_for, people, ui_database):  # noqa: F811
    with ui_database.begin() as session:
        project = make_project(session, owner=people.teacher)
        campaigns.create_campaign(session, actor=people.teacher, project_id=project.id, audience="families",
                                  mode="link", languages=["fr"], opens_on=TODAY, closes_on=TODAY + timedelta(days=21))
    at = no_exception(app_for(people.teacher, page="surveys", lang="fr"))
    # What a person reads (the date pickers' own limits are widget settings, not text).
    text = "\n".join(element.value for element in [*at.markdown, *at.caption, *at.info, *at.success])
    assert f"du {format_date(TODAY, 'fr')} au {format_date(TODAY + timedelta(days=21), 'fr')}" in text, text
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)

