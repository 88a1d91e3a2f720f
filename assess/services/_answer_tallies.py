"""The one way to count stored answers in ``survey_answer_tallies``.

Every writer of survey answers (the answering page, imports, the national demo) calls
:func:`add` in the transaction that stores them, so the counts are exactly the answers
(tests/survey_results/test_tallies.py checks each writer). These are the live counts: no
reader shows them. The national figures read their copy as last released
(``survey_released_tallies``, :mod:`assess.services._survey_release`, which every writer
calls next), instead of scanning millions of answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assess.storage.models import SurveyAnswerTally

DONT_KNOW_SCORE = 0

_TABLE = SurveyAnswerTally.__table__


def _upsert(dialect):
    statement = dialect.insert(_TABLE)
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.campaign_id, _TABLE.c.item_id, _TABLE.c.score],
        set_={"answers": _TABLE.c.answers + statement.excluded.answers},
    )


_UPSERT = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}


def tally(answers: Iterable[tuple[int, str, int | None, bool]]) -> Counter:
    """(campaign id, item id, score, don't know) rows -> counts per (campaign, item, score);
    answers without a score that are not "don't know" (choices, text) are not counted."""
    counts: Counter = Counter()
    for campaign_id, item_id, score, dont_know in answers:
        if score is not None:
            counts[(campaign_id, item_id, score)] += 1
        elif dont_know:
            counts[(campaign_id, item_id, DONT_KNOW_SCORE)] += 1
    return counts


def add(session: Session | Connection, counts: Counter) -> None:
    """Add ``counts`` (from :func:`tally`) to the stored ones, in the session's transaction.
    In key order, so two transactions adding to the same rows lock them in the same order
    (PostgreSQL) and cannot deadlock."""
    if not counts:
        return
    rows = [{"campaign_id": c, "item_id": i, "score": s, "answers": n} for (c, i, s), n in sorted(counts.items())]
    connection = session.connection() if isinstance(session, Session) else session
    connection.execute(_UPSERT[connection.dialect.name], rows)
