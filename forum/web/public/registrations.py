"""Registering from the event page, and the attendee's own page behind a secret link.

A secret link shows its page on GET and changes state only on POST: mail
scanners open links. Pages behind a link are private and send no Referer.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Response, flash, make_response, redirect, render_template, request, url_for

from forum import calendar, planning, timezones
from forum.services import agenda, events, invitations, registrations
from forum.services.errors import Conflict
from forum.services.registrations import RegistrationInput
from forum.web.forms import submit, to_input
from forum.web.limits import registration_limit
from forum.web.public import bp
from forum.web.public.routes import render_event_page
from forum.web.public.forms import CancelForm, DetailsForm, RegistrationForm


def _private(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.post("/events/<slug>/register")
@registration_limit
def register(slug: str):
    event = events.public_event(slug)
    form = RegistrationForm()
    try:
        outcome = submit(form, lambda: registrations.register_attendee(event, to_input(form, RegistrationInput)))
    except Conflict as error:
        return render_event_page(event, form, closed=error.message, status=409)
    if outcome is None:
        return render_event_page(event, form, status=422)
    if not outcome.created:
        flash(f"{outcome.registration.email} is already registered for this event; we have e-mailed its "
              "link again. Open it to see or change your registration.")
        return redirect(url_for("public.event_page", slug=slug))
    flash({
        "confirmed": "You have a seat. Your invitation is on its way by e-mail.",
        "waitlisted": "The event is full: you are on the waitlist. We have e-mailed you the details.",
        "pending": "Thank you. The organisers approve each registration; we will e-mail you their answer.",
    }[outcome.registration.status.value])
    return _private(redirect(url_for("public.registration_page", token=outcome.token)))


def _page(token: str, registration, details: DetailsForm | None = None, status: int = 200):
    event = registration.event
    zone = registration.timezone
    slots = agenda.agenda_view(event)
    days = planning.agenda_days(slots, zone, event.timezone, timezones.now_utc())
    page = invitations.page_url(token)
    entry = invitations.seat_entry(registration, page)
    context = {
        "token": token, "registration": registration, "event": event, "days": days, "zone": zone,
        "when": invitations.when(event, zone),
        "rank": registrations.waitlist_rank(registration) if registration.waitlist_position else None,
        "join_url": entry.join_url,
        "google": calendar.google_link(entry), "outlook": calendar.outlook_link(entry),
        "feed_url": page + "calendar.ics", "webcal": calendar.webcal(page + "calendar.ics"),
        "details": details or DetailsForm(data=asdict(registrations.as_input(registration))),
        "cancel_form": CancelForm(),
    }
    return _private(make_response(render_template("public/registration.html", **context), status))


@bp.get("/registrations/<token>/")
def registration_page(token: str):
    return _page(token, registrations.by_token(token))


@bp.post("/registrations/<token>/")
def update_registration(token: str):
    registration = registrations.by_token(token)
    form = DetailsForm()
    if submit(form, lambda: registrations.update_details(registration, to_input(form, RegistrationInput))):
        flash("Your details are saved.")
        return _private(redirect(url_for("public.registration_page", token=token)))
    return _page(token, registration, form, 422)


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str):
    """Only a POST cancels; a GET (a link scanner, a typed address) shows the page."""
    registration = registrations.by_token(token)
    if request.method == "GET":
        return _private(redirect(url_for("public.registration_page", token=token)))
    if not CancelForm().validate_on_submit():
        flash("The form expired; press the button again.", "error")
    else:
        try:
            registrations.cancel(registration)
            flash("Your registration is cancelled. We have e-mailed a confirmation that removes it from your calendar.")
        except Conflict as error:
            flash(error.message, "error")
    return _private(redirect(url_for("public.registration_page", token=token)))


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@bp.get("/registrations/<token>/event.ics")
def registration_ics(token: str):
    registration = registrations.by_token(token)
    entry = invitations.seat_entry(registration, invitations.page_url(token))
    return _ics(calendar.single(entry, registration.event.timezone), f"{registration.event.slug}.ics")


@bp.get("/registrations/<token>/calendar.ics")
def registration_feed(token: str):
    registration = registrations.by_token(token)
    return _ics(invitations.feed(registration, registration.event.slots), f"{registration.event.slug}-agenda.ics")
