"""A teacher downloads the letter and the certificate of their own application, once its
round is published; nobody else's, and nothing before (assess.services.letters)."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from assess import clock
from assess.domain.permissions import Actor
from assess.services import letters
from assess.services.errors import NotFound
from assess.storage.models import Application, Round
from tests.letters.conftest import make_published_round
from tests.services.helpers import make_user


def text_of(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


@pytest.fixture
def published(session, rubric):
    """The round of the letters' tests, its decisions published (round included)."""
    round_, made = make_published_round(session, rubric)
    session.get(Round, round_.id).published_at = clock.now()
    session.flush()
    return round_, made


def owner_of(session, application_id: int, email: str) -> Actor:
    from assess.services import accounts
    from assess.storage.models import User

    application = session.get(Application, application_id)
    user = session.get(User, application.teacher_id)
    assert user.email == email
    return accounts.actor_of(user)


def test_the_owner_of_a_labelled_application_gets_their_letter_and_certificate(session, published):
    _, made = published
    marie = owner_of(session, made["Our rivers, our future"], "marie@example.org")
    documents = letters.teacher_documents(session, actor=marie, application_id=made["Our rivers, our future"])
    assert documents.letter_filename == "quality-label-letter-our-rivers-our-future-2025-2026-fr.pdf"
    assert documents.certificate_filename == "quality-label-certificate-our-rivers-our-future-2025-2026-fr.pdf"
    assert "Our rivers, our future" in text_of(documents.letter_pdf())
    assert "Label de qualité national" in text_of(documents.certificate_pdf())


def test_a_refused_application_has_a_letter_and_no_certificate(session, published):
    _, made = published
    paul = owner_of(session, made["Stars over Europe"], "paul@example.org")
    documents = letters.teacher_documents(session, actor=paul, application_id=made["Stars over Europe"])
    assert documents.certificate is None and documents.certificate_filename is None
    assert "Stars over Europe" in text_of(documents.letter_pdf())


def test_nothing_before_the_round_is_published(session, rubric):
    _, made = make_published_round(session, rubric)  # decisions marked published, the round not yet
    marie = owner_of(session, made["Our rivers, our future"], "marie@example.org")
    with pytest.raises(NotFound):
        letters.teacher_documents(session, actor=marie, application_id=made["Our rivers, our future"])


def test_a_decision_not_published_has_no_documents(session, published):
    _, made = published
    ana = owner_of(session, made["Not yet published"], "ana@example.org")
    with pytest.raises(NotFound):
        letters.teacher_documents(session, actor=ana, application_id=made["Not yet published"])


@pytest.mark.parametrize("roles", [{"teacher"}, {"juror"}])
def test_nobody_else_gets_them_and_is_told_the_same_as_for_no_application(session, published, roles):
    _, made = published
    someone = make_user(session, email="someone@example.org", roles=roles)
    for application_id in (made["Our rivers, our future"], 10**9):
        with pytest.raises(NotFound):
            letters.teacher_documents(session, actor=someone, application_id=application_id)


def test_the_office_may_get_them_too(session, published):
    _, made = published
    office = make_user(session, email="office@example.org", roles={"admin"})
    documents = letters.teacher_documents(session, actor=office, application_id=made["Our rivers, our future"])
    assert documents.letter.project.title == "Our rivers, our future"


def test_the_rule_the_application_s_teacher_or_the_office_once_the_verdict_is_out():
    from assess.domain.permissions import VerdictFacts, can

    teacher = Actor(id=7, email="t@example.org", display_name="T", roles=frozenset({"teacher"}))
    other = Actor(id=8, email="o@example.org", display_name="O", roles=frozenset({"teacher"}))
    juror = Actor(id=9, email="j@example.org", display_name="J", roles=frozenset({"juror"}))
    admin = Actor(id=10, email="a@example.org", display_name="A", roles=frozenset({"admin"}))
    out = VerdictFacts(application_id=1, owner_id=7, verdict_published=True)
    not_yet = VerdictFacts(application_id=1, owner_id=7, verdict_published=False)
    assert [can(a, "application.documents", out) for a in (teacher, other, juror, admin, Actor.system())] == [
        True, False, False, True, True]
    assert not any(can(a, "application.documents", not_yet) for a in (teacher, admin, Actor.system()))
