"""``assess init``, ``assess user add``, ``assess demo``: set-up commands of the national office."""

from __future__ import annotations

import sys
import time

import click

from assess.cli.common import operator_language, progress_bar, reading, transaction
from assess.cli.types import ID_MAX, LANGUAGE
from assess.domain.permissions import Actor
from assess.domain.states import Role
from assess.i18n import t
from assess.i18n.formats import format_count, format_number
from assess.services import accounts, demo, demo_national, installation
from assess.services.mail import passwords
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
    lang = operator_language()
    if before == after:
        click.echo(t("cli.init.up_to_date", lang, revision=after))
    else:
        click.echo(t("cli.init.upgraded", lang, before=before or t("cli.init.empty", lang), after=after))
    if demo_installation:
        with transaction(migrate=False) as session:
            made = installation.make_demo_installation(session, actor=Actor.system())
        click.echo(t("cli.init.demo_made" if made else "cli.init.demo_already", lang))


@click.group()
def user() -> None:
    """Accounts."""


@user.command("add")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([role.value for role in Role]),
              help="Repeat for several roles.")
@click.option("--name", "display_name", help="Name shown (default: the part of the e-mail before @).")
@click.option("--language", type=LANGUAGE)
@click.option("--sso-only", is_flag=True, help="No password: the person signs in through single sign-on.")
@click.option("--invite", is_flag=True,
              help="No password either: an invitation is queued with the account, whose link lets the person "
                   "choose one (sent by `assess mail send`, or held for the office when invitations are reviewed).")
def user_add(email: str, roles: tuple[str, ...], display_name: str | None, language: str | None, sso_only: bool,
             invite: bool) -> None:
    """Create an account; the password is read from standard input (never from the command line),
    unless the account signs in through single sign-on (--sso-only) or is invited (--invite)."""
    lang = operator_language()
    if invite and sso_only:
        raise click.UsageError(t("cli.user.invite_or_sso", lang))
    password = None
    if not sso_only and not invite:
        if sys.stdin.isatty():
            password = click.prompt(t("cli.user.password_prompt", operator_language()), hide_input=True,
                                    confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    name = display_name or email.split("@")[0]
    # Hashed before the transaction: it takes about 350 ms, and holds no write lock then.
    hashed = accounts.new_password(password) if password is not None else None  # None: single sign-on only
    invitation: tuple[int, str, str] | None = None  # (mail, address, status), read inside the transaction
    with transaction() as session:
        if Role.ADMIN in roles and accounts.needs_first_admin(session) and hashed is not None:
            created = accounts.create_first_admin(session, email=email, display_name=name, password=hashed, language=language)
            if set(roles) - {Role.ADMIN}:
                accounts.set_roles(session, actor=Actor.system(), user_id=created.account_id, roles=set(roles))
        else:
            made = accounts.create_user(session, actor=Actor.system(), email=email, display_name=name,
                                        roles=set(roles), password=hashed, language=language)
            if invite:  # in the same transaction: no account is left without its invitation
                mail = passwords.invite(session, actor=Actor.system(), account_id=made.id)
                invitation = (mail.id, mail.address, mail.status)
    click.echo(t("cli.user.created", lang, email=email.strip().lower(), roles=", ".join(sorted(roles))))
    if invitation is not None:
        mail_id, address, status = invitation
        click.echo(t("mail.cli.invited", lang, mail=mail_id, email=address, status=status))


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
        raise click.UsageError(t("cli.demo.seed_national_only", operator_language()))
    with reading() as session:  # refused before any work (and before the progress bar); a check needs no write lock
        installation.require_demo_allowed(session, actor=Actor.system())
    if scale == "national":
        _national_demo(demo_national.DEFAULT_SEED if seed is None else seed)
        return
    with transaction() as session:
        result = demo.load_demo(session, actor=Actor.system())
    lang = operator_language()
    if not result.created:
        click.echo(t("cli.demo.already", lang))
        return
    click.echo(t("cli.demo.loaded", lang, projects=format_number(result.projects, lang, digits=0)))
    if result.made_demo_installation:
        click.echo(t("cli.demo.made_installation", lang))
    if result.password:
        click.echo(t("cli.demo.teachers", lang, emails=", ".join(result.teacher_emails)))
        click.echo(t("cli.demo.jurors", lang, emails=", ".join(result.juror_emails)))
        click.echo(t("cli.demo.password", lang, password=result.password))


def _national_demo(seed: int) -> None:
    lang = operator_language()
    started = time.perf_counter()
    with progress_bar(t("cli.demo.national_progress", lang)) as progress, transaction() as session:
        result = demo_national.load_national_demo(session, actor=Actor.system(), seed=seed, progress=progress)
    if not result.created:
        click.echo(t("cli.demo.national_already", lang))
        return
    counts = result.counts

    def n(count: int) -> str:
        return format_count(count, lang)

    def table(name: str) -> str:
        return n(counts.get(name, 0))

    click.echo(t("cli.demo.national_loaded", lang, seed=result.seed,
                 seconds=format_number(time.perf_counter() - started, lang, digits=0)))
    click.echo(t("cli.demo.national_people", lang, schools=table("schools"), teachers=n(len(result.teacher_emails)),
                 jurors=n(len(result.juror_emails)), projects=table("projects"), partners=table("project_partners")))
    click.echo(t("cli.demo.national_rounds", lang, rounds=table("rounds"), applications=table("applications"),
                 assignments=table("assignments"), scores=table("juror_scores"), decisions=table("decisions")))
    click.echo(t("cli.demo.national_surveys", lang, campaigns=table("survey_campaigns"),
                 responses=table("survey_responses"), answers=table("survey_answers"), codes=table("survey_codes")))
    click.echo(t("cli.demo.national_accounts", lang, domain=demo_national.NATIONAL_DOMAIN,
                 teacher=result.teacher_emails[0], juror=result.juror_emails[0]))
    click.echo(t("cli.demo.national_password", lang, password=result.password))
