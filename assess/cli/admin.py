"""``assess init``, ``assess user add``, ``assess demo``: set-up commands of the national office."""

from __future__ import annotations

import sys
import time

import click

from assess.cli.common import progress_bar, reading, transaction
from assess.cli.types import ID_MAX
from assess.domain.permissions import ROLES, Actor
from assess.services import accounts, demo, demo_national, installation
from assess.storage.db import current_revision, database_url, make_engine, upgrade_database


@click.command("init")
@click.option("--demo", "demo_installation", is_flag=True,
              help="Make this a demonstration installation (for trying the suite or training): demonstration data "
                   "may be loaded into it and counts in its figures, and every page says so. Refused once the "
                   "installation holds real data.")
def init(demo_installation: bool) -> None:
    """Create the database, or upgrade it to the latest schema."""
    engine = make_engine(database_url())
    try:
        before = current_revision(engine)
        upgrade_database(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"database is up to date (revision {after})")
    else:
        click.echo(f"database upgraded from {before or 'empty'} to revision {after}")
    if demo_installation:
        with transaction(migrate=False) as session:
            made = installation.make_demo_installation(session, actor=Actor.system())
        click.echo("this is now a demonstration installation; load its data with `assess demo`" if made
                   else "this is already a demonstration installation")


@click.group()
def user() -> None:
    """Accounts."""


@user.command("add")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeat for several roles.")
@click.option("--name", "display_name", help="Name shown (default: the part of the e-mail before @).")
@click.option("--language", type=click.Choice(["en", "fr"]))
@click.option("--sso-only", is_flag=True, help="No password: the person signs in through single sign-on.")
def user_add(email: str, roles: tuple[str, ...], display_name: str | None, language: str | None, sso_only: bool) -> None:
    """Create an account; the password is read from standard input (never from the command line)."""
    password = None
    if not sso_only:
        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    name = display_name or email.split("@")[0]
    # Hashed before the transaction: it takes about 350 ms, and holds no write lock then.
    password = accounts.new_password(password) if password is not None else None
    with transaction() as session:
        if "admin" in roles and accounts.needs_first_admin(session) and not sso_only:
            created = accounts.create_first_admin(session, email=email, display_name=name, password=password, language=language)
            if set(roles) - {"admin"}:
                accounts.set_roles(session, actor=Actor.system(), user_id=created.id, roles=set(roles))
        else:
            accounts.create_user(session, actor=Actor.system(), email=email, display_name=name, roles=set(roles),
                                 password=password, language=language)
    click.echo(f"created {email.strip().lower()} ({', '.join(sorted(roles))})")


@click.command("demo")
@click.option("--scale", type=click.Choice(["small", "national"]), default="small", show_default=True,
              help="small: a handful of teachers, projects and one jury round; national: a synthetic country "
                   "(about 1,500 projects, 3,000 applications, 300,000 survey responses; a minute or two).")
@click.option("--seed", type=click.IntRange(0, ID_MAX), default=None,
              help=f"National scale only: the same seed gives the same country [default: {demo_national.DEFAULT_SEED}].")
def demo_command(scale: str, seed: int | None) -> None:
    """Load demonstration data (a fictional national office); running it twice changes nothing.

    Only into an installation without real data (it then becomes a demonstration
    installation) or one made with `assess init --demo`."""
    if seed is not None and scale != "national":
        raise click.UsageError("--seed applies to --scale national only")
    with reading() as session:  # refused before any work (and before the progress bar); a check needs no write lock
        installation.require_demo_allowed(session)
    if scale == "national":
        _national_demo(demo_national.DEFAULT_SEED if seed is None else seed)
        return
    with transaction() as session:
        result = demo.load_demo(session, actor=Actor.system())
    if not result.created:
        click.echo("demonstration data is already loaded; nothing changed")
        return
    click.echo(f"loaded {result.projects} demonstration projects")
    if result.made_demo_installation:
        click.echo("this is now a demonstration installation (a banner says so on every page)")
    if result.password:
        click.echo("demo teachers (password shown once): " + ", ".join(result.teacher_emails))
        click.echo("demo jurors (same password): " + ", ".join(result.juror_emails))
        click.echo(f"password: {result.password}")


def _national_demo(seed: int) -> None:
    started = time.perf_counter()
    with progress_bar("Generating the national demo") as progress, transaction() as session:
        result = demo_national.load_national_demo(session, actor=Actor.system(), seed=seed, progress=progress)
    if not result.created:
        click.echo("the national demonstration is already loaded; nothing changed")
        return
    counts = result.counts

    def n(table: str) -> str:
        return f"{counts.get(table, 0):,}"

    click.echo(f"loaded the national demonstration (seed {result.seed}) in {time.perf_counter() - started:.0f} s:")
    click.echo(f"  {n('schools')} schools, {len(result.teacher_emails):,} teachers, {len(result.juror_emails):,} "
               f"jurors, {n('projects')} projects, {n('project_partners')} project partners")
    click.echo(f"  {n('rounds')} label rounds (published): {n('applications')} applications, "
               f"{n('assignments')} juror assignments, {n('juror_scores')} juror scores, {n('decisions')} decisions")
    click.echo(f"  {n('survey_campaigns')} survey campaigns, {n('survey_responses')} responses, "
               f"{n('survey_answers')} answers, {n('survey_codes')} codes")
    click.echo(f"accounts @{demo_national.NATIONAL_DOMAIN}, e.g. teacher {result.teacher_emails[0]}, "
               f"juror {result.juror_emails[0]}")
    click.echo(f"password of every national demo account (shown once): {result.password}")
