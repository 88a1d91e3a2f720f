"""Survey links as an attacker would type them: digits of other scripts, huge numbers,
letters beyond ASCII. Each is simply an unknown survey, never an error."""

from __future__ import annotations

import pytest

from assess.services import campaigns, responding
from assess.services.responding import VisitStatus
from tests.services.helpers import families_answers, make_campaign, public_link_token

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def genuine(session, teacher, project) -> str:
    campaign = make_campaign(session, owner=teacher, project=project, mode="link")
    session.commit()
    token = public_link_token(session, owner=teacher, campaign_id=campaign.id)
    assert responding.visit_by_link(session, token=token).status is VisitStatus.OPEN
    return token


def hostile_tokens(genuine: str) -> list[str]:
    head, _, mac = genuine.partition("-")
    return [
        f"{head.translate(ARABIC_INDIC)}-{mac}",  # int('١٢') == 12: the same campaign for int()
        f"\u00b2-{mac}",  # '²'.isdigit() is True, int('²') raises ValueError
        f"{'1' * 5000}-{mac}",  # beyond int()'s 4,300 digits
        f"{2**63}-{mac}",  # beyond the database's ids
        f"0-{mac}", f"-1-{mac}", f" {head}-{mac}", f"{head}-{mac[:-1]}é",  # compare_digest refuses non-ASCII
        "", "-", "\x00", "１２-" + mac,  # full-width digits
    ]


def test_link_tokens_with_foreign_digits_or_huge_numbers_are_unknown(session, genuine):
    for token in hostile_tokens(genuine):
        assert campaigns.campaign_id_from_token(session, token) is None, repr(token[:40])
        assert responding.visit_by_link(session, token=token).status is VisitStatus.UNKNOWN, repr(token[:40])
        refused = responding.submit_with_link(session, token=token, nonce="n", answers=families_answers(),
                                              language="en")
        assert not refused.stored and refused.status is VisitStatus.UNKNOWN

