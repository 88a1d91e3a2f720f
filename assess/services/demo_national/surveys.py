"""The loader's surveys: campaigns, codes, responses and their answers."""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assess import i18n
from assess.domain.answers import month_of
from assess.domain.questionnaire import Audience, ItemType, Questionnaire
from assess.domain.states import CampaignMode, ResponseSource
from assess.domain.survey_results import MIN_GROUP
from assess.services import _answer_tallies, _snapshots, _survey_release, campaigns
from assess.services.demo_national.country import COMMENTS, SCALES
from assess.services.demo_national.plans import _Campaign
from assess.services.demo_national.state import _State
from assess.services.demo_national.writer import _insert, _insert_ids, _Writer
from assess.storage.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyCode,
    SurveyImport,
    SurveyLinkSubmission,
    SurveyResponse,
    table_of,
)


class _Surveys(_State):
    """Part of :class:`~assess.services.demo_national.load._Loader`."""

    # -- surveys --

    def plan_surveys(self) -> None:
        rng = self.rng("surveys")
        for project in self.projects:
            audiences = ["pupils"]
            if rng.random() < 0.85:
                audiences.append("families")
            if rng.random() < 0.7 or len(audiences) < 2:
                audiences.append("teachers")
            for audience in audiences:
                questionnaire = campaigns.questionnaire_for(audience=Audience(audience), age_max=project.ages[1])
                mode = CampaignMode.IMPORT if audience == Audience.FAMILIES and rng.random() < 0.03 else rng.choice((CampaignMode.LINK, CampaignMode.CODES))
                latest = min(project.end, self.today - timedelta(days=7))
                earliest = min(project.start + timedelta(days=30), latest)
                opens_on = earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days - 30)))
                closes_on = opens_on + timedelta(days=rng.randint(21, 75))
                languages = ["en", "fr"] if rng.random() < 0.6 else ["fr"]
                if mode == CampaignMode.IMPORT:
                    # As campaigns.import_campaign makes them.
                    opens_on, closes_on, languages = min(project.start, self.today), max(project.end, self.today), \
                        list(i18n.languages())
                mood = 3.55 + 0.45 * project.quality + {"pupils": 0.0, "families": 0.2, "teachers": 0.1}[audience]
                campaign = _Campaign(audience, questionnaire, mode, languages, opens_on, closes_on, 0,
                                     mood=mood + rng.gauss(0, 0.25))
                if audience == "teachers":
                    campaign.responses = min(len(project.partners) + 1, max(1, round(rng.gauss(len(project.partners), 1.5))))
                    campaign.tiny = True
                elif rng.random() < 0.05:
                    campaign.responses, campaign.tiny = rng.randint(0, 4), True
                else:
                    campaign.weight = rng.lognormvariate(0, 0.6) * SCALES[audience]  # counted out below
                project.campaigns.append(campaign)
        # Scale the ordinary campaigns so the responses add up to the size asked.
        everything = [c for p in self.projects for c in p.campaigns]
        fixed = sum(c.responses for c in everything if c.tiny)
        scaled = [c for c in everything if not c.tiny]
        weight = sum(c.weight for c in scaled)
        wanted = max(0, self.size.responses - fixed)
        if scaled:
            least = 5 if wanted >= 5 * len(scaled) else 0
            shares = [c.weight * wanted / weight for c in scaled]
            counts = [max(least, math.floor(share)) for share in shares]
            # Largest remainders first up to the total; when the floor of 5 overshot, take back from the largest.
            for i in sorted(range(len(scaled)), key=lambda i: counts[i] - shares[i])[:max(0, wanted - sum(counts))]:
                counts[i] += 1
            over = sum(counts) - wanted
            for i in sorted(range(len(scaled)), key=lambda i: -counts[i]):
                if over <= 0:
                    break
                take = min(over, counts[i] - least)
                counts[i] -= take
                over -= take
            for campaign, n in zip(scaled, counts, strict=True):
                campaign.responses = n
        for campaign in everything:
            if campaign.mode == CampaignMode.CODES:
                # Not every code handed out comes back.
                participation = rng.uniform(0.55, 0.97)
                campaign.codes = max(campaign.responses, math.ceil(campaign.responses / participation))
                if campaign.responses < 5:
                    campaign.codes = campaign.responses + rng.randint(1, 4)

    def store_surveys(self) -> None:
        session, rng = self.session, self.rng("responses")
        versions: dict[str, int] = {}
        for project in self.projects:
            for campaign in project.campaigns:
                key = campaign.questionnaire.id
                if key not in versions:
                    versions[key] = _snapshots.questionnaire_version(session, campaign.questionnaire).id
        everything = [(p, c) for p in self.projects for c in p.campaigns]
        ids = _insert_ids(session, table_of(SurveyCampaign), [
            {"project_id": p.id, "audience": c.audience, "questionnaire_version_id": versions[c.questionnaire.id],
             "mode": c.mode, "languages": c.languages, "opens_on": c.opens_on, "closes_on": c.closes_on,
             "closed_at": None, "created_by": self.teachers[p.owner].id,
             "created_at": self.at(rng, c.opens_on - timedelta(days=10), c.opens_on)}
            for p, c in everything])
        for (_project, campaign), campaign_id in zip(everything, ids, strict=True):
            campaign.id = campaign_id
        self.count(table_of(SurveyCampaign), len(ids))

        imports = [(p, c) for p, c in everything if c.mode == CampaignMode.IMPORT]
        _insert(session, table_of(SurveyImport), [
            {"campaign_id": c.id, "file_name": "Réponses des familles.csv", "file_format": "google",
             "rows_imported": c.responses, "rows_skipped": rng.randint(0, 2), "rows_repeated": 0,
             "created_by": self.teachers[p.owner].id, "created_at": self.at(rng, c.opens_on, self.today)}
            for p, c in imports])
        self.count(table_of(SurveyImport), len(imports))

        writer = self.writer
        response_ids = iter(writer.reserve_ids(table_of(SurveyResponse), sum(c.responses for _p, c in everything)))
        specs: dict[str, list[_ItemSpec]] = {}
        batch = _Batch()
        for _project, campaign in everything:
            spec = specs.get(campaign.questionnaire.id)
            if spec is None:
                spec = specs[campaign.questionnaire.id] = _spec(campaign.questionnaire, self.rng("items"), writer)
            self.campaign_rows(rng, campaign, spec, response_ids, batch)
            if len(batch.answers) >= 60_000:
                self.flush(batch)
        self.flush(batch)
        # Written whole: a campaign of five respondents or more is released in full, as
        # migration 0011 did for the campaigns stored before it (see survey_release).
        _survey_release.copy_tallies(session, [c.id for _p, c in everything if c.responses >= MIN_GROUP])

    def campaign_rows(self, rng: random.Random, campaign: _Campaign, spec: list[_ItemSpec], ids: Iterator[int],
                      batch: _Batch) -> None:
        writer, campaign_id = self.writer, campaign.id
        last = min(campaign.closes_on, self.today)
        months = [writer.date(m) for m in _months(campaign.opens_on, max(campaign.opens_on, last))]
        cuts = self.cuts
        source = ResponseSource.GOOGLE if campaign.mode == CampaignMode.IMPORT else ResponseSource.WEB
        languages = campaign.languages
        comments = COMMENTS[campaign.audience]
        null = writer.json_null
        released = campaign.responses >= MIN_GROUP
        gauss, random_, bits = rng.gauss, rng.random, rng.getrandbits
        for _ in range(campaign.responses):
            response_id = next(ids)
            language = "fr" if "fr" in languages and (len(languages) == 1 or random_() < 0.9) else languages[0]
            import_key = f"{bits(256):064x}" if source == "google" else None
            batch.responses.append((response_id, campaign_id, rng.choice(months), language, source, import_key,
                                    released))
            if campaign.mode == CampaignMode.LINK:
                batch.links.append((f"{bits(256):064x}", campaign_id))
            mood = gauss(campaign.mood, 0.5)
            answers = batch.answers
            for item_id, kind, required, offset, options in spec:
                if kind == 0:  # agreement
                    if not required and random_() < 0.04:
                        continue
                    if random_() < 0.05:
                        answers.append((response_id, campaign_id, item_id, None, True, null, None))
                        continue
                    key = int((mood + offset) * 20)
                    cut = cuts.get(key) or cuts.setdefault(key, _agreement_cuts(key / 20))
                    answers.append((response_id, campaign_id, item_id, bisect_right(cut, random_()) + 1,
                                    False, null, None))
                elif kind == 1:  # one option
                    if not required and random_() < 0.08:
                        continue
                    answers.append((response_id, campaign_id, item_id, None, False,
                                    options[int(random_() ** 1.4 * len(options))], None))
                elif kind == 2:  # several options
                    if not required and random_() < 0.08:
                        continue
                    chosen = tuple(o for o in options[0] if random_() < 0.4) or options[0][:1]
                    answers.append((response_id, campaign_id, item_id, None, False, options[1](chosen), None))
                elif random_() < 0.04:  # free text, mostly left blank (not stored, as on the web)
                    answers.append((response_id, campaign_id, item_id, None, False, null, rng.choice(comments)))
        if campaign.mode == CampaignMode.CODES:
            # The SHA-256 of random bytes, not of a code: no code was ever printed, so none
            # can be typed in (and the seed does not give them away).
            batch.codes.extend((hashlib.sha256(secrets.token_bytes(16)).hexdigest(), campaign_id, k < campaign.responses)
                               for k in range(campaign.codes))
        batch.done += campaign.responses

    def flush(self, batch: _Batch) -> None:
        for table, columns, types, rows in (
            (table_of(SurveyResponse),
             ("id", "campaign_id", "submitted_month", "language", "source", "import_key", "released"),
             ("int4", "int4", "date", "varchar", "varchar", "varchar", "bool"), batch.responses),
            (table_of(SurveyAnswer), ("response_id", "campaign_id", "item_id", "score", "dont_know", "choices", "text"),
             ("int4", "int4", "varchar", "int4", "bool", "jsonb", "text"), batch.answers),
            (table_of(SurveyCode), ("code_hash", "campaign_id", "used"), ("varchar", "int4", "bool"), batch.codes),
            (table_of(SurveyLinkSubmission), ("nonce_hash", "campaign_id"), ("varchar", "int4"), batch.links),
        ):
            self.writer.write(table, columns, types, rows)
            self.count(table, len(rows))
        _answer_tallies.add(self.session, _answer_tallies.tally(a[1:5] for a in batch.answers))
        self.advance(batch.done)
        batch.clear()


