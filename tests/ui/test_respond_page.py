"""The answering page through AppTest: a code or a link in the address opens the
questionnaire with no sign-in; answers are checked by the server and stored once.

Results are read back with the services, as the teacher's pages would read them.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from assess import clock
from assess.domain.answers import DONT_KNOW
from assess.i18n.formats import format_date
from assess.services import campaigns, link_guard, responding
from assess.services.responding import VisitStatus
from assess.storage.models import SurveyCampaign, SurveyResponse
from tests.services.helpers import families_answers, make_campaign, make_project, public_link_token
from tests.ui.conftest import ROOT, sign_in_state
from tests.ui.test_teacher_pages import no_exception, page_text

pytestmark = pytest.mark.xdist_group("ui")

FAMILIES_THANKS_EN = "Thank you for your time! Your answers help the teachers"
FAMILIES_THANKS_FR = "Merci pour votre temps\u202f! Vos réponses aident les enseignants"


# -- helpers ---------------------------------------------------------------------------

def respondent(*, code: str | None = None, survey: str | None = None, lang: str = "en", actor=None,
               browser_id: str | None = None) -> AppTest:
    """A new browser session opening the survey address (no one signed in, unless ``actor``).
    ``browser_id``: the ``assess_respondent`` cookie the browser sends (links)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    if browser_id is not None:
        at.session_state["respond_browser"] = browser_id  # what the page reads from the cookie
    if actor is not None:
        sign_in_state(at.session_state, actor)
    if code is not None:
        at.query_params["code"] = code
    if survey is not None:
        at.query_params["survey"] = survey
    return no_exception(at.run())


def key(code_or_token: str, item_id: str, kind: str = "code") -> str:
    value = campaigns.normalise_code(code_or_token) if kind == "code" else code_or_token
    return f"respond:{kind}:{value}:{item_id}"


def answer(at: AppTest, code: str, answers: dict, kind: str = "code") -> AppTest:
    """Set each answer through its widget, one rerun per change as in a browser."""
    for item_id, value in answers.items():
        widget_key = key(code, item_id, kind)
        widget = next(w for w in at.main if getattr(w, "key", None) == widget_key)
        widget.set_value(value)
        no_exception(at.run())
    return at


def progress(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def item_box(at: AppTest, item_id: str):
    """The bordered box of one item: its question, its answers and its message."""
    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "id", "").endswith(f"-respond_item_{item_id}"):
            return node
        for child in getattr(node, "children", {}).values():
            if (found := walk(child)) is not None:
                return found
        return None

    return walk(at.main)


def send(at: AppTest) -> AppTest:
    at.button(key="respond_send").click()
    return no_exception(at.run())


def responses(ui_database) -> list[dict]:
    with ui_database.begin() as session:
        return [
            {a.item_id: a.score if a.score is not None else DONT_KNOW if a.dont_know else a.text or a.choices
             for a in r.answers} | {"_language": r.language}
            for r in session.scalars(select(SurveyResponse).order_by(SurveyResponse.id))
        ]


def response_count(ui_database) -> int:
    with ui_database.begin() as session:
        return session.scalar(select(func.count()).select_from(SurveyResponse))


@pytest.fixture
def project(ui_database, people):
    with ui_database.begin() as session:
        return make_project(session, owner=people.teacher)


@pytest.fixture
def families(ui_database, people, project):
    """A families campaign answered with codes, open since yesterday, in French and English."""
    with ui_database.begin() as session:
        campaign = make_campaign(session, owner=people.teacher, project=project)
        codes = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=3)
        return campaign.id, codes


@pytest.fixture
def code(families) -> str:
    return families[1][0]


# -- answering with a code -------------------------------------------------------------

