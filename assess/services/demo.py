"""Demonstration data: a fictional but realistic national office (``assess demo``).

Teachers of several French regions run projects with partner schools across Europe,
from nursery to vocational school, self-assessed at various levels: some ready for a
label, some short of a minimum, some just started. Every name is invented.

Loading is idempotent: people are found by e-mail and projects by owner and title, so
running it twice changes nothing. The demo teachers share one random password, shown
once when they are created; no fixed password ships with the suite.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.domain.permissions import Actor, require
from assess.domain.answers import DONT_KNOW
from assess.domain.questionnaire import ItemType, Questionnaire
from assess.services import accounts, audit, campaigns, projects, responding, rubrics, self_assessments
from assess.storage.models import Project, User

DEMO_DOMAIN = "demo.etwinning.example"

TEACHERS = [
    ("claire.martin", "Claire Martin"),
    ("julien.moreau", "Julien Moreau"),
    ("nadia.benali", "Nadia Benali"),
    ("sophie.laurent", "Sophie Laurent"),
    ("marc.dubois", "Marc Dubois"),
]
JURORS = [("ines.garnier", "Inès Garnier"), ("paul.lefevre", "Paul Lefèvre")]

SCHOOLS = {
    "claire.martin": {"name": "École élémentaire Les Tilleuls", "country": "FR", "region": "Occitanie"},
    "julien.moreau": {"name": "Collège Victor Hugo", "country": "FR", "region": "Bretagne"},
    "nadia.benali": {"name": "Lycée professionnel Jean Monnet", "country": "FR", "region": "Hauts-de-France"},
    "sophie.laurent": {"name": "École maternelle Les Coquelicots", "country": "FR", "region": "Grand Est"},
    "marc.dubois": {"name": "Lycée Marie Curie", "country": "FR", "region": "Auvergne-Rhône-Alpes"},
}


@dataclass(frozen=True)
class DemoProject:
    owner: str
    title: str
    summary: str
    dates: tuple[str, str]
    ages: tuple[int, int]
    subjects: tuple[str, ...]
    languages: tuple[str, ...]
    partners: tuple[tuple[str, str], ...]
    # Levels per criterion/gate id; missing ids are left unassessed.
    levels: dict[str, int] = field(default_factory=dict)
    rubric: str | None = None  # None: the default rubric
    eligible: bool = True
    note: str = ""


A = ("innovation", "curricular-integration", "collaboration", "ict-use", "sustainability", "results")


def _all(*values: int) -> dict[str, int]:
    return dict(zip(A, values))


PROJECTS = [
    DemoProject("claire.martin", "Le tour d'Europe de notre mascotte",
                "Une peluche voyage d'école en école ; chaque classe raconte son quotidien dans un carnet de bord commun.",
                ("2025-09-08", "2026-06-19"), (7, 9), ("Français", "Géographie"), ("Français", "Anglais"),
                (("Scoala Gimnaziala nr. 5", "RO"), ("Základní škola Kamenice", "CZ")), _all(4, 4, 4, 3, 3, 4),
                note="Carnet de bord commun publié sur le TwinSpace, une page par étape du voyage."),
    DemoProject("claire.martin", "Comptines du monde",
                "Les élèves enregistrent des comptines traditionnelles et les traduisent pour leurs correspondants.",
                ("2024-10-01", "2025-05-30"), (6, 8), ("Musique", "Langues"), ("Français", "Italien", "Anglais"),
                (("Scuola Primaria Garibaldi", "IT"),), _all(3, 4, 2, 3, 2, 3)),
    DemoProject("julien.moreau", "Défis mathématiques européens",
                "Des équipes internationales résolvent chaque mois une énigme mathématique et publient leurs méthodes.",
                ("2025-09-15", "2026-05-29"), (12, 14), ("Mathématiques",), ("Anglais",),
                (("Gimnazjum nr 2", "PL"), ("Colegio San José", "ES"), ("Peruskoulu Kallio", "FI")), _all(5, 4, 5, 4, 4, 5),
                note="Neuf énigmes résolues en équipes mixtes ; les solutions sont regroupées par thème."),
    DemoProject("julien.moreau", "Stéréotypes : regards croisés",
                "Débats en visioconférence sur les stéréotypes entre pays, puis affiches co-créées.",
                ("2024-01-08", "2024-06-14"), (13, 15), ("Éducation civique", "Anglais"), ("Anglais",),
                (("Skola Mater Dei", "MT"), ("Sint-Jozefcollege", "BE")), _all(3, 3, 1, 3, 2, 3)),
    DemoProject("nadia.benali", "Recettes sans frontières",
                "Des élèves de cuisine échangent des recettes régionales, les adaptent et filment leurs réalisations.",
                ("2025-10-06", "2026-04-24"), (16, 19), ("Cuisine", "Anglais professionnel"), ("Anglais", "Portugais"),
                (("Escola Profissional de Hotelaria", "PT"), ("Strukovna škola Split", "HR")), _all(4, 5, 4, 4, 3, 4)),
    DemoProject("nadia.benali", "Mon futur métier en Europe",
                "Interviews croisées de professionnels et portfolio commun des métiers de l'hôtellerie.",
                ("2025-11-03", "2026-06-12"), (17, 19), ("Orientation",), ("Anglais",),
                (("Berufsschule Graz", "AT"),), {"innovation": 3, "curricular-integration": 4}),
    DemoProject("sophie.laurent", "Les animaux de nos jardins",
                "Les tout-petits observent les animaux de la cour et les dessinent pour leurs amis d'ailleurs.",
                ("2025-09-22", "2026-06-26"), (3, 5), ("Découverte du monde", "Arts plastiques"), ("Français", "Grec"),
                (("Nipiagogeio Kalamarias", "GR"), ("Kindergarten Sonnenschein", "DE")), _all(4, 3, 4, 3, 4, 4)),
    DemoProject("sophie.laurent", "Petit-déjeuner d'ici et d'ailleurs",
                "Chaque classe photographie son petit-déjeuner et prépare celui de ses partenaires.",
                ("2024-02-05", "2024-06-28"), (4, 6), ("Éducation à la santé",), ("Français", "Espagnol"),
                (("Escuela Infantil El Olivo", "ES"),), _all(2, 3, 2, 2, 1, 2)),
    DemoProject("marc.dubois", "Climat : mesurer pour comprendre",
                "Des stations météo dans chaque lycée ; les données partagées nourrissent une analyse commune.",
                ("2025-09-01", "2026-05-22"), (15, 18), ("Physique-chimie", "SVT"), ("Anglais",),
                (("Gymnasium am Rhein", "DE"), ("Liceum Ogólnokształcące nr 1", "PL"), ("Lukio Tampere", "FI")),
                {"collaboration": 5, "technology": 4, "pedagogy": 5, "curricular-integration": 5, "results": 4,
                 "online-collaboration": 4, "digital-tools": 4, "safety": 4}, rubric="etwinning-2021",
                note="Jeu de données commun, tableau de bord partagé, article dans la presse locale."),
    DemoProject("marc.dubois", "Art nouveau dans nos villes",
                "Recherches croisées sur l'architecture Art nouveau et visite virtuelle commune.",
                ("2024-09-09", "2025-03-28"), (16, 17), ("Histoire des arts",), ("Anglais", "Français"),
                (("Gimnazija Ljubljana", "SI"), ("Liceo Artistico Torino", "IT")),
                {"collaboration": 3, "technology": 4, "pedagogy": 3, "curricular-integration": 4, "results": 3,
                 "online-collaboration": 3, "digital-tools": 3, "safety": 2}, rubric="etwinning-2021"),
    DemoProject("marc.dubois", "Débattre en Europe",
                "Tournoi de débats en anglais entre lycées, avec jurys d'élèves mixtes.",
                ("2025-01-06", "2025-06-06"), (16, 18), ("Anglais", "Philosophie"), ("Anglais",),
                (("Gymnázium Bratislava", "SK"), ("Lycée Michel Rodange", "LU")),
                {"innovation": 4, "curricular-integration": 3, "communication": 4, "collaboration": 3,
                 "technology": 3, "results": 3}, rubric="etwinning-2014"),
    DemoProject("julien.moreau", "Radio des collégiens européens",
                "Une émission mensuelle préparée à plusieurs voix, diffusée sur les sites des écoles.",
                ("2025-10-13", "2026-06-05"), (11, 13), ("Français", "Éducation aux médias"), ("Français", "Anglais"),
                (("Osnovna škola Zagreb", "HR"), ("Scoala Gimnaziala Iasi", "RO")), {}),
]


COMMENTS = [
    "Mon enfant parlait du projet tous les soirs.",
    "Super idée, à refaire l'an prochain !",
    "Les vidéos avec les correspondants étaient le meilleur moment.",
    "Great project, my daughter learned a lot about Poland.",
    "Un peu difficile de suivre sur le site, mais très positif.",
]
#: Respondents per audience in the demo. Partner teachers are a few per project: some
#: projects stay under 5 to show how small groups are kept apart.
RESPONDENTS = {"families": (8, 14), "pupils": (12, 22), "teachers": (3, 7)}


def _answers(questionnaire: Questionnaire, *, mood: float, chance: random.Random) -> dict:
    """Plausible answers around ``mood`` (1-5) for every item of ``questionnaire``."""
    answers = {}
    for item in questionnaire.items:
        if item.type is ItemType.AGREEMENT:
            answers[item.id] = DONT_KNOW if chance.random() < 0.06 else max(1, min(5, round(chance.gauss(mood, 0.9))))
        elif item.type is ItemType.SINGLE:
            answers[item.id] = chance.choice(item.options).id
        elif item.type is ItemType.MULTIPLE:
            answers[item.id] = [o.id for o in item.options if chance.random() < 0.5] or [item.options[0].id]
        elif chance.random() < 0.3:
            answers[item.id] = chance.choice(COMMENTS)
    return answers


def _surveys(session: Session, *, owner: Actor, project: Project, mood: float, chance: random.Random) -> None:
    """Code campaigns for each audience, answered by a plausible number of respondents."""
    today = date.today()
    for audience, (fewest, most) in RESPONDENTS.items():
        count = chance.randint(fewest, most)
        campaign = campaigns.create_campaign(
            session, actor=owner, project_id=project.id, audience=audience, mode="codes", languages=["fr", "en"],
            opens_on=today - timedelta(days=20), closes_on=today + timedelta(days=10),
        )
        codes = campaigns.issue_codes(session, actor=owner, campaign_id=campaign.id, count=count + 4)
        questionnaire = responding.visit_by_code(session, code=codes[0]).questionnaire
        for code in codes[:count]:
            answers = _answers(questionnaire, mood=mood, chance=chance)
            responding.submit_with_code(session, code=code, answers=answers, language=chance.choice(["fr", "fr", "en"]))


@dataclass(frozen=True)
class DemoResult:
    created: bool
    teacher_emails: list[str]
    password: str | None
    projects: int


def _email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def load_demo(session: Session, *, actor: Actor) -> DemoResult:
    """Load the demonstration office; changes nothing if it is already there."""
    require(actor, "demo.load")
    password = secrets.token_urlsafe(9)
    created_people = False
    people: dict[str, Actor] = {}
    for login, name, role in [*(t + ("teacher",) for t in TEACHERS), *(j + ("juror",) for j in JURORS)]:
        user = session.scalar(select(User).where(User.email == _email(login)))
        if user is None:
            user = accounts.create_user(session, actor=actor, email=_email(login), display_name=name, roles={role},
                                        password=password, language="fr")
            created_people = True
        people[login] = accounts.actor_of(user)

    made = 0
    for demo in PROJECTS:
        owner = people[demo.owner]
        exists = session.scalar(select(Project.id).where(Project.owner_id == owner.id, Project.title == demo.title))
        if exists is not None:
            continue
        project = projects.create_project(session, actor=owner, raw={
            "title": demo.title, "summary": demo.summary, "start_date": demo.dates[0], "end_date": demo.dates[1],
            "age_min": demo.ages[0], "age_max": demo.ages[1], "subjects": list(demo.subjects),
            "languages": list(demo.languages), "school": SCHOOLS[demo.owner],
            "twinspace_url": f"https://school-education.ec.europa.eu/fr/etwinning/projects/demo-{made + 1}",
            "partners": [{"name": n, "country": c} for n, c in demo.partners],
        })
        made += 1
        if not demo.levels:
            continue
        rubric = rubrics.installed_rubric(demo.rubric) if demo.rubric else rubrics.installed().default
        assessment = self_assessments.start(session, actor=owner, project_id=project.id, rubric_id=rubric.id)
        self_assessments.save_eligibility(
            session, actor=owner, assessment_id=assessment.id,
            answers={q: (demo.eligible if len(demo.levels) > 2 else None) for q in assessment.eligibility},
        )
        for item_id, level in demo.levels.items():
            self_assessments.save_entry(session, actor=owner, assessment_id=assessment.id, item_id=item_id, level=level)
        if len(demo.levels) > 2:
            # Seeded per project: the same demo every time, different from one project to the next.
            average = sum(demo.levels.values()) / len(demo.levels)
            _surveys(session, owner=owner, project=project, mood=1 + average * 0.8, chance=random.Random(demo.title))
        if demo.note:
            self_assessments.save_entry(session, actor=owner, assessment_id=assessment.id, item_id="results",
                                        evidence_note=demo.note,
                                        evidence_links=[f"https://school-education.ec.europa.eu/fr/etwinning/projects/demo-{made}/results"])
    if made or created_people:
        audit.record(session, actor=actor, action="demo.load", entity_type="demo", entity_id="demo", details={"projects": made})
    session.flush()
    return DemoResult(
        created=created_people or made > 0,
        teacher_emails=[_email(login) for login, _ in TEACHERS],
        password=password if created_people else None,
        projects=made,
    )