@dataclass
class _Batch:
    responses: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    codes: list[tuple] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)
    done: int = 0

    def clear(self) -> None:
        self.responses, self.answers, self.codes, self.links, self.done = [], [], [], [], 0


#: (id, kind 0-3, required, offset of its mean, options as the answers need them: for one
#: option, each option's JSON; for several, the option ids and the writer's JSON function).
_ItemSpec = tuple[str, int, bool, float, Any]


def _spec(questionnaire: Questionnaire, rng: random.Random, writer: _Writer) -> list[_ItemSpec]:
    """Per item: (id, kind 0-3, required, offset of its mean, options as the answers need them)."""
    spec: list[_ItemSpec] = []
    for item in questionnaire.items:
        if item.type is ItemType.AGREEMENT:
            spec.append((item.id, 0, item.required, rng.gauss(0, 0.3), None))
        elif item.type is ItemType.SINGLE:
            spec.append((item.id, 1, item.required, 0.0, [writer.json((o.id,)) for o in item.options]))
        elif item.type is ItemType.MULTIPLE:
            spec.append((item.id, 2, item.required, 0.0, (tuple(o.id for o in item.options), writer.json)))
        else:
            spec.append((item.id, 3, item.required, 0.0, None))
    return spec


def _months(first: date, last: date) -> list[date]:
    months, day = [], month_of(first)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def _agreement_cuts(mean: float) -> tuple[float, ...]:
    """P(score <= 1), ... P(score <= 4) for a score of round(N(mean, 0.8)) kept within 1-5: a
    uniform draw placed among these cuts is such a score (cheaper than a Gaussian draw)."""
    return tuple(0.5 * (1 + math.erf((k + 0.5 - mean) / (0.8 * math.sqrt(2)))) for k in range(1, 5))
