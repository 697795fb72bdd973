"""The organiser's pages: events, the agenda builder, CSV import and export."""
from __future__ import annotations

from dataclasses import asdict

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forum import timezones
from forum.services import accounts, agenda, attendee_mail, entries, events, feeds, pages, releases
from forum.services.agenda import SlotInput
from forum.services.events import EventInput
from forum.web.forms import press, status_of, submit, to_input
from forum.web.organiser import bp
from forum.web.organiser.forms import (
    ActionForm,
    EventForm,
    ImportForm,
    OrganiserForm,
    ReleaseForm,
    ShiftForm,
    SlotEditForm,
    SlotForm,
    TokenForm,
)
from forum.web.secret_links import private
from forum.web.zone import page_zone


def _event(slug: str, with_agenda: bool = False):
    return events.organiser_event(current_user, slug, with_agenda)


def _builder(slug: str):
    return redirect(_builder_url(slug))


def _builder_url(slug: str) -> str:
    return url_for("organiser.builder", slug=slug)


@bp.get("/")
def dashboard():
    return render_template("organiser/dashboard.html", events=events.organiser_events(current_user))


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    form = EventForm()
    event = submit(form, lambda: events.create_event(current_user, to_input(form, EventInput)))
    if event:
        flash(f"“{event.title}” created as a draft. Add its agenda, then publish it.")
        return _builder(event.slug)
    return render_template("organiser/event_form.html", form=form, event=None), status_of(form)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def edit_event(slug: str):
    event = _event(slug)
    form = EventForm(data=None if request.method == "POST" else asdict(events.as_input(event)))
    if submit(form, lambda: events.update_event(event, to_input(form, EventInput))):
        flash("Event saved.")
        return _builder(event.slug)
    return render_template("organiser/event_form.html", form=form, event=event), status_of(form)


@bp.post("/events/<slug>/status")
def change_status(slug: str):
    event = _event(slug)
    return press(lambda: events.change_status(event, request.form.get("action", "")), _builder_url(event.slug),
                 lambda _: f"The event is now {event.status.value}.")


@bp.get("/events/<slug>/")
def builder(slug: str):
    event = _event(slug, with_agenda=True)
    return _render_builder(event)


def _shift_form(event) -> ShiftForm:
    form = ShiftForm()
    form.after.choices = [SelectChoice("", "The whole agenda")] + [
        SelectChoice(str(s.id), f"From “{s.title}” ({timezones.format_time(s.start_utc, event.timezone)}) on")
        for s in event.slots
    ]
    return form


def _render_builder(event, slot_form=None, shift_form=None, status=200, organiser_form=None, release_form=None):
    slot_form = slot_form or SlotForm(data=asdict(agenda.next_slot_input(event)))
    shift_form = shift_form or _shift_form(event)
    return render_template(
        "organiser/builder.html", event=event, **pages.context(pages.builder_page(event)),
        describe=attendee_mail.describe_change,
        slot_form=slot_form, shift_form=shift_form, action_form=ActionForm(),
        organiser_form=organiser_form or OrganiserForm(), release_form=release_form or ReleaseForm(formdata=None),
    ), status


@bp.post("/events/<slug>/slots")
def add_slot(slug: str):
    event = _event(slug, with_agenda=True)
    form = SlotForm()
    slot = submit(form, lambda: agenda.add_slot(event, to_input(form, SlotInput)))
    if slot:
        flash(f"Added “{slot.title}”.")
        return _builder(event.slug)
    return _render_builder(event, form, status=status_of(form))


@bp.route("/events/<slug>/slots/<int:slot_id>/edit", methods=["GET", "POST"])
def edit_slot(slug: str, slot_id: int):
    event = _event(slug)
    slot = agenda.slot_of(event, slot_id)
    form = SlotEditForm(data=None if request.method == "POST" else asdict(agenda.as_input(slot)))
    if form.preview.data:
        return _preview_slot(form, event, slot)
    if submit(form, lambda: agenda.update_slot(slot, to_input(form, SlotInput))):
        flash(f"Saved “{slot.title}”.")
        return _builder(event.slug)
    return render_template("organiser/slot_form.html", form=form, event=event, slot=slot), status_of(form)


def _preview_slot(form, event, slot):
    """The form as typed with everyone's local times for it, saving nothing;
    only the preview itself when local-times.js asks (X-Fragment), to refresh it in place."""
    zone, zone_error = page_zone(event.timezone)
    preview = submit(form, lambda: pages.time_preview(slot, to_input(form, SlotInput), zone.name))
    fragment = bool(request.headers.get("X-Fragment"))
    template = "organiser/_local_times.html" if fragment else "organiser/slot_form.html"
    return render_template(template, form=form, event=event, slot=slot, preview=preview, zone=zone,
                           zone_error=zone_error, fragment=fragment), status_of(form)


