"""The loader's schools, people (teachers and jurors) and projects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from assess.domain.readiness import ELIGIBILITY_QUESTIONS
from assess.domain.states import Role
from assess.services import accounts
from assess.services.demo_national.country import (
    ACTIVITIES,
    COUNTRIES,
    CROSS_SUBJECTS,
    ENGLISH_TITLES,
    FIRST_NAMES,
    FRENCH_SPEAKING,
    LAST_NAMES,
    PATRONS,
    REGIONS,
    SPAN_WEIGHTS,
    STAGES,
    STRONG_BIASES,
    THEMES,
    TITLE_ENDINGS,
    TWINSPACE,
)
from assess.services.demo_national.draws import _level, _login, _spread, _weighted
from assess.services.demo_national.plans import _FrenchSchool, _Person, _Project, _School
from assess.services.demo_national.sizes import NATIONAL_DOMAIN, YEARS
from assess.services.demo_national.state import _State
from assess.services.demo_national.writer import _insert, _insert_ids
from assess.storage.models import (
    Project,
    ProjectPartner,
    School,
    SelfAssessment,
    SelfAssessmentEntry,
    User,
    UserRole,
    table_of,
)


class _People(_State):
    """Part of :class:`~assess.services.demo_national.load._Loader`."""

    # -- schools and people --

    def plan_schools(self) -> None:
        rng = self.rng("schools")
        taken = {(name, country) for name, country in self.session.execute(select(School.name, School.country))}

        def unique(name: str, country: str) -> str:
            candidate, n = name, 2
            while (candidate, country) in taken:
                candidate, n = f"{name} ({n})", n + 1
            taken.add((candidate, country))
            return candidate

        regions = list(REGIONS)
        region_weights = [REGIONS[r][0] for r in regions]
        stage_weights = [s[1] for s in STAGES]
        self.schools = []
        for _ in range(self.size.schools):
            region = _weighted(rng, regions, region_weights)
            stage = _weighted(rng, range(len(STAGES)), stage_weights)
            town = rng.choice(REGIONS[region][1])
            name = unique(f"{STAGES[stage][0]} {rng.choice(PATRONS)}, {town}", "FR")
            self.schools.append(_FrenchSchool(name, "FR", region=region, stage=stage))
        countries = list(COUNTRIES)
        country_weights = [COUNTRIES[c][0] for c in countries]
        self.partner_schools = []
        for _ in range(self.size.partner_schools):
            country = _weighted(rng, countries, country_weights)
            _weight, _language, patterns, towns = COUNTRIES[country]
            name = rng.choice(patterns).format(town=rng.choice(towns), n=rng.randint(1, 40))
            self.partner_schools.append(_School(unique(name, country), country))

    def plan_people(self) -> None:
        rng = self.rng("people")
        used: set[str] = {email for (email,) in self.session.execute(
            select(User.email).where(User.email.like(f"%@{NATIONAL_DOMAIN}")))}

        def person(school: int) -> _Person:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            base = _login(f"{first}.{last}")
            login, n = base, 2
            while f"{login}@{NATIONAL_DOMAIN}" in used:
                login, n = f"{base}{n}", n + 1
            email = f"{login}@{NATIONAL_DOMAIN}"
            used.add(email)
            return _Person(email, f"{first} {last}", school)

        # Teachers: at most 3 per school, many schools with one.
        schools = _spread(rng, len(self.schools), self.size.teachers, per_item=3)
        self.teachers = [person(school) for school in schools]
        # Jurors: half of them in schools that run projects (conflicts of interest exist), half elsewhere.
        with_teachers = sorted(set(schools))
        others = [s for s in range(len(self.schools)) if s not in set(schools)] or with_teachers
        self.jurors = []
        for k in range(self.size.jurors):
            juror = person(rng.choice(with_teachers if k % 2 == 0 or not others else others))
            juror.bias = rng.gauss(0, 0.15)
            self.jurors.append(juror)
        # A few jurors clearly harsh or lenient (one in fifteen): the severity figures have something to find.
        for k, bias in enumerate(STRONG_BIASES[:max(1, round(len(self.jurors) / 15))]):
            self.jurors[(k * 7 + 3) % len(self.jurors)].bias = bias

    def store_schools(self) -> None:
        everything: list[_School] = [*self.schools, *self.partner_schools]
        table = table_of(School)
        ids = _insert_ids(self.session, table, [
            {"name": s.name, "country": s.country, "region": s.region if isinstance(s, _FrenchSchool) else None,
             "created_at": datetime(self.today.year - YEARS, 9, 1, tzinfo=UTC)} for s in everything])
        for school, school_id in zip(everything, ids, strict=True):
            school.id = school_id
        self.count(table, len(ids))

    def store_people(self) -> None:
        password_hash = accounts.hash_password(self.password)
        rng = self.rng("accounts")
        first_round = self.rounds[0].opens_on
        for teacher in self.teachers:
            teacher.created_at = self.at(rng, first_round - timedelta(days=700), first_round - timedelta(days=30))
        for project in self.projects:
            owner = self.teachers[project.owner]
            created = self.at(rng, project.start - timedelta(days=60), project.start - timedelta(days=1))
            owner.created_at = min(owner.created_at or created, created)
        for juror in self.jurors:
            juror.created_at = self.at(rng, first_round - timedelta(days=400), first_round - timedelta(days=60))
        people = self.teachers + self.jurors
        table = table_of(User)
        ids = _insert_ids(self.session, table, [
            {"email": p.email, "display_name": p.name, "password_hash": password_hash, "language": "fr",
             "is_active": True, "created_at": p.created_at, "school_id": self.schools[p.school].id,
             "is_demo": True}
            for p in people])
        for person, user_id in zip(people, ids, strict=True):
            person.id = user_id
        self.count(table, len(ids))
        roles = [{"user_id": t.id, "role": Role.TEACHER} for t in self.teachers]
        roles += [{"user_id": j.id, "role": Role.JUROR} for j in self.jurors]
        _insert(self.session, table_of(UserRole), roles)
        self.count(table_of(UserRole), len(roles))
        self.teacher_emails = [t.email for t in self.teachers]
        self.juror_emails = [j.email for j in self.jurors]

    # -- projects --

    def plan_projects(self) -> None:
        rng = self.rng("projects")
        size = self.size
        # Owners: every teacher has one project, some up to four.
        owners = list(range(size.teachers)) + _spread(rng, size.teachers, size.projects - size.teachers, per_item=3)
        rng.shuffle(owners)
        # Which rounds a project applies to: contiguous school years (see SPAN_WEIGHTS).
        spans = ((0,), (2,), (0, 1), (1, 2), (0, 1, 2))
        span_weights = SPAN_WEIGHTS
        country_weights = {c: w for c, (w, *_rest) in COUNTRIES.items()}
        by_country: dict[str, list[int]] = {}
        for index, partner in enumerate(self.partner_schools):
            by_country.setdefault(partner.country, []).append(index)
        countries = [c for c in country_weights if c in by_country]
        self.projects = []
        for owner in owners:
            teacher = self.teachers[owner]
            school = teacher.school
            stage = self.schools[school].stage
            _kind, _weight, (low, high), subjects = STAGES[stage]
            age_min = rng.randint(low, max(low, high - 1))
            age_max = min(high, age_min + rng.choice((0, 1, 1, 2, 2, 3)))
            if rng.random() < 0.15:
                title = rng.choice(ENGLISH_TITLES)
            else:
                title = rng.choice(THEMES) + rng.choice(TITLE_ENDINGS)
            # Two of a school's subjects may be one code (history and geography are "history").
            chosen = list(dict.fromkeys(rng.sample(subjects, k=min(len(subjects), rng.choice((1, 1, 2, 2, 3))))))
            if rng.random() < 0.25:
                chosen.append(rng.choice([s for s in CROSS_SUBJECTS if s not in chosen]))
            partners: list[int] = []
            partner_count = rng.choices((2, 3, 4, 5, 6), weights=(30, 28, 20, 12, 10))[0]
            while len(partners) < partner_count:
                if rng.random() < 0.05:  # a French partner school
                    candidate = rng.randrange(len(self.schools))
                    if candidate != school and -1 - candidate not in partners:
                        partners.append(-1 - candidate)
                    continue
                country = rng.choices(countries, weights=[country_weights[c] for c in countries])[0]
                candidate = rng.choice(by_country[country])
                if candidate not in partners:
                    partners.append(candidate)
            partner_countries = sorted({self._partner(p).country for p in partners})
            languages = ["en"] if rng.random() < 0.8 else []
            if rng.random() < 0.5 or any(c in FRENCH_SPEAKING for c in partner_countries) or not languages:
                languages.insert(0, "fr")
            foreign = [COUNTRIES[c][1] for c in partner_countries if c in COUNTRIES and COUNTRIES[c][1] != "en"]
            if foreign and rng.random() < 0.35:
                language = rng.choice(foreign)
                if language not in languages:
                    languages.append(language)
            rounds = rng.choices(spans, weights=span_weights)[0]
            quality = rng.gauss(0, 1)
            summary = (f"Des classes de {len(partner_countries) + 1} pays travaillent ensemble "
                       f"autour du thème « {title} » : {rng.choice(ACTIVITIES)}.")
            item_effects = {item: rng.gauss(0, 0.45) for item in self.items}
            first, last = self.rounds[rounds[0]], self.rounds[rounds[-1]]
            start = first.opens_on - timedelta(days=rng.randint(150, 280))
            end = max(start + timedelta(days=60), last.closes_on + timedelta(days=rng.randint(-90, 20)))
            end = min(end, max(start, self.today + timedelta(days=200)))
            self.projects.append(_Project(
                owner=owner, school=school, title=title, summary=summary, stage=stage, ages=(age_min, age_max),
                subjects=chosen, languages=languages, partners=partners, quality=quality, rounds=rounds,
                start=start, end=end, item_effects=item_effects,
                twinspace_url=f"{TWINSPACE}/national-{self.seed}-{len(self.projects) + 1}"))

    def store_projects(self) -> None:
        session, rng = self.session, self.rng("projects-stored")
        table = table_of(Project)
        rows = []
        for p in self.projects:
            created = self.at(rng, p.start - timedelta(days=30), p.start)
            rows.append({
                "owner_id": self.teachers[p.owner].id, "school_id": self.schools[p.school].id, "title": p.title,
                "summary": p.summary, "start_date": p.start, "end_date": p.end, "age_min": p.ages[0],
                "age_max": p.ages[1], "subjects": p.subjects, "languages": p.languages,
                "twinspace_url": p.twinspace_url, "is_demo": True,
                "created_at": created, "updated_at": self.at(rng, created.date(), p.end),
            })
        ids = _insert_ids(session, table, rows)
        for project, project_id in zip(self.projects, ids, strict=True):
            project.id = project_id
        self.count(table, len(ids))

        partners = [{"project_id": p.id, "school_id": self._partner(s).id} for p in self.projects for s in p.partners]
        _insert(session, table_of(ProjectPartner), partners)
        self.count(table_of(ProjectPartner), len(partners))

        # The teachers' own self-assessments, a little more generous than the jury.
        assessments = _insert_ids(session, table_of(SelfAssessment), [
            {"project_id": p.id, "rubric_version_id": self.rubric_version.id,
             "eligibility": dict.fromkeys(ELIGIBILITY_QUESTIONS, True),
             "created_by": self.teachers[p.owner].id, "updated_by": self.teachers[p.owner].id,
             "created_at": self.at(rng, p.start, p.start + timedelta(days=90)),
             "updated_at": self.at(rng, p.start + timedelta(days=90), p.end)} for p in self.projects])
        self.count(table_of(SelfAssessment), len(assessments))
        entries: list[dict[str, Any]] = [
            {"self_assessment_id": assessment_id, "item_id": item,
             "level": _level(rng, 3.2 + 0.8 * p.quality + p.item_effects[item], 0.6), "evidence_note": "",
             "evidence_links": [], "updated_by": self.teachers[p.owner].id,
             "updated_at": self.at(rng, p.start + timedelta(days=30), p.end)}
            for p, assessment_id in zip(self.projects, assessments, strict=True) for item in self.items
        ]
        _insert(session, table_of(SelfAssessmentEntry), entries)
        self.count(table_of(SelfAssessmentEntry), len(entries))
        self.advance(len(self.projects))
