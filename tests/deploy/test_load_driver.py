"""The load benchmarks' respondent (bench/streamlit_client.py, bench/load_stack.py) still
speaks the Streamlit server's protocol: three families answer at once through the proxy
and two app servers, each with its own code, and each response is stored once. The
benchmarks themselves (`make bench`) take minutes; this keeps their driver from rotting
unseen when Streamlit or the respondent's page changes."""

from __future__ import annotations

import asyncio
import random
import sys

import pytest

from tests.deploy import stack

sys.path.insert(0, str(stack.ROOT / "bench"))  # the benchmarks import each other as scripts

import load_stack

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]


def test_three_families_answer_at_once_through_the_proxy(deployed):
    codes, campaign_ids = load_stack.issue_codes(deployed.database_url, 3)
    timings = load_stack.Timings()

    async def three_at_once():
        await asyncio.gather(*(load_stack.answer_survey(deployed.proxy.url, code, timings, think=(0, 0.2),
                                                        rng=random.Random(n)) for n, code in enumerate(codes)))

    asyncio.run(three_at_once())
    assert timings.failures == []
    assert (timings.sent, timings.thanked, len(timings.clicks)) == (3, 3, 27)  # nine questions each
    assert load_stack.responses_stored(deployed.database_url, campaign_ids) == 3