def test_a_code_opens_the_questionnaire_without_signing_in(people, code):
    at = respondent(code=code)

    assert [t.value for t in at.title] == ["Our children's eTwinning project - what families think"]
    assert "It is anonymous" in page_text(at)
    assert progress(at) == "0 of 9 questions answered"
    assert not at.sidebar.children or not any(getattr(e, "label", "") for e in at.sidebar)  # no navigation, no sign-in
    labels = [r.label for r in at.radio]
    assert labels[0] == "My child talked about the project at home. (required)"
    assert at.radio(key=key(code, "child-talked")).options == [
        "Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree",
        "I don't know / not applicable",
    ]
    assert at.text_area(key=key(code, "comment")).label == "Anything else you would like to tell the teachers? (optional)"
    assert "Sign in" not in page_text(at)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_the_note_on_required_questions_quotes_the_mark_the_questions_carry(people, ui_database, project, lang):
    with ui_database.begin() as session:
        campaign = make_campaign(session, owner=people.teacher, project=project, languages=("fr", "en", "de"))
        [code] = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=1)
    at = respondent(code=code, lang=lang)

    mark = {"en": "(required)", "fr": "(obligatoire)", "de": "(Pflichtfrage)"}[lang]
    assert at.radio[0].label.endswith(f" {mark}")
    note = {"en": "Questions marked (required) need an answer. All the others are optional.",
            "fr": "Les questions marquées (obligatoire) demandent une réponse. Toutes les autres sont facultatives.",
            "de": "Fragen mit dem Hinweis (Pflichtfrage) müssen beantwortet werden. Alle anderen sind freiwillig."}
    assert note[lang] in [c.value for c in at.caption]


def test_a_teacher_signed_in_in_the_same_browser_also_gets_only_the_questionnaire(people, code):
    at = respondent(code=code, actor=people.teacher)
    assert [t.value for t in at.title] == ["Our children's eTwinning project - what families think"]
    assert "My projects" not in page_text(at)


def test_answering_and_sending_stores_one_response_and_thanks(people, ui_database, code):
    at = respondent(code=code)
    at = answer(at, code, {"child-talked": 5, "learned-other-countries": 4, "project-visible": DONT_KNOW,
                           "heard-about": "event", "comment": "Très bien <b>merci</b>"})
    assert progress(at) == "5 of 9 questions answered"
    at = send(at)

    assert [t.value for t in at.title] == ["Your answers are sent"]
    assert FAMILIES_THANKS_EN in at.success[0].value
    assert responses(ui_database) == [{
        "child-talked": 5, "learned-other-countries": 4, "project-visible": DONT_KNOW, "heard-about": ["event"],
        "comment": "Très bien <b>merci</b>", "_language": "en",
    }]
    with ui_database.begin() as session:
        assert responding.visit_by_code(session, code=code).status is VisitStatus.USED

    # Clicking again, or coming back with the code, stores nothing more.
    again = respondent(code=code)
    assert [t.value for t in again.title] == ["This code has already been used"]
    assert response_count(ui_database) == 1


def test_a_required_item_left_empty_is_shown_next_to_it_and_nothing_is_stored(people, ui_database, code):
    at = respondent(code=code)
    at = answer(at, code, {"child-talked": 4, "project-visible": 3})
    at = send(at)

    assert response_count(ui_database) == 0
    errors = [e.value for e in at.error]
    # The summary names the question, by number and text, in words (not "marked in red").
    assert errors == ["Please answer this question.", "Please complete or correct 1 answer before sending:\n\n"
                      '- Question 2 of 9, "My child learned about other countries and the way people live there.": '
                      "Please answer this question."]
    # The message sits in the item's own box, under its question.
    assert [e.value for e in item_box(at, "learned-other-countries").error] == ["Please answer this question."]
    assert not item_box(at, "child-talked").error
    assert at.radio(key=key(code, "child-talked")).value == 4  # what was given stays

    at = answer(at, code, {"comment": "Later"})  # answering another question keeps the message
    assert [e.value for e in item_box(at, "learned-other-countries").error] == ["Please answer this question."]
    at = answer(at, code, {"learned-other-countries": 2})
    assert not any(e.value == "Please answer this question." for e in at.error)
    at = send(at)
    assert [t.value for t in at.title] == ["Your answers are sent"]
    assert response_count(ui_database) == 1


