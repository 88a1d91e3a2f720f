"""The reference deployment (deploy/) running: PostgreSQL, two `assess serve` app servers,
nginx with the real site file in front (tests/deploy/stack.py).

A parent answers the families' survey through the proxy in Chromium; the server holding
their session is killed mid-survey; they come back with the same code and find every
answer they gave; their response is stored once. And what the proxy promises: sticky
sessions, security headers, Streamlit's internal addresses refused, the upload limit.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import time
import tomllib
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from assess.services import campaigns, responding
from assess.services.responding import VisitStatus
from assess.storage import db
from assess.storage.models import SurveyResponse
from tests.deploy import stack
from tests.e2e.conftest import wait_idle
from tests.e2e.test_parent_answers_on_phone import PHONE, choose, item
from tests.services.helpers import make_campaign, make_project, make_user

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]

TITLE = "Le projet eTwinning de nos enfants – l'avis des familles"
ANSWERS = {  # question -> answer chosen, and what the draft on the server holds
    "Mon enfant a parlé du projet à la maison.": ("Tout à fait d'accord", "child-talked", 5),
    "Mon enfant a découvert d'autres pays": ("Plutôt d'accord", "learned-other-countries", 4),
    "L'école a permis aux familles de voir le projet": ("Je ne sais pas / sans objet", "project-visible", "dont_know"),
}
COMMENT_QUESTION = "Souhaitez-vous dire autre chose"
COMMENT = "Très beau projet, merci Madame Dupont !"
ANSWERED = "4 questions sur 9 ont une réponse"


# --- the files themselves ------------------------------------------------------------------


def test_the_proxy_accepts_the_uploads_streamlit_accepts():
    streamlit = tomllib.loads((stack.ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    nginx = re.search(r"^client_max_body_size (\d+)m;", stack.SNIPPET.read_text(), re.MULTILINE)
    assert nginx and int(nginx.group(1)) == streamlit


def test_the_systemd_unit_is_valid(tmp_path):
    analyze = stack.shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "assess@8501.service"
    # The programs it runs must exist for `verify`: the installed `assess` stands for /opt/assess/venv/bin/assess.
    unit.write_text(stack.UNIT.read_text().replace("/opt/assess/venv/bin/assess", str(stack.ASSESS))
                    .replace("EnvironmentFile=/etc/assess/assess.env", f"EnvironmentFile=-{tmp_path}/assess.env"))
    checked = subprocess.run([analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True)
    assert checked.returncode == 0 and "assess@8501" not in checked.stderr, checked.stderr


# --- the proxy -----------------------------------------------------------------------------


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        return urllib.request.urlopen(request, timeout=10, context=stack.insecure_tls())
    except urllib.error.HTTPError as refused:
        return refused


def route_cookie(answer) -> str | None:
    """The Set-Cookie of nginx's route cookie (Streamlit sets its own XSRF cookie too)."""
    found = [c for c in answer.headers.get_all("Set-Cookie") or [] if c.startswith("assess_route=")]
    return found[0] if found else None


def test_every_answer_carries_the_security_headers(deployed):
    for path in ("/", "/_stcore/metrics"):  # an answer of the app and one of nginx itself
        answer = get(deployed.proxy.url + path)
        headers = answer.headers
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        route = route_cookie(answer)
        assert route and "HttpOnly" in route and "Secure" in route and "SameSite=Lax" in route


def test_streamlit_internal_addresses_are_not_public(deployed):
    direct = f"http://{deployed.servers[0].address}"
    for path in ("/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent/openapi.json", "/_stcore/anything"):
        assert get(deployed.proxy.url + path).status == 404, path
    assert get(direct + "/_stcore/metrics").status == 200  # it exists: only the proxy hides it
    assert get(deployed.proxy.url + "/_stcore/health").status == 200
    assert get(deployed.proxy.url + "/_stcore/host-config").status == 200


def test_plain_http_redirects_to_https(deployed):
    connection = http.client.HTTPConnection("127.0.0.1", deployed.proxy.http_port, timeout=10)
    connection.request("GET", "/?code=ABCD")
    answer = connection.getresponse()
    assert answer.status == 301 and answer.getheader("Location").startswith("https://")
    connection.close()


