"""Where the address printed on slips and in links comes from, in one place, and what is
wrong with it for the respondents: the Settings page, else ASSESS_PUBLIC_URL, else the
address `assess serve` was started on, else http://127.0.0.1:8501."""

from __future__ import annotations

import pytest

from assess.cli.serve import server_environment
from assess.domain.permissions import Actor
from assess.services import _settings_values, campaigns, settings
from assess.services._settings_values import public_address
from assess.services.settings import AddressProblem, AddressSource
from tests.services.helpers import make_campaign


@pytest.fixture(autouse=True)
def no_address_in_the_environment(monkeypatch):
    monkeypatch.delenv(settings.PUBLIC_URL_VARIABLE, raising=False)
    monkeypatch.delenv(settings.SERVED_URL_VARIABLE, raising=False)


def test_nothing_set_is_the_loopback_fallback(session):
    found = public_address(session)
    assert (found.url, found.source, found.problem) == ("http://127.0.0.1:8501", AddressSource.FALLBACK,
                                                        AddressProblem.LOOPBACK)


def test_the_address_serve_was_started_on_comes_before_the_fallback(session, monkeypatch):
    """`make run PORT=8611` runs `assess serve --port 8611`: the slips carry 8611, not 8501."""
    monkeypatch.setenv(settings.SERVED_URL_VARIABLE,
                       server_environment(port=8611, address="127.0.0.1", environ={})[settings.SERVED_URL_VARIABLE])
    found = public_address(session)
    assert (found.url, found.source, found.problem) == ("http://127.0.0.1:8611", AddressSource.SERVER,
                                                        AddressProblem.LOOPBACK)
    # Served on a school network address: it may work, but nobody chose it.
    monkeypatch.setenv(settings.SERVED_URL_VARIABLE,
                       server_environment(port=8611, address="192.168.1.20", environ={})[settings.SERVED_URL_VARIABLE])
    found = public_address(session)
    assert (found.url, found.problem) == ("http://192.168.1.20:8611", AddressProblem.UNSET)


def test_the_environment_comes_before_the_server_and_the_setting_before_both(session, monkeypatch):
    monkeypatch.setenv(settings.SERVED_URL_VARIABLE, "http://0.0.0.0:8611")
    monkeypatch.setenv(settings.PUBLIC_URL_VARIABLE, "https://survey.example.org/")
    found = public_address(session)
    assert (found.url, found.source, found.problem) == ("https://survey.example.org", AddressSource.ENVIRONMENT, None)
    settings.put(session, actor=Actor.system(), key="public_url", value="https://label.example.org/suite/")
    found = public_address(session)
    assert (found.url, found.source, found.problem) == ("https://label.example.org/suite", AddressSource.SETTING, None)
    assert _settings_values.public_url(session) == "https://label.example.org/suite"


def test_an_unusable_environment_address_is_skipped_not_printed(session, monkeypatch):
    monkeypatch.setenv(settings.PUBLIC_URL_VARIABLE, "label.example.org/?x=1")
    monkeypatch.setenv(settings.SERVED_URL_VARIABLE, "http://10.0.0.5:8501")
    assert public_address(session).url == "http://10.0.0.5:8501"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8501", "http://127.8.9.10", "http://localhost:8501", "http://LOCALHOST.", "http://app.localhost",
    "http://[::1]:8501", "http://0.0.0.0:8501", "http://[::]:8501",
])
def test_addresses_only_the_server_reaches_are_loopback(session, url):
    settings.put(session, actor=Actor.system(), key="public_url", value=url)
    assert public_address(session).problem is AddressProblem.LOOPBACK


@pytest.mark.parametrize("url", ["https://label.example.org", "http://10.0.0.5:8501", "http://[2001:db8::1]:8501",
                                 "http://localhost-school.example.org"])
def test_addresses_others_reach_carry_no_warning(session, url):
    settings.put(session, actor=Actor.system(), key="public_url", value=url)
    assert public_address(session).problem is None


def test_links_and_slips_carry_the_address(session, teacher, project, monkeypatch):
    monkeypatch.setenv(settings.SERVED_URL_VARIABLE, "http://192.168.1.20:8611")
    codes = make_campaign(session, owner=teacher, project=project)
    link = make_campaign(session, owner=teacher, project=project, mode="link")
    (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=codes.id, count=1)
    assert campaigns.slip_links(session, actor=teacher, campaign_id=codes.id, codes=[code]) == [
        f"http://192.168.1.20:8611/?code={code}"]
    assert campaigns.public_link(session, actor=teacher, campaign_id=link.id).startswith(
        "http://192.168.1.20:8611/?survey=")


def test_serve_hands_its_address_to_the_app():
    environment = server_environment(port=8611, address="0.0.0.0", environ={"HOME": "/home/x"})
    assert environment == {"HOME": "/home/x", settings.SERVED_URL_VARIABLE: "http://0.0.0.0:8611"}
    assert server_environment(port=9000, address="::1", environ={})[settings.SERVED_URL_VARIABLE] == "http://[::1]:9000"