def test_answers_are_saved_as_you_go_and_resumed_with_the_same_code(people, ui_database, code):
    at = respondent(code=code, lang="fr")
    at = answer(at, code, {"child-talked": 2, "heard-about": "website", "comment": "À suivre"})
    at.button(key="respond_save").click()
    no_exception(at.run())
    assert any(campaigns.format_code(code) in s.value and "enregistrées" in s.value for s in at.success)
    assert response_count(ui_database) == 0

    later = respondent(code=code, lang="en")  # another day, another browser
    assert "Vous revoilà" in page_text(later)  # the language of the saved answers comes back
    assert later.radio(key=key(code, "child-talked")).value == 2
    assert later.radio(key=key(code, "heard-about")).value == "website"
    assert later.text_area(key=key(code, "comment")).value == "À suivre"
    assert progress(later) == "3 questions sur 9 ont une réponse"

    later = answer(later, code, {"learned-other-countries": 5, "project-visible": 4})
    later = send(later)
    assert responses(ui_database)[0] | {"_language": None} == {
        "child-talked": 2, "learned-other-countries": 5, "project-visible": 4, "heard-about": ["website"],
        "comment": "À suivre", "_language": None,
    }
    assert FAMILIES_THANKS_FR in later.success[0].value


def test_the_language_can_be_switched_among_the_campaigns_languages(people, code):
    at = respondent(code=code, lang="en")
    assert at.segmented_control(key=f"respond_lang:code:{code}").options == ["English", "Français"]
    at = answer(at, code, {"child-talked": 4})
    at.segmented_control(key=f"respond_lang:code:{code}").set_value("fr")
    no_exception(at.run())
    assert [t.value for t in at.title] == ["Le projet eTwinning de nos enfants – l'avis des familles"]
    assert at.radio(key=key(code, "child-talked")).value == 4  # the answer is kept
    assert at.radio(key=key(code, "child-talked")).options[0] == "Pas du tout d'accord"


def switch_language(at: AppTest, code: str, language: str) -> AppTest:
    at.segmented_control(key=f"respond_lang:code:{campaigns.normalise_code(code)}").set_value(language)
    return no_exception(at.run())


def sent_to_browser(at: AppTest, code: str, item_id: str) -> str | None:
    """The text of the answer the page tells the browser to show as chosen, if it does.
    (A browser keeps a choice as the option's text: after a switch, the old text matches
    nothing, so the page must send the answer again in the new words.)"""
    proto = at.radio(key=key(code, item_id)).proto
    return proto.raw_value if proto.set_value else None


def draft(ui_database, code: str) -> dict:
    with ui_database.begin() as session:
        return responding.visit_by_code(session, code=code).draft


def test_switching_language_both_ways_keeps_every_answer_shown_saved_and_sent(people, ui_database, code):
    at = respondent(code=code, lang="en")
    at = answer(at, code, {"child-talked": 5, "learned-other-countries": 4, "heard-about": "event",
                           "comment": "Bravo"})
    given = {"child-talked": 5, "learned-other-countries": 4, "heard-about": "event", "comment": "Bravo"}

    at = switch_language(at, code, "fr")
    assert [t.value for t in at.title] == ["Le projet eTwinning de nos enfants – l'avis des familles"]
    assert {item_id: getattr(at, "text_area" if item_id == "comment" else "radio")(key=key(code, item_id)).value
            for item_id in given} == given
    assert sent_to_browser(at, code, "child-talked") == "Tout à fait d'accord"
    assert sent_to_browser(at, code, "learned-other-countries") == "Plutôt d'accord"
    assert sent_to_browser(at, code, "heard-about") == at.radio(key=key(code, "heard-about")).options[
        at.radio(key=key(code, "heard-about")).index]
    assert progress(at) == "4 questions sur 9 ont une réponse"

    at = answer(at, code, {"project-visible": 2})  # its autosave keeps the answers given in English
    assert draft(ui_database, code) == given | {"heard-about": ["event"], "project-visible": 2}

    at = switch_language(at, code, "en")
    assert at.radio(key=key(code, "project-visible")).value == 2
    assert sent_to_browser(at, code, "project-visible") == "Disagree"
    assert sent_to_browser(at, code, "child-talked") == "Strongly agree"
    assert progress(at) == "5 of 9 questions answered"

    at = send(at)  # no required question flagged: all three were answered, before and after
    assert [t.value for t in at.title] == ["Your answers are sent"]
    assert not at.error
    assert responses(ui_database) == [{
        "child-talked": 5, "learned-other-countries": 4, "project-visible": 2, "heard-about": ["event"],
        "comment": "Bravo", "_language": "en",
    }]


