"""Registering from the event page, and the attendee's own page behind a secret link.

A secret link shows its page on GET and changes state only on POST: mail
scanners open links. Pages behind a link are private and send no Referer.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, make_response, redirect, render_template, request, url_for

from forum.services import events, feeds, pages, privacy, registrations
from forum.services.registrations import RegistrationInput
from forum.web.calendar_responses import calendar_response
from forum.web.forms import press, status_of, submit, to_input
from forum.web.limits import registration_limit
from forum.web.public import bp
from forum.web.public.forms import ButtonForm, DetailsForm, RegistrationForm
from forum.web.public.routes import render_event_page
from forum.web.secret_links import private


@bp.post("/events/<slug>/register")
@registration_limit
def register(slug: str):
    event = events.public_event(slug)
    form = RegistrationForm()
    received = submit(form, lambda: registrations.register_attendee(event, to_input(form, RegistrationInput)))
    if received is None:
        return render_event_page(event, form, status=status_of(form))
    flash(registrations.RECEIVED)  # the same for a new and a known address; the page link goes by e-mail
    return redirect(url_for("public.event_page", slug=slug))


def _render_registration_page(token: str, registration, details: DetailsForm | None = None, status: int = 200):
    html = render_template(
        "public/registration.html", token=token, registration=registration, event=registration.event,
        **pages.context(pages.attendee_page(registration, token)), button_form=ButtonForm(),
        details=details or DetailsForm(data=asdict(registrations.as_input(registration))),
    )
    return private(make_response(html, status))


@bp.get("/registrations/<token>/")
def registration_page(token: str):
    return _render_registration_page(token, registrations.by_token(token))


@bp.post("/registrations/<token>/")
def update_registration(token: str):
    registration = registrations.by_token(token)
    form = DetailsForm()
    stored = registrations.as_input(registration)  # what the form has no box for stays as it is
    if submit(form, lambda: registrations.update_details(registration, to_input(form, RegistrationInput, stored))):
        flash("Your details are saved.")
        return private(redirect(url_for("public.registration_page", token=token)))
    return _render_registration_page(token, registration, form, status_of(form))


def _button(token: str, use_case, done: str):
    """A POST button on the registration's page: only a POST changes anything;
    a GET (a link scanner, a typed address) shows the page."""
    registration = registrations.by_token(token)
    back = url_for("public.registration_page", token=token)
    return private(press(lambda: use_case(registration), back, done) if request.method == "POST" else redirect(back))


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str):
    return _button(token, registrations.cancel,
                   "Your registration is cancelled. We have e-mailed a confirmation that removes it from your calendar.")


@bp.route("/registrations/<token>/confirm", methods=["GET", "POST"])
def confirm_address(token: str):
    return _button(token, registrations.confirm_address,
                   "Thank you: your address is confirmed. Where your registration stands is below.")


@bp.route("/registrations/<token>/delete", methods=["GET", "POST"])
def delete_registration(token: str):
    """The GET asks to confirm (a link scanner deletes nothing); only the POST deletes."""
    registration = registrations.by_token(token)
    event = registration.event
    if request.method == "GET":
        page = render_template("public/delete_registration.html", registration=registration, event=event,
                               token=token, form=ButtonForm())
        return private(make_response(page))
    back = url_for("public.event_page", slug=event.slug) if event.is_public else url_for("public.index")
    return private(press(lambda: privacy.erase_registration(registration, by_organiser=False), back,
                         "Your registration and your personal data are deleted, and the links we sent you no longer "
                         "work. A last e-mail confirms the cancellation and takes the event out of your calendar; "
                         "once it is sent, we keep nothing about you."))


@bp.get("/registrations/<token>/event.ics")
def registration_ics(token: str):
    registration = registrations.by_token(token)
    download = feeds.registration_download(registration)
    return calendar_response(download.body, download.changed_at, f"{registration.event.slug}.ics", private=True)


@bp.get("/registrations/<token>/calendar.ics")
def registration_feed(token: str):
    feed = feeds.registration_feed(registrations.by_token(token))
    return calendar_response(feed.body, feed.changed_at, private=True)
