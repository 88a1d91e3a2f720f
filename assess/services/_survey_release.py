"""Released figures: a campaign's responses count in the figures only five or more at a time.

Reading the results before and after one new submission would give that respondent's
answers and comment: the difference of two readings is one person. So no reader sees the
live answers. A response counts once it is *released* (``survey_responses.released``);
the national figures read the counts as last released (``survey_released_tallies``, a copy
of the campaign's ``survey_answer_tallies``). A campaign's waiting responses are released
together, in the transaction that stores a response or an import, as soon as
:data:`MIN_GROUP` or more of them wait; and all of them when the teacher closes the
campaign. Two readings of any figure therefore differ by none or by five respondents or
more (docs/surveys.md, "Anonymity"; the campaign's closing is the one exception the
teacher decides).

Every writer of survey answers calls :func:`after_store` after
:func:`assess.services._answer_tallies.add`, in the same short write transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from assess.domain.survey_results import MIN_GROUP
from assess.storage.models import SurveyAnswerTally, SurveyCampaign, SurveyReleasedTally, SurveyResponse


def _connection(session: Session | Connection) -> Connection:
    return session.connection() if isinstance(session, Session) else session


def _lock(connection: Connection, campaign_id: int) -> None:
    """One release of a campaign at a time. On PostgreSQL two submissions stored at once
    would otherwise each count the other's response as not there and release one alone
    after the other's release. FOR NO KEY UPDATE: it does not wait for (nor block) the
    inserts of responses, which only take a key-share lock on the campaign. SQLite's
    write lock already serialises every writer."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"campaign_id": campaign_id})


#: Built once: every submission runs it (see responding's statements).
_WAITING = (select(func.count()).select_from(SurveyResponse)
            .where(SurveyResponse.campaign_id == bindparam("campaign_id"), SurveyResponse.released.is_(False)))
_LOCK = (select(SurveyCampaign.id).where(SurveyCampaign.id == bindparam("campaign_id"))
         .with_for_update(key_share=True))


def waiting(session: Session | Connection, campaign_id: int) -> int:
    """Responses of the campaign not in the figures yet."""
    return int(_connection(session).scalar(_WAITING, {"campaign_id": campaign_id}) or 0)


def copy_tallies(session: Session | Connection, campaign_ids) -> None:
    """The campaigns' answer counts, as this transaction sees them, become their released
    counts."""
    connection = _connection(session)
    ids = sorted(set(campaign_ids))
    live = SurveyAnswerTally.__table__.c
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        connection.execute(delete(SurveyReleasedTally).where(SurveyReleasedTally.campaign_id.in_(chunk)))
        connection.execute(insert(SurveyReleasedTally).from_select(
            ["campaign_id", "item_id", "score", "answers"],
            select(live.campaign_id, live.item_id, live.score, live.answers).where(live.campaign_id.in_(chunk)),
        ))


#: Campaign ids per statement (SQLite takes at most 32,766 parameters).
_CHUNK = 5000


def _release(connection: Connection, campaign_id: int) -> None:
    """Every response of the campaign in the figures, and its counts copied as released.
    The counts are the campaign's answers as this transaction sees them, which are exactly
    the responses it marks released (under :func:`_lock`)."""
    connection.execute(update(SurveyResponse)
                       .where(SurveyResponse.campaign_id == campaign_id, SurveyResponse.released.is_(False))
                       .values(released=True))
    copy_tallies(connection, [campaign_id])


def releases_import(session: Session | Connection, campaign_id: int, rows: int) -> bool:
    """An import of ``rows`` rows into ``campaign_id`` will be released with it: it makes
    MIN_GROUP or more waiting responses. Its rows are then stored released (an UPDATE of
    100,000 rows just stored would lengthen the write transaction by a third), and
    :func:`after_store` is told so. Import campaigns take no web response, and one import
    of a project writes at a time, so nothing else can join the campaign meanwhile."""
    return rows > 0 and waiting(session, campaign_id) + rows >= MIN_GROUP


def after_store(session: Session | Connection, campaign_id: int, *, stored_released: bool = False) -> bool:
    """Call after storing responses of ``campaign_id`` (same transaction): releases its
    waiting responses when :data:`MIN_GROUP` or more wait. True if it released.
    ``stored_released``: the responses were stored released (:func:`releases_import`):
    the few that waited before join them and the counts are copied.

    Counted first without the lock (four submissions in five release nothing, and the lock,
    held until commit, would make every writer of the campaign wait in turn), then again
    under it: that second count, after any release committed meanwhile, is the one that
    decides. Two submissions stored at once may each see four waiting and release nothing;
    the next one then releases six or more, never fewer than five."""
    connection = _connection(session)
    if stored_released:
        _lock(connection, campaign_id)
        _release(connection, campaign_id)
        return True
    if waiting(connection, campaign_id) < MIN_GROUP:
        return False
    _lock(connection, campaign_id)
    if waiting(connection, campaign_id) < MIN_GROUP:
        return False
    _release(connection, campaign_id)
    return True


def on_close(session: Session | Connection, campaign_id: int) -> None:
    """Call when the campaign is closed: whatever waits is released (the campaign's last
    figures). Responses imported into it later wait for five again."""
    connection = _connection(session)
    _lock(connection, campaign_id)
    if waiting(connection, campaign_id):
        _release(connection, campaign_id)


def ended_waiting(session: Session | Connection, *, today: date, project_id: int | None = None) -> list[int]:
    """Campaigns past their closing date whose last responses (fewer than five) still wait.
    A campaign that ends by its date is closed by nobody, so :func:`on_close` never ran
    for it; its last responses would wait for good."""
    query = select(SurveyCampaign.id).where(
        SurveyCampaign.closes_on < today,
        exists().where(SurveyResponse.campaign_id == SurveyCampaign.id, SurveyResponse.released.is_(False)),
    )
    if project_id is not None:
        query = query.where(SurveyCampaign.project_id == project_id)
    return list(_connection(session).scalars(query.order_by(SurveyCampaign.id)))


def release_ended(session: Session | Connection, *, today: date, project_id: int | None = None) -> int:
    """Release what waits in the campaigns that ended by their date, as if the teacher had
    closed them on that date; the number of campaigns released. Callers look first with
    :func:`ended_waiting` in a read, and write only when it finds some: the readers of
    figures (the app's pages, exports, ``assess survey results``) call it before reading."""
    ended = ended_waiting(session, today=today, project_id=project_id)
    for campaign_id in ended:
        on_close(session, campaign_id)
    return len(ended)


def released_respondents(session: Session, campaign_ids=None) -> dict[int, int]:
    """Campaign id -> respondents in its released figures (campaigns with none are left out).
    ``campaign_ids``: None for every campaign, else a collection or a select of ids."""
    query = (select(SurveyResponse.campaign_id, func.count()).where(SurveyResponse.released.is_(True))
             .group_by(SurveyResponse.campaign_id))
    if campaign_ids is not None:
        query = query.where(SurveyResponse.campaign_id.in_(campaign_ids))
    return {campaign_id: int(n) for campaign_id, n in session.execute(query)}