def test_a_reload_or_a_later_visit_by_code_after_a_switch_restores_every_answer(people, ui_database, code):
    at = respondent(code=code, lang="en")
    at = answer(at, code, {"child-talked": 5, "learned-other-countries": 4})
    at = switch_language(at, code, "fr")
    at = answer(at, code, {"project-visible": 1})

    reloaded = respondent(code=code, lang="en")  # a reload is a new browser session
    assert "Vous revoilà" in page_text(reloaded)  # in the language last used
    assert [reloaded.radio(key=key(code, i)).value for i in ("child-talked", "learned-other-countries",
                                                            "project-visible")] == [5, 4, 1]
    assert progress(reloaded) == "3 questions sur 9 ont une réponse"

    later = respondent(code=campaigns.format_code(code).lower(), lang="en")  # days later, typed from the slip
    later = switch_language(later, code, "en")
    assert [later.radio(key=key(code, i)).value for i in ("child-talked", "learned-other-countries",
                                                         "project-visible")] == [5, 4, 1]
    assert sent_to_browser(later, code, "child-talked") == "Strongly agree"
    later = send(later)
    assert [t.value for t in later.title] == ["Your answers are sent"]
    assert responses(ui_database)[0] | {"_language": None} == {
        "child-talked": 5, "learned-other-countries": 4, "project-visible": 1, "_language": None}


def test_a_choice_the_browser_still_holds_in_the_old_words_never_replaces_the_answer(people, ui_database, code):
    """What a browser that did not take the new words would send: the English text of the
    choice, on a French page. It is no answer: the answer given stays, on the page and in
    the draft."""
    at = respondent(code=code, lang="en")
    at = answer(at, code, {"child-talked": 5, "learned-other-countries": 4})
    at = switch_language(at, code, "fr")
    # AppTest's private API, on purpose: its public one sends only a value the widget offers
    # (Radio.set_value looks the value up among the options shown, now French, and raises
    # for "Strongly agree"), and what is tested is a browser sending one it does not offer.
    # AppTest has no public way to send raw widget states.
    states = at._tree.get_widget_states()
    stale = next(w for w in states.widgets if w.id == at.radio(key=key(code, "child-talked")).id)
    stale.string_value = "Strongly agree"
    no_exception(at._run(widget_state=states))

    assert at.radio(key=key(code, "child-talked")).value == 5
    assert sent_to_browser(at, code, "child-talked") == "Tout à fait d'accord"
    assert draft(ui_database, code) == {"child-talked": 5, "learned-other-countries": 4}
    assert progress(at) == "2 questions sur 9 ont une réponse"


def test_a_campaign_in_one_language_offers_no_choice_and_speaks_it(people, ui_database, project):
    with ui_database.begin() as session:
        campaign = make_campaign(session, owner=people.teacher, project=project, languages=("fr",))
        (only,) = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=1)
    at = respondent(code=only, lang="en")
    assert not at.segmented_control
    assert [t.value for t in at.title] == ["Le projet eTwinning de nos enfants – l'avis des familles"]


# -- pages for codes that cannot be answered --------------------------------------------