@bp.post("/events/<slug>/slots/<int:slot_id>/<any(delete, duplicate, up, down):action>")
def slot_action(slug: str, slot_id: int, action: str):
    event = _event(slug, with_agenda=True)
    slot = agenda.slot_of(event, slot_id)
    use_case, done = {
        "delete": (agenda.delete_slot, f"Deleted “{slot.title}”."),
        "duplicate": (agenda.duplicate_slot, f"Duplicated “{slot.title}”; the copy follows it."),
        "up": (lambda s: agenda.reorder_slot(s, -1), None),
        "down": (lambda s: agenda.reorder_slot(s, 1), None),
    }[action]
    return press(lambda: use_case(slot), _builder_url(event.slug), done)


@bp.post("/events/<slug>/releases")
def publish_changes(slug: str):
    """A refused release shows the builder again, with the comment as typed and why."""
    event = _event(slug, with_agenda=True)
    form = ReleaseForm()
    release = submit(form, lambda: releases.publish_changes(event, current_user, form.comment.data))
    if release is None:
        return _render_builder(event, status=status_of(form), release_form=form)
    flash(f"Update {release.number} is public; {release.notified} message(s) queued for the people it affects.")
    return _builder(slug)


@bp.post("/events/<slug>/shift")
def shift(slug: str):
    event = _event(slug, with_agenda=True)
    form = _shift_form(event)

    def move():
        first = agenda.slot_of(event, int(form.after.data)) if form.after.data else None
        return agenda.shift_agenda(event, form.minutes.data, first)

    moved = submit(form, move)
    if moved:
        flash(f"Moved {moved} slot(s) by {form.minutes.data} minutes.")
        return _builder(event.slug)
    return _render_builder(event, shift_form=form, status=status_of(form))


@bp.post("/events/<slug>/organisers")
def add_organiser(slug: str):
    event = _event(slug, with_agenda=True)
    form = OrganiserForm()
    other = submit(form, lambda: events.add_organiser(event, form.email.data))
    if other:
        flash(f"{other.email} now organises this event too.")
        return _builder(event.slug)
    return _render_builder(event, status=status_of(form), organiser_form=form)


@bp.route("/events/<slug>/import", methods=["GET", "POST"])
def import_agenda(slug: str):
    """Upload shows a preview; only a clean preview, confirmed, is saved."""
    event = _event(slug, with_agenda=True)
    form = ImportForm(data=None if request.method == "POST" else {"timezone": event.timezone})
    raw = form.file.data.read() if form.file.data else (form.csv_text.data or "").encode()
    preview = submit(form, lambda: agenda.preview_import(event, raw, form.timezone.data))
    if preview and preview.clean and form.confirm.data:
        flash(f"Imported {agenda.import_agenda(event, preview)} slot(s).")
        return _builder(event.slug)
    form.csv_text.data = raw.decode("utf-8-sig", errors="replace")
    status = 422 if form.errors or (preview and not preview.clean) else 200
    return render_template("organiser/import.html", form=form, event=event, preview=preview), status


@bp.get("/events/<slug>/agenda.<any(csv, xlsx):kind>")
def export_agenda(slug: str, kind: str):
    event = _event(slug, with_agenda=True)
    return Response(
        agenda.export_agenda(event, kind),
        mimetype="text/csv" if kind == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-agenda.{kind}"'},
    )


def _account_page(token_form, token: str | None = None, feed_link: str | None = None):
    """Never stored by a browser or proxy: it may show a new token or feed link."""
    page = render_template("organiser/account.html", token_form=token_form, action_form=ActionForm(),
                           token=token, tokens=current_user.api_tokens, feed_link=feed_link, now=timezones.now_utc())
    return private(make_response(page, status_of(token_form)))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Create an API token; it is shown once, on this response only."""
    form = TokenForm()
    token = submit(form, lambda: accounts.issue_api_token(current_user, form.label.data, form.days.data))
    return _account_page(form, token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    return press(lambda: accounts.revoke_api_token(current_user, token_id), url_for("organiser.account"),
                 lambda label: f"Token “{label or 'token'}” revoked: it no longer works.")


@bp.post("/account/feed")
def new_feed_link():
    """A calendar link for all the organiser's events; shown once, the old one stops working."""
    form = ActionForm()
    link = None
    if form.validate_on_submit():
        link = entries.feed_links("public.organiser_feed", feeds.new_organiser_feed_link(current_user)).webcal
    return _account_page(TokenForm(formdata=None), feed_link=link)
