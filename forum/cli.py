"""flask commands: organisers, tokens, the demo event, the outbox, speakers' reminders, backups and retention."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from forum import mail, timezones
from forum.services import accounts, backups, demo, outbox, privacy, registrations, speakers
from forum.services.errors import Invalid, ServiceError

organiser_cli = AppGroup("organiser", help="Manage organiser accounts.")
outbox_cli = AppGroup("outbox", help="Deliver queued e-mail.")
speakers_cli = AppGroup("speakers", help="Speakers' invitations.")
retention_cli = AppGroup("retention", help="Personal data of past events.")


def _fail(error: Invalid):
    raise click.ClickException(" ".join(f"{name}: {message}" for name, message in error.fields.items()))


@organiser_cli.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
def create_organiser(email: str, password: str, name: str):
    """Create an organiser who can log in with EMAIL."""
    try:
        organiser = accounts.create_organiser(email, password, name)
    except Invalid as error:
        _fail(error)
    click.echo(f"Organiser {organiser.email} created; log in at /login.")


def _organiser(email: str):
    organiser = accounts.find_organiser(email)
    if organiser is None:
        raise click.ClickException(f"No organiser {email}; create one with `flask organiser create {email}`.")
    return organiser


@organiser_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli")
@click.option("--days", metavar="N", help="Expire after N days (1-3650); without it, never.")
def token(email: str, label: str, days: str | None):
    """Print a new API bearer token for EMAIL (shown once, stored hashed)."""
    try:
        click.echo(accounts.issue_api_token(_organiser(email), label, days))
    except Invalid as error:
        _fail(error)


@organiser_cli.command("revoke-token")
@click.argument("email")
@click.argument("token")
def revoke_token(email: str, token: str):
    """Revoke EMAIL's API token TOKEN, given by its id or its label (the account page lists both)."""
    try:
        label = accounts.revoke_api_token(_organiser(email), token)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Token “{label}” of {email} revoked.")


@click.command("demo")
@click.option("--upcoming", is_flag=True, help="Also add a copy two weeks ahead.")
def demo_command(upcoming: bool):
    """Load the GO SMART workshop of 2020-04-29 (idempotent)."""
    for event in demo.load_demo(upcoming=upcoming):
        click.echo(f"Demo event: /events/{event.slug}/")
    click.echo(f"Demo organiser: {demo.DEMO_EMAIL} / password {demo.DEMO_PASSWORD}")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def outbox_work(once: bool, interval: float):
    """Deliver queued e-mail (over SMTP, or as .eml files without MAIL_SERVER).

    Also sends speakers' reminders once a day, and attendees' reminders (a
    day and an hour before each event) as they fall due."""
    mail.work(interval, once, click.echo, daily=[speakers.send_reminders], every_pass=[registrations.release_lapsed, registrations.send_reminders])


@outbox_cli.command("status")
def outbox_status():
    """Count messages by state."""
    click.echo(", ".join(f"{count} {state}" for state, count in outbox.counts().items()))


@outbox_cli.command("retry")
def outbox_retry():
    """Give every failed message a fresh series of attempts."""
    click.echo(f"{outbox.retry_failed()} message(s) will be retried.")


@speakers_cli.command("remind")
def speakers_remind():
    """E-mail speakers who have not answered their invitation (the worker does it daily)."""
    click.echo(f"{speakers.send_reminders()} speaker(s) reminded.")


@click.command("export")
@click.argument("event")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not to stdout.")
def export_command(event: str, output: Path | None):
    """Write EVENT (its slug) with all that belongs to it as JSON: a backup for `flask import`."""
    try:
        text = json.dumps(backups.export_event(backups.event_for_export(event)), ensure_ascii=False, indent=1)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Restore an event from FILE, written by `flask export`: all of it, or nothing with a message."""
    try:
        data = json.loads(file.read_bytes())
    except (ValueError, RecursionError) as error:
        raise click.ClickException(f"{file} is not JSON ({error}); nothing was imported.") from None
    try:
        event = backups.import_event(data)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Event “{event.slug}” imported: /events/{event.slug}/")


@retention_cli.command("purge")
@click.option("--older-than", "older_than", required=True, metavar="DAYS",
              help="Events that ended more than DAYS days ago (0: every event that has ended).")
@click.option("--dry-run", is_flag=True, help="Show what would be erased; change nothing.")
def retention_purge(older_than: str, dry_run: bool):
    """Erase the personal data of past events, keeping anonymous counts.

    Registrations (with their links and calendar entries) go, counted per
    status, country and zone; speakers keep name and title on the agenda but
    lose address and links; the events' e-mail keeps only kind and subject."""
    try:
        found = privacy.purge_ended(older_than, dry_run)
    except Invalid as error:
        raise click.BadParameter(error.fields["older_than"], param_hint="--older-than") from None
    verb = "Would erase" if dry_run else "Erased"
    for held in found:
        event = held.event
        click.echo(f"{verb} {event.slug} (ended {timezones.utc_isoformat(event.end_utc)}): "
                   f"{held.registrations} registration(s), {held.speakers} speaker(s)' contact data, "
                   f"{held.messages} message(s), {held.entries} calendar entry record(s)")
    people = sum(held.people for held in found)
    if dry_run:
        click.echo(f"Dry run: {len(found)} event(s), {people} person(s) would be erased; nothing was changed.")
    else:
        click.echo(f"{len(found)} event(s) purged, {people} person(s) erased.")


def init_app(app: Flask) -> None:
    app.cli.add_command(retention_cli)
    app.cli.add_command(speakers_cli)
    app.cli.add_command(organiser_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