def test_an_upload_larger_than_streamlit_takes_is_refused_by_the_proxy(deployed):
    limit = tomllib.loads((stack.ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    connection = http.client.HTTPSConnection("127.0.0.1", deployed.proxy.https_port, timeout=10,
                                             context=stack.insecure_tls())
    # nginx answers from the announced length, before reading the body.
    connection.putrequest("PUT", "/_stcore/upload_file/session/file")
    connection.putheader("Content-Length", str(limit * 1024 * 1024 + 1))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()


def upstreams_of(deployment, path: str, *, at_least: int = 0) -> list[str]:
    """The servers nginx sent the requests for ``path`` to, from its access log. nginx writes
    a request's line once the request is over, which can be just after the client has read
    the answer: with ``at_least``, wait (up to 10 s) until that many lines are written."""
    give_up = time.monotonic() + 10
    while True:
        found = [line.rsplit("upstream=", 1)[1] for line in deployment.proxy.log_lines() if f" {path} " in line]
        if len(found) >= at_least or time.monotonic() > give_up:
            return found
        time.sleep(0.05)


def test_a_browser_stays_on_one_server_and_browsers_spread_over_both(deployed):
    before = len(upstreams_of(deployed, "/_stcore/health"))
    cookie = None
    for _ in range(16):  # new browsers: no route cookie yet
        answer = get(deployed.proxy.url + "/_stcore/health")
        cookie = route_cookie(answer).split(";")[0]
    fresh = upstreams_of(deployed, "/_stcore/health", at_least=before + 16)[before:]
    for _ in range(8):  # one browser, coming back with its cookie
        assert route_cookie(get(deployed.proxy.url + "/_stcore/health", {"Cookie": cookie})) is None
    returning = upstreams_of(deployed, "/_stcore/health", at_least=before + 24)[before + 16:]
    live = {server.address for server in deployed.servers if server.process.poll() is None}
    if len(live) == 2:
        assert set(fresh) == live  # 16 random cookies all on one of two servers: 1 chance in 32,768
    assert len(set(returning)) == 1 and len(returning) == 8


# --- a parent, a server killed -------------------------------------------------------------


def families_code(deployment) -> tuple[str, int]:
    engine = db.make_engine(deployment.database_url)
    try:
        with db.writing(db.make_session_factory(engine)) as session:
            teacher = make_user(session, email="claire@example.org")
            project = make_project(session, owner=teacher)
            campaign = make_campaign(session, owner=teacher, project=project, audience="families")
            (code,) = campaigns.issue_codes(session, actor=teacher, campaign_id=campaign.id, count=1)
            return code, campaign.id
    finally:
        engine.dispose()


def in_database(deployment, work):
    engine = db.make_engine(deployment.database_url)
    try:
        with db.reading(db.make_session_factory(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


def comment_box(page):
    return item(page, COMMENT_QUESTION).get_by_label(re.compile(COMMENT_QUESTION))


def session_holder(deployment) -> stack.AppServer:
    """The app server the browser's WebSocket is connected to (through nginx)."""
    holding = [server for server in deployment.servers if server.process.poll() is None and server.has_open_connection()]
    assert len(holding) == 1, f"{len(holding)} servers hold a connection"
    return holding[0]


def test_a_parent_finds_every_saved_answer_after_their_server_is_killed(deployed, chromium):
    code, campaign_id = families_code(deployed)
    address = f"{deployed.proxy.url}/?code={code}"
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(address)
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_idle(page)
    for question, (answer, _, _) in ANSWERS.items():
        choose(page, question, answer)
    comment_box(page).fill(COMMENT)
    comment_box(page).press("Tab")  # a text area is sent when it loses the focus
    wait_idle(page)
    page.get_by_text(ANSWERED).wait_for()
    saved = {key: value for _, key, value in ANSWERS.values()} | {"comment": COMMENT}
    assert in_database(deployed, lambda s: responding.visit_by_code(s, code=code).draft) == saved

    holder = session_holder(deployed)
    assert upstreams_of(deployed, "/")[-1] == holder.address  # the page came from there too
    holder.process.kill()  # mid-survey, without warning
    holder.process.wait()

    page.goto(address)  # the parent comes back with the same code
    page.get_by_role("heading", name=TITLE).wait_for()
    wait_idle(page)
    survivor = session_holder(deployed)
    # nginx found the killed server closed and passed the request on (its log lists both).
    assert survivor is not holder and upstreams_of(deployed, "/")[-1].split(", ")[-1] == survivor.address
    for question, (answer, _, _) in ANSWERS.items():
        expect(item(page, question).get_by_role("radio", name=answer, exact=True)).to_be_checked()
    expect(comment_box(page)).to_have_value(COMMENT)
    page.get_by_text(ANSWERED).wait_for()

    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_role("heading", name="Vos réponses sont envoyées").wait_for()
    context.close()

    def stored(session):
        responses = session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.campaign_id == campaign_id))
        return responses, responding.visit_by_code(session, code=code).status

    assert in_database(deployed, stored) == (1, VisitStatus.USED)
    # No log of the whole journey holds the code or what the parent wrote: the proxy's
    # (nor any query string there), the app servers' output.
    assert "?" not in deployed.proxy.access_log.read_text()
    logs = [*deployed.proxy.folder.glob("*.log"), *deployed.folder.glob("app-*.log")]
    assert len(logs) >= 4
    for log in logs:
        text = log.read_text(errors="replace")
        assert code not in text and campaigns.format_code(code) not in text and "Dupont" not in text, log.name
