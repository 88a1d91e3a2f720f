"""``assess init``, ``assess user add``, ``assess demo``: set-up commands of the national office."""

from __future__ import annotations

import sys

import click

from assess.cli.common import transaction
from assess.domain.permissions import ROLES, Actor
from assess.services import accounts, demo
from assess.storage.db import current_revision, database_url, make_engine, upgrade_database


@click.command("init")
def init() -> None:
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
def demo_command() -> None:
    """Load demonstration data (a fictional national office); running it twice changes nothing."""
    with transaction() as session:
        result = demo.load_demo(session, actor=Actor.system())
    if not result.created:
        click.echo("demonstration data is already loaded; nothing changed")
        return
    click.echo(f"loaded {result.projects} demonstration projects")
    if result.password:
        click.echo("demo teachers (password shown once): " + ", ".join(result.teacher_emails))
        click.echo("demo jurors (same password): " + ", ".join(result.juror_emails))
        click.echo(f"password: {result.password}")