STATUS_TITLES = {
    "used": ("This code has already been used", "Ce code a déjà été utilisé"),
    "unknown": ("Code not found", "Code introuvable"),
    "closed": ("This survey is closed", "Cette enquête est close"),
    "ended": ("This survey is closed", "Cette enquête est close"),
    "not_yet_open": ("This survey is not open yet", "Cette enquête n'est pas encore ouverte"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("case", list(STATUS_TITLES))
def test_codes_that_cannot_be_answered_get_a_page_of_their_own(people, ui_database, families, case, lang):
    campaign_id, codes = families
    code = codes[0]
    with ui_database.begin() as session:
        if case == "used":
            assert responding.submit_with_code(session, code=code, answers=families_answers(), language="fr").stored
        elif case == "unknown":
            code = "ACDEF-GHJKM"
        elif case == "closed":  # closed by its teacher today, before its last day
            campaigns.close_campaign(session, actor=people.teacher, campaign_id=campaign_id)
        elif case == "ended":
            campaign = session.get(SurveyCampaign, campaign_id)
            campaign.opens_on, campaign.closes_on = date(2025, 2, 3), date(2025, 3, 5)
        else:
            campaign = session.get(SurveyCampaign, campaign_id)
            campaign.opens_on, campaign.closes_on = date(2031, 3, 5), date(2031, 4, 1)
    at = respondent(code=code, lang=lang)

    assert [t.value for t in at.title] == [STATUS_TITLES[case][lang == "fr"]]
    assert not at.radio and not [b for b in at.button if b.key == "respond_send"]
    if case == "not_yet_open":
        assert ("5\u00a0March\u00a02031" if lang == "en" else "5\u00a0mars\u00a02031") in page_text(at)  # en_GB, no-break spaces
    if case == "ended":  # the last day answers were taken
        assert ("Answers could be sent until **5\u00a0March\u00a02025**." if lang == "en"
                else "Les réponses pouvaient être envoyées jusqu'au **5\u00a0mars\u00a02025**.") in page_text(at)
    if case == "closed":  # closed early: the day its teacher closed it, not its planned last day
        assert format_date(clock.today(), lang) in page_text(at)
        assert format_date(clock.today() + timedelta(days=30), lang) not in page_text(at)
    if case == "unknown":  # a typo: the code can be typed again
        assert at.text_input[0].label == ("Your code" if lang == "en" else "Votre code")


def test_a_code_typed_in_the_form_opens_its_questionnaire(people, code):
    at = respondent(code="")
    assert [t.value for t in at.title] == ["Answer a survey"]
    at.text_input[0].input(f" {campaigns.format_code(code).lower()} ")
    at.button[0].click()
    no_exception(at.run())
    assert at.query_params["code"] == code
    assert [t.value for t in at.title] == ["Our children's eTwinning project - what families think"]


def test_the_sign_in_page_leads_to_the_code_form(people):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = "fr"
    no_exception(at.run())
    at.button(key="answer_a_survey").click()
    no_exception(at.run())
    assert [t.value for t in at.title] == ["Répondre à une enquête"]
    assert at.text_input[0].label == "Votre code"


# -- public links ----------------------------------------------------------------------

@pytest.fixture
def link_token(ui_database, people, project) -> str:
    with ui_database.begin() as session:
        campaign = make_campaign(session, owner=people.teacher, project=project, audience="teachers", mode="link")
        return public_link_token(session, owner=people.teacher, campaign_id=campaign.id)


def test_a_public_link_stores_one_response_even_when_sent_twice(people, ui_database, link_token):
    with ui_database.begin() as session:
        browser = link_guard.new_browser_id(session)
    at = respondent(survey=link_token, browser_id=browser)
    assert [t.value for t in at.title] == ["Our eTwinning project - what the partner teachers think"]
    assert not [b for b in at.button if b.key == "respond_save"]  # no saving on the server with a link
    with ui_database.begin() as session:
        questionnaire = responding.visit_by_link(session, token=link_token).questionnaire
    required = {item.id: 4 for item in questionnaire.items if item.required}
    at = answer(at, link_token, required, kind="link")
    nonce = at.session_state["respond_nonce"][f"link:{link_token}"]

    # A double click: the second click reaches the server with the same page (same nonce).
    with ui_database.begin() as session:
        first = responding.submit_with_link(session, token=link_token, nonce=nonce, answers=required, language="en",
                                            browser_id=browser)
    assert first.stored
    at = send(at)
    assert [t.value for t in at.title] == ["Your answers are sent"]
    assert response_count(ui_database) == 1


def test_an_unknown_link_says_so(people, ui_database, link_token):
    at = respondent(survey=link_token[:-3] + "abc", lang="fr")
    assert [t.value for t in at.title] == ["Ce lien ne fonctionne pas"]


# -- young pupils ----------------------------------------------------------------------

@pytest.fixture
def young_code(ui_database, people):
    with ui_database.begin() as session:
        project = make_project(session, owner=people.teacher, title="Little explorers", age_min=4, age_max=6)
        campaign = make_campaign(session, owner=people.teacher, project=project, audience="pupils")
        (code,) = campaigns.issue_codes(session, actor=people.teacher, campaign_id=campaign.id, count=1)
    return code


def test_young_pupils_answer_one_sentence_at_a_time_with_faces(people, ui_database, young_code):
    code = young_code
    at = respondent(code=code, lang="fr")
    assert [t.value for t in at.title] == ["Notre projet eTwinning (jeunes élèves)"]
    assert len(at.segmented_control) == 2  # the language, and the faces of the only sentence shown
    faces = at.segmented_control(key=key(code, "liked-making-together"))
    assert faces.label == "J'ai aimé fabriquer des choses avec nos amis de l'autre pays. (obligatoire)"
    # Each face carries its word (Streamlit draws the leading face as the option's icon).
    assert faces.options == ["**Pas du tout**", "**Pas vraiment**", "**Bof**", "**Oui**", "**Oui, beaucoup**",
                             "**Je ne sais pas**"]
    assert [o.content_icon for o in faces.proto.options] == [
        ":material/sentiment_sad:", ":material/sentiment_dissatisfied:", ":material/sentiment_neutral:",
        ":material/sentiment_satisfied:", ":material/sentiment_very_satisfied:", ":material/help:",
    ]
    assert progress(at) == "Question 1 sur 9"
    assert at.button(key="respond_previous").disabled

    faces.set_value(5)
    no_exception(at.run())
    at.button(key="respond_next").click()
    no_exception(at.run())
    assert progress(at) == "Question 2 sur 9"
    assert at.segmented_control(key=key(code, "said-hello"))
    at.button(key="respond_previous").click()
    no_exception(at.run())
    assert at.segmented_control(key=key(code, "liked-making-together")).value == 5  # still there

    # Straight to the end without the other required sentences: sent back to the first one missing.
    for _step in range(8):
        at.button(key="respond_next").click()
        no_exception(at.run())
    assert at.text_area(key=key(code, "liked-most"))
    at = send(at)
    assert response_count(ui_database) == 0
    assert progress(at) == "Question 2 sur 9"
    assert [e.value for e in item_box(at, "said-hello").error] == ["Merci de répondre à cette question."]

    with ui_database.begin() as session:  # answers were saved as the pupil went
        assert responding.visit_by_code(session, code=code).draft == {"liked-making-together": 5}


def test_young_pupils_keep_their_faces_through_a_language_switch(people, ui_database, young_code):
    code = young_code
    at = respondent(code=code, lang="fr")
    at.segmented_control(key=key(code, "liked-making-together")).set_value(5)
    no_exception(at.run())
    at.button(key="respond_next").click()
    no_exception(at.run())
    at.segmented_control(key=key(code, "said-hello")).set_value(4)
    no_exception(at.run())

    at = switch_language(at, code, "en")
    faces = at.segmented_control(key=key(code, "said-hello"))
    assert faces.value == 4 and faces.options[3] == "**Yes**"
    assert progress(at) == "Question 2 of 9"  # still on the same screen
    at.button(key="respond_previous").click()
    no_exception(at.run())
    assert at.segmented_control(key=key(code, "liked-making-together")).value == 5
    assert draft(ui_database, code) == {"liked-making-together": 5, "said-hello": 4}

    at = switch_language(at, code, "fr")
    assert at.segmented_control(key=key(code, "liked-making-together")).value == 5
    assert respondent(code=code, lang="en").segmented_control(key=key(code, "liked-making-together")).value == 5
