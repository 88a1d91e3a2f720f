"""A small bilingual rubric and a filled-in project, built here so the tests do not
depend on the shipped rubric files (still being written)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml

from assess import clock
from assess.domain.rubric import Rubric, parse_rubric
from assess.domain.scoring import score
from assess.reports.views import EntryView, PartnerView, ProjectView, SelfAssessmentReport

LABELS = [
    ("No attempt", "Aucune tentative"),
    ("Poor", "Insuffisant"),
    ("Acceptable", "Acceptable"),
    ("Good", "Bien"),
    ("Very good", "Très bien"),
    ("Excellent", "Excellent"),
]

CRITERIA = [
    # id, en name, fr name, extra fields
    ("innovation", "Pedagogical innovation and creativity", "Innovation pédagogique et créativité", {}),
    ("curriculum", "Curricular integration", "Intégration au programme", {"weight": 2}),
    ("collaboration", "Collaboration between partner schools", "Collaboration entre établissements partenaires", {"minimum": 2}),
    ("technology", "Creative use of technology", "Usage créatif des technologies", {}),
    ("results", "Results, impact and documentation", "Résultats, impact et documentation", {}),
    ("safety", "Online safety & data protection", "Sécurité en ligne et protection des données", {"independent": True}),
]


def _levels(what_en: str, what_fr: str) -> list[dict]:
    return [
        {
            "level": n,
            "label": {"en": en, "fr": fr},
            "descriptor": {"en": f"{en}: {what_en} at level {n}.", "fr": f"{fr} : {what_fr} au niveau {n}."},
        }
        for n, (en, fr) in enumerate(LABELS)
    ]


def rubric_yaml() -> str:
    criteria = [
        {
            "id": cid,
            "name": {"en": en, "fr": fr},
            "guidance": {"en": f"The jury looks at {en.lower()}.", "fr": f"Le jury examine : {fr.lower()}."},
            "levels": _levels(en.lower(), fr.lower()),
            **extra,
        }
        for cid, en, fr, extra in CRITERIA
    ]
    gate = {
        "id": "partner-activity",
        "name": {"en": "Pupils of every partner took part", "fr": "Les élèves de chaque partenaire ont participé"},
        "guidance": {"en": "Each partner's pupils contributed.", "fr": "Les élèves de chaque partenaire ont contribué."},
        "criterion": "collaboration",
        "minimum": 2,
        "levels": _levels("participation", "participation"),
    }
    document = {
        "id": "test-reports",
        "version": "2.1",
        "title": {"en": "Test quality criteria", "fr": "Critères de qualité de test"},
        "period": "2024",
        "description": {"en": "Five counted criteria and one independent.", "fr": "Cinq critères comptés et un indépendant."},
        "criteria": criteria,
        "gates": [gate],
        "verdict": {"pass_mark": 18},
        "eql": {"nomination_threshold": 24},
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return parse_rubric(rubric_yaml())


def make_report(
    rubric: Rubric,
    *,
    title: str = "Our rivers, our future",
    levels: dict | None = None,
    entries: dict | None = None,
) -> SelfAssessmentReport:
    levels = levels if levels is not None else {
        "innovation": 4, "curriculum": 3, "collaboration": 5, "technology": 2, "results": 4, "safety": 3,
    }
    project = ProjectView(
        id=7,
        title=title,
        summary="Pupils mapped the rivers of their towns\nand compared water quality.",
        teacher="Marie Dupont",
        school="Collège Jean Moulin",
        country="FR",
        start_date=date(2024, 9, 1),
        end_date=date(2025, 6, 20),
        age_min=12,
        age_max=14,
        subjects=("Biology", "Geography"),
        languages=("English", "French"),
        twinspace_url="https://twinspace.etwinning.net/12345/home",
        partners=(
            PartnerView("Liceo Galileo Galilei", "IT", "Toscana"),
            PartnerView("Szkoła Podstawowa nr 5", "PL"),
        ),
    )
    entries = entries if entries is not None else {
        "innovation": EntryView(4, "Pupils chose the rivers themselves.\nEach team ran its own survey.", ("https://example.org/map",)),
        "curriculum": EntryView(3, "Linked to the biology syllabus."),
    }
    return SelfAssessmentReport(
        project=project,
        rubric=rubric,
        score=score(rubric, levels=levels, gates={"partner-activity": 3}),
        entries=entries,
        eligibility={"shared_plan": True, "finished": True, "full_participation": True,
                     "collaborative_activities": True, "data_protection": None},
        generated_at=datetime(2025, 3, 1, 10, 30, tzinfo=clock.office_zone()),
    )
