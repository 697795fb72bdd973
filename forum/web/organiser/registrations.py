"""Who is coming: the registrations of an event, their exports, a message to all
confirmed attendees, and the state of the event's e-mail."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum import spreadsheets
from forum.models import RegistrationStatus
from forum.services import events, outbox, pages, privacy, registrations
from forum.services.errors import Invalid
from forum.web.forms import press, status_of, submit
from forum.web.organiser import bp
from forum.web.organiser.forms import ActionForm, MessageForm

PER_PAGE = 100
DONE = {"approve": "approved", "promote": "given a seat", "remove": "removed"}  # the organiser's actions


def _filters() -> tuple[str, str]:
    return request.args.get("q", ""), request.args.get("status", "")


@bp.get("/events/<slug>/registrations")
def registrations_page(slug: str):
    event = events.organiser_event(current_user, slug)
    query, status = _filters()
    page = max(request.args.get("page", 1, type=int), 1)
    try:
        listed, error = pages.registration_list(event, query, status, page, PER_PAGE), None
    except Invalid as problem:  # a filter the list cannot apply: an empty list that says why
        listed = pages.RegistrationList(rows=[], total=0, page=page, per_page=PER_PAGE, ranks={},
                                        counts=privacy.counts(event))
        error = " ".join(problem.fields.values())
    return render_template(
        "organiser/registrations.html", event=event, **pages.context(listed), query=query, status=status,
        error=error, statuses=[s.value for s in RegistrationStatus], action_form=ActionForm(), organiser_actions=DONE,
    ), 422 if error else 200


@bp.post("/events/<slug>/registrations/<int:registration_id>/<any(approve, promote, remove):action>")
def registration_action(slug: str, registration_id: int, action: str):
    event = events.organiser_event(current_user, slug)
    registration = registrations.registration_of(event, registration_id)
    def said(outcome) -> str:
        note = f" The capacity rose to {event.capacity} to make room." if outcome is True else ""
        return f"{registration.name} {DONE[action]}; they have been e-mailed.{note}"

    return press(lambda: getattr(registrations, action)(registration), _back_to_list(slug), said)


@bp.route("/events/<slug>/registrations/<int:registration_id>/erase", methods=["GET", "POST"])
def erase_registration(slug: str, registration_id: int):
    """The GET asks to confirm; the POST cancels what the person holds, then erases them."""
    event = events.organiser_event(current_user, slug)
    registration = registrations.registration_of(event, registration_id)
    back = _back_to_list(slug)
    if request.method == "GET":
        return render_template("organiser/erase_registration.html", event=event, registration=registration,
                               back=back, action_form=ActionForm())
    return press(lambda: privacy.erase_registration(registration, by_organiser=True), back,
                 f"{registration.name}'s registration and personal data are erased; only the counts keep them.")


def _back_to_list(slug: str) -> str:
    """The list as it was filtered, worked out before the action runs: a
    request whose way back cannot be built must change nothing."""
    unexpected = sorted(set(request.args) - {"q", "status"})
    if unexpected:  # a bad parameter, as a bad ?tz= is
        abort(422, description=f"Unexpected parameter(s): {', '.join(unexpected)}. Nothing was changed.")
    query, status = _filters()
    return url_for("organiser.registrations_page", slug=slug, q=query or None, status=status or None)


@bp.get("/events/<slug>/registrations.<any(csv, xlsx):kind>")
def export_registrations(slug: str, kind: str):
    event = events.organiser_event(current_user, slug)
    rows = registrations.export_rows(event, *_filters())
    header = registrations.EXPORT_COLUMNS
    if kind == "csv":
        body, mimetype = spreadsheets.csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        body = spreadsheets.xlsx_bytes(header, rows, "Registrations")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.{kind}"'
    return response


@bp.route("/events/<slug>/message", methods=["GET", "POST"])
def message_attendees(slug: str):
    event = events.organiser_event(current_user, slug)
    form = MessageForm()
    sent = submit(form, lambda: registrations.message_confirmed(event, form.subject.data, form.body.data))
    if sent is not None:
        flash(f"Your message is queued for {sent} confirmed attendee(s).")
        return redirect(url_for("organiser.outbox_page", slug=slug))
    confirmed = registrations.counts(event).by_status[RegistrationStatus.CONFIRMED.value]
    return render_template("organiser/message.html", event=event, form=form, confirmed=confirmed), status_of(form)


@bp.get("/events/<slug>/outbox")
def outbox_page(slug: str):
    event = events.organiser_event(current_user, slug)
    status = request.args.get("status", "")
    return render_template(
        "organiser/outbox.html", event=event, rows=outbox.messages(event.id, status), counts=outbox.counts(event.id),
        status=status, action_form=ActionForm(),
    )


@bp.post("/events/<slug>/outbox/retry")
def retry_outbox(slug: str):
    event = events.organiser_event(current_user, slug)
    return press(lambda: outbox.retry_failed(event.id), url_for("organiser.outbox_page", slug=slug),
                 lambda count: f"{count} failed message(s) will be tried again.")
