"""Command-line interface: ``flask --app app <command>`` (see docs/api.md)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask

from app.backup import backup_command, restore_command
from app.services import accounts, reminders, surveys
from app.services.digest import send_digests
from app.services.errors import ServiceError
from app.services.results import publication
from models.base import utcnow


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--admin", is_flag=True, help="Site administrator: sees every organisation.")
def create_user_command(email: str, name: str, password: str, admin: bool) -> None:
    """Create a user account."""
    try:
        user = accounts.create_account(email, name, password, is_admin=admin)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {'site administrator' if admin else 'user'} {user.email}.")


@click.command("create-token")
@click.option("--email", required=True)
def create_token_command(email: str) -> None:
    """Create an API token; it is printed once, alone on the last line."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    token = accounts.create_api_token(user)
    click.echo(f"API token for {user.email} (shown once; store it safely):")
    click.echo(token)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no organisation yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo organisation, Northwind Mutual, if absent; print the demo logins."""
    # Imported here: the demo story is large and only this command needs it.
    from app.demo import DEMO_LOGINS, SeedResult, seed_demo

    result = seed_demo(only_if_empty=if_empty)
    if result is SeedResult.SKIPPED:
        click.echo("The database already holds organisations; the demo was not loaded.")
        return
    click.echo(
        "Demo organisation Northwind Mutual loaded."
        if result is SeedResult.CREATED
        else "Demo organisation Northwind Mutual already present; nothing changed."
    )
    click.echo("Demo logins (open http://127.0.0.1:5000):")
    for login in DEMO_LOGINS:
        click.echo(f"  {login.role:<11} {login.email:<32} password: {login.password}")


@click.group("surveys")
def surveys_group() -> None:
    """Pulse surveys."""


@surveys_group.command("tick")
def surveys_tick_command() -> None:
    """Publish closed campaigns, create the ones repetition makes due and send the reminders
    due to unused personal links; safe every minute."""
    now = utcnow()
    done = [*publication.publish_due(now), *surveys.tick(now), *reminders.send_due(now)]
    for event in done:
        click.echo(str(event))
    if not done:
        click.echo("nothing due")


@click.group("digest")
def digest_group() -> None:
    """The Monday digest email."""


@digest_group.command("send")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Default: today (UTC).")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send nothing.")
def digest_send_command(today: datetime | None, dry_run: bool) -> None:
    """Send this ISO week's digest to everyone who opted in; safe to run daily from cron."""
    report = send_digests((today or utcnow()).date(), dry_run=dry_run)
    for outcome in report.outcomes:
        if outcome.state in ("sent", "would send", "failed"):
            click.echo(str(outcome), err=outcome.state == "failed")
    click.echo(report.summary)
    if report.failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    for command in (
        create_user_command,
        create_token_command,
        seed_demo_command,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
    app.cli.add_command(surveys_group)
    app.cli.add_command(digest_group)
