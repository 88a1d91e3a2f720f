"""Demonstration data: a fictional but realistic national office (``assess demo``).

Teachers of several French regions run projects with partner schools across Europe,
from nursery to vocational school, self-assessed at various levels: some ready for a
label, some short of a minimum, some just started. Every name is invented.

The national jury is at work too: a label session of the current school year (default
rubric) with applications from several demo projects, jurors from schools across France
(one of them teaches in an applicant's school: a same-school conflict), automatic
assignment, submitted scores (on one application the two jurors disagree beyond the
round's threshold, settled by a consensus note), then decisions staged and published.

Loading is idempotent: people are found by e-mail, projects by owner and title, and the
round is made only while no demo project has applied anywhere, so running it twice
changes nothing. The demo teachers and jurors share one random password, shown once when
they are created; no fixed password ships with the suite.

It is kept apart from real work (:mod:`assess.services.installation`): it loads only into
an installation without real data (which then becomes a demonstration installation) or a
demonstration installation, and its accounts, projects and round are marked ``is_demo``,
so its jurors judge its round only and no real juror judges it.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assess import clock
from assess.domain.answers import DONT_KNOW
from assess.domain.jury import school_year
from assess.domain.permissions import Actor
from assess.domain.project import SchoolData
from assess.domain.project_choices import subject_names
from assess.domain.questionnaire import ItemType, Questionnaire
from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.states import CampaignMode, Role, RoundKind
from assess.services import (
    _schools,
    accounts,
    applications,
    audit,
    campaigns,
    decisions,
    installation,
    jury,
    projects,
    questionnaires,
    responding,
    rounds,
    rubrics,
    self_assessments,
)
from assess.services.access import authorize
from assess.storage.models import Application, Assignment, Project, User

DEMO_DOMAIN = "demo.etwinning.example"

TEACHERS = [
    ("claire.martin", "Claire Martin"),
    ("julien.moreau", "Julien Moreau"),
    ("nadia.benali", "Nadia Benali"),
    ("sophie.laurent", "Sophie Laurent"),
    ("marc.dubois", "Marc Dubois"),
]
JURORS = [
    ("ines.garnier", "Inès Garnier"),
    ("paul.lefevre", "Paul Lefèvre"),
    ("hugo.renard", "Hugo Renard"),
    ("lea.fontaine", "Léa Fontaine"),
    ("thomas.girard", "Thomas Girard"),
]
#: Where the jurors teach. Hugo Renard teaches at Julien Moreau's school: the assignment
#: finds the same-school conflict on Julien's application and keeps him off it.
JUROR_SCHOOLS = {
    "ines.garnier": {"name": "Lycée Condorcet", "country": "FR", "region": "Île-de-France"},
    "paul.lefevre": {"name": "Collège Jean Moulin", "country": "FR", "region": "Normandie"},
    "hugo.renard": {"name": "Collège Victor Hugo", "country": "FR", "region": "Bretagne"},
    "lea.fontaine": {"name": "Lycée Camille Claudel", "country": "FR", "region": "Occitanie"},
    "thomas.girard": {"name": "École élémentaire Jules Ferry", "country": "FR", "region": "Nouvelle-Aquitaine"},
}

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
    return dict(zip(A, values, strict=True))


PROJECTS = [
    DemoProject("claire.martin", "Le tour d'Europe de notre mascotte",
                "Une peluche voyage d'école en école ; chaque classe raconte son quotidien dans un carnet de bord commun.",
                ("2025-09-08", "2026-06-19"), (7, 9), ("french", "geography"), ("fr", "en"),
                (("Scoala Gimnaziala nr. 5", "RO"), ("Základní škola Kamenice", "CZ")), _all(4, 4, 4, 3, 3, 4),
                note="Carnet de bord commun publié sur le TwinSpace, une page par étape du voyage."),
    DemoProject("claire.martin", "Comptines du monde",
                "Les élèves enregistrent des comptines traditionnelles et les traduisent pour leurs correspondants.",
                ("2024-10-01", "2025-05-30"), (6, 8), ("music", "foreign_languages"), ("fr", "it", "en"),
                (("Scuola Primaria Garibaldi", "IT"),), _all(3, 4, 2, 3, 2, 3)),
    DemoProject("julien.moreau", "Défis mathématiques européens",
                "Des équipes internationales résolvent chaque mois une énigme mathématique et publient leurs méthodes.",
                ("2025-09-15", "2026-05-29"), (12, 14), ("mathematics",), ("en",),
                (("Gimnazjum nr 2", "PL"), ("Colegio San José", "ES"), ("Peruskoulu Kallio", "FI")), _all(5, 4, 5, 4, 4, 5),
                note="Neuf énigmes résolues en équipes mixtes ; les solutions sont regroupées par thème."),
    DemoProject("julien.moreau", "Stéréotypes : regards croisés",
                "Débats en visioconférence sur les stéréotypes entre pays, puis affiches co-créées.",
                ("2024-01-08", "2024-06-14"), (13, 15), ("citizenship", "english"), ("en",),
                (("Skola Mater Dei", "MT"), ("Sint-Jozefcollege", "BE")), _all(3, 3, 1, 3, 2, 3)),
    DemoProject("nadia.benali", "Recettes sans frontières",
                "Des élèves de cuisine échangent des recettes régionales, les adaptent et filment leurs réalisations.",
                ("2025-10-06", "2026-04-24"), (16, 19), ("vocational", "english"), ("en", "pt"),
                (("Escola Profissional de Hotelaria", "PT"), ("Strukovna škola Split", "HR")), _all(4, 5, 4, 4, 3, 4)),
    DemoProject("nadia.benali", "Mon futur métier en Europe",
                "Interviews croisées de professionnels et portfolio commun des métiers de l'hôtellerie.",
                ("2025-11-03", "2026-06-12"), (17, 19), ("careers",), ("en",),
                (("Berufsschule Graz", "AT"),), {"innovation": 3, "curricular-integration": 4}),
    DemoProject("sophie.laurent", "Les animaux de nos jardins",
                "Les tout-petits observent les animaux de la cour et les dessinent pour leurs amis d'ailleurs.",
                ("2025-09-22", "2026-06-26"), (3, 5), ("pre_school", "art"), ("fr", "el"),
                (("Nipiagogeio Kalamarias", "GR"), ("Kindergarten Sonnenschein", "DE")), _all(4, 3, 4, 3, 4, 4)),
    DemoProject("sophie.laurent", "Petit-déjeuner d'ici et d'ailleurs",
                "Chaque classe photographie son petit-déjeuner et prépare celui de ses partenaires.",
                ("2024-02-05", "2024-06-28"), (4, 6), ("health",), ("fr", "es"),
                (("Escuela Infantil El Olivo", "ES"),), _all(2, 3, 2, 2, 1, 2)),
    DemoProject("marc.dubois", "Climat : mesurer pour comprendre",
                "Des stations météo dans chaque lycée ; les données partagées nourrissent une analyse commune.",
                ("2025-09-01", "2026-05-22"), (15, 18), ("physics", "biology"), ("en",),
                (("Gymnasium am Rhein", "DE"), ("Liceum Ogólnokształcące nr 1", "PL"), ("Lukio Tampere", "FI")),
                {"collaboration": 5, "technology": 4, "pedagogy": 5, "curricular-integration": 5, "results": 4,
                 "online-collaboration": 4, "digital-tools": 4, "safety": 4}, rubric="etwinning-2021",
                note="Jeu de données commun, tableau de bord partagé, article dans la presse locale."),
    DemoProject("marc.dubois", "Art nouveau dans nos villes",
                "Recherches croisées sur l'architecture Art nouveau et visite virtuelle commune.",
                ("2024-09-09", "2025-03-28"), (16, 17), ("history_of_art",), ("en", "fr"),
                (("Gimnazija Ljubljana", "SI"), ("Liceo Artistico Torino", "IT")),
                {"collaboration": 3, "technology": 4, "pedagogy": 3, "curricular-integration": 4, "results": 3,
                 "online-collaboration": 3, "digital-tools": 3, "safety": 2}, rubric="etwinning-2021"),
    DemoProject("marc.dubois", "Débattre en Europe",
                "Tournoi de débats en anglais entre lycées, avec jurys d'élèves mixtes.",
                ("2025-01-06", "2025-06-06"), (16, 18), ("english", "philosophy"), ("en",),
                (("Gymnázium Bratislava", "SK"), ("Lycée Michel Rodange", "LU")),
                {"innovation": 4, "curricular-integration": 3, "communication": 4, "collaboration": 3,
                 "technology": 3, "results": 3}, rubric="etwinning-2014"),
    DemoProject("julien.moreau", "Radio des collégiens européens",
                "Une émission mensuelle préparée à plusieurs voix, diffusée sur les sites des écoles.",
                ("2025-10-13", "2026-06-05"), (11, 13), ("french", "media_education"), ("fr", "en"),
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
    answers: dict[str, str | int | list[str]] = {}
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
    today = clock.today()
    for audience, (fewest, most) in RESPONDENTS.items():
        count = chance.randint(fewest, most)
        campaign = campaigns.create_campaign(
            session, actor=owner, project_id=project.id, audience=audience, mode=CampaignMode.CODES, languages=["fr", "en"],
            opens_on=today - timedelta(days=20), closes_on=today + timedelta(days=10),
        )
        codes = campaigns.issue_codes(session, actor=owner, campaign_id=campaign.id, count=count + 4)
        questionnaire = questionnaires.from_snapshot(campaign.questionnaire_version)
        for code in codes[:count]:
            answers = _answers(questionnaire, mood=mood, chance=chance)
            responding.submit_with_code(session, code=code, answers=answers, language=chance.choice(["fr", "fr", "en"]))


# --- the jury's round ----------------------------------------------------------------------

#: The applications of the demo round: (owner, project title, letter language).
APPLICATIONS = [
    ("claire.martin", "Le tour d'Europe de notre mascotte", "fr"),
    ("julien.moreau", "Défis mathématiques européens", "fr"),
    ("nadia.benali", "Recettes sans frontières", "en"),
    ("sophie.laurent", "Les animaux de nos jardins", "fr"),
    ("sophie.laurent", "Petit-déjeuner d'ici et d'ailleurs", "fr"),
]
#: On this application the jurors disagree on collaboration (5 and 2: a spread of 3, over
#: the round's threshold of 2); the office settles it with a consensus note.
DISAGREEMENT = ("Les animaux de nos jardins", "collaboration", (5, 2))
CONSENSUS_NOTE = ("Le jury a relu ensemble le TwinSpace : les classes échangent souvent et les dessins circulent "
                  "entre les écoles, mais les tâches communes restent guidées par les enseignantes. Niveau moyen retenu.")
TEXTS = {
    "innovation": "Ce qui est nouveau pour nos élèves : {summary}",
    "curricular-integration": "Le projet s'inscrit dans nos programmes ({subjects}) et chaque activité a servi "
                              "les apprentissages de la classe.",
    "collaboration": "Les classes partenaires ({partners}) ont travaillé ensemble : calendrier commun, "
                     "productions croisées et échanges réguliers sur le TwinSpace.",
    "ict-use": "Les élèves ont utilisé le TwinSpace, des outils de visioconférence et de création en ligne, "
               "choisis selon leur âge.",
    "sustainability": "Le projet continue l'an prochain avec les mêmes partenaires ; les ressources sont réutilisables.",
    "results": "Les productions sont publiées sur le TwinSpace et présentées aux familles.",
}
#: What a juror writes for the teacher, by level (two wordings: the two jurors of an application).
JURY_COMMENTS = {
    5: ("Remarquable : un exemple à montrer à d'autres équipes.",
        "Excellent travail, au-delà de ce qui est attendu."),
    4: ("Très bon travail, bien documenté sur le TwinSpace.",
        "Très solide ; quelques exemples de productions d'élèves auraient suffi à convaincre tout à fait."),
    3: ("Bon travail ; les preuves pourraient être plus précises.",
        "Bien mené ; montrez davantage ce que les élèves ont produit eux-mêmes."),
    2: ("Des bases réelles, mais le travail reste surtout parallèle entre les classes.",
        "Un début prometteur ; il manque encore des activités vraiment communes."),
    1: ("Encore peu visible : décrivez ce que les élèves ont fait ensemble.",
        "Trop peu d'éléments dans le dossier pour apprécier ce critère."),
    0: ("Aucun élément ne permet d'évaluer ce critère.",
        "Rien dans le dossier ne concerne ce critère."),
}
PRIVATE_NOTES = {
    (DISAGREEMENT[0], 0): "Échanges très vivants entre les tout-petits, à mon avis au meilleur niveau pour cet âge.",
    (DISAGREEMENT[0], 1): "Je vois surtout des dessins envoyés, pas de travail réellement commun.",
}


def _round_name(today: date) -> str:
    return f"Session des labels {school_year(today)}"


def _jury_levels(demo: DemoProject, rank: int, juror_login: str) -> dict[str, int]:
    """A juror's levels: the teacher's own levels, one lower here and there (seeded per
    project and juror, so the same demo every time); on the disagreement, far apart."""
    chance = random.Random(f"{demo.title}/{juror_login}")
    levels = {item: max(0, level - (1 if chance.random() < 0.35 else 0)) for item, level in demo.levels.items()}
    title, item, apart = DISAGREEMENT
    if demo.title == title:
        levels[item] = apart[rank % 2]
    return levels


def _jury_round(session: Session, *, actor: Actor, people: dict[str, Actor]) -> bool:
    """The demo round, made only while no demo project has applied anywhere."""
    teachers = [people[login].id for login, _name in TEACHERS]
    if session.scalar(select(Application.id).where(Application.teacher_id.in_(teachers)).limit(1)) is not None:
        return False
    today = rounds.today()
    made = rounds.create_round(session, actor=actor, kind=RoundKind.LABEL, name=_round_name(today),
                               opens_on=today - timedelta(days=45), closes_on=today + timedelta(days=5),
                               per_application=2, aggregation="mean", disagreement_threshold=2)
    # A demonstration round: only demonstration projects apply and only demonstration jurors judge.
    made.is_demo = True
    session.flush()
    rubric = rounds.rubric_of(made)
    by_title = {demo.title: demo for demo in PROJECTS}
    applied: dict[int, DemoProject] = {}
    for login, title, language in APPLICATIONS:
        demo, owner = by_title[title], people[login]
        project = session.scalar(select(Project).where(Project.owner_id == owner.id, Project.title == title))
        if project is None:
            continue
        partners = ", ".join(name for name, _country in demo.partners)
        texts = {c.id: TEXTS.get(c.id, "").format(summary=demo.summary, subjects=subject_names(demo.subjects, "fr").lower(),
                                                  partners=partners)
                 for c in rubric.criteria}
        if demo.note:
            texts["results"] = f"{texts['results']} {demo.note}"
        application = applications.apply(
            session, actor=owner, round_id=made.id, project_id=project.id,
            eligibility=dict.fromkeys(ELIGIBILITY_QUESTIONS, True), texts=texts,
            evidence_links=[project.twinspace_url] if project.twinspace_url else [], language=language,
        )
        applied[application.id] = demo
    # The round closes; the jury goes to work.
    rounds.update_round(session, actor=actor, round_id=made.id, opens_on=today - timedelta(days=45),
                        closes_on=today - timedelta(days=1))
    jurors = {people[login].id: people[login] for login, _name in JURORS}
    logins = {people[login].id: login for login, _name in JURORS}
    jury.auto_assign(session, actor=actor, round_id=made.id)
    for application_id, demo in applied.items():
        assigned = session.scalars(select(Assignment.juror_id).where(Assignment.application_id == application_id)
                                   .order_by(Assignment.id)).all()
        for rank, juror_id in enumerate(assigned):
            juror = jurors[juror_id]
            assignment = jury.assignment_of(session, actor=juror, application_id=application_id)
            for item_id, level in _jury_levels(demo, rank, logins[juror_id]).items():
                jury.save_score(session, actor=juror, assignment_id=assignment.id, item_id=item_id, level=level,
                                comment=JURY_COMMENTS[level][rank % 2],
                                private_note=PRIVATE_NOTES.get((demo.title, rank), "") if item_id == DISAGREEMENT[1]
                                else "")
            jury.submit_scores(session, actor=juror, assignment_id=assignment.id)
        if demo.title == DISAGREEMENT[0]:
            decisions.add_consensus_note(session, actor=actor, application_id=application_id, note=CONSENSUS_NOTE)
        else:
            decisions.stage_decision(session, actor=actor, application_id=application_id)
    decisions.publish_round(session, actor=actor, round_id=made.id)
    return True


@dataclass(frozen=True)
class DemoResult:
    created: bool
    teacher_emails: list[str]
    password: str | None
    projects: int
    juror_emails: list[str] = field(default_factory=list)
    #: Whether this run made the demo jury round.
    round: bool = False
    #: Whether this run made the installation a demonstration installation.
    made_demo_installation: bool = False


def _email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def load_demo(session: Session, *, actor: Actor) -> DemoResult:
    """Load the demonstration office; changes nothing if it is already there. Refused
    (:class:`Conflict` ``demo.errors.real_data``) in an installation holding real data
    that was not created as a demonstration installation; otherwise the installation
    becomes (or stays) a demonstration installation."""
    authorize(session, actor, "demo.load")
    made_installation = installation.make_demo_installation(session, actor=actor)
    password = secrets.token_urlsafe(9)
    created_people = False
    people: dict[str, Actor] = {}
    for login, name, role in [*((*t, Role.TEACHER) for t in TEACHERS), *((*j, Role.JUROR) for j in JURORS)]:
        user = session.scalar(select(User).where(User.email == _email(login)))
        if user is None:
            user = accounts.create_user(session, actor=actor, email=_email(login), display_name=name, roles={role},
                                        password=password, language="fr")
            created_people = True
        user.is_demo = True
        if login in JUROR_SCHOOLS and user.school_id is None:
            user.school_id = _schools.find_or_add_school(session, SchoolData(**JUROR_SCHOOLS[login])).id
            session.flush()
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
        project.is_demo = True
        session.flush()
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
    round_made = _jury_round(session, actor=actor, people=people)
    if made or created_people or round_made:
        audit.record(session, actor=actor, action="demo.load", entity_type="demo", entity_id="demo",
                     details={"projects": made, "round": round_made})
    session.flush()
    return DemoResult(
        created=created_people or made > 0 or round_made,
        teacher_emails=[_email(login) for login, _ in TEACHERS],
        password=password if created_people else None,
        projects=made,
        juror_emails=[_email(login) for login, _ in JURORS],
        round=round_made,
        made_demo_installation=made_installation,
    )
