"""Pages anyone can read: the event list and an event's agenda in the viewer's zone."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user

from forum import timezones
from forum.services import attendee_mail, entries, events, pages, releases, speakers
from forum.services.errors import NotFound
from forum.web.errors import answer_of
from forum.web.photo_responses import photo_response
from forum.web.public import bp
from forum.web.public.forms import RegistrationForm
from forum.web.zone import page_zone, remember


def _render_in_zone(template: str, zone, zone_error: timezones.UnknownTimezone | None, **context):
    """Render with the zone picker's state; a bad ?tz= gives the page that error's status."""
    html = render_template(
        template, zone=zone, zone_error=zone_error, asked_zone=request.args.get("tz", ""), **context
    )
    return remember(make_response(html, answer_of(zone_error)[0] if zone_error else 200), zone)


@bp.get("/")
def index():
    upcoming, past = events.public_events()
    zone, zone_error = page_zone("UTC")
    return _render_in_zone("public/index.html", zone, zone_error, upcoming=upcoming, past=past)


@bp.get("/events/<slug>/")
def event_page(slug: str):
    event = events.public_event(slug, current_user if current_user.is_authenticated else None)
    return render_event_page(event)


def render_event_page(event, form: RegistrationForm | None = None, closed: str | None = None, status: int = 200):
    """The agenda in the viewer's zone, with the registration form (or why it is closed)."""
    zone, zone_error = page_zone(event.timezone)
    if form is None:
        form = RegistrationForm(data={"timezone": zone.name})
    response = _render_in_zone(
        "public/event.html", zone, zone_error, event=event, form=form,
        **pages.context(pages.event_page(event, zone.name, closed)),
        sessions=url_for("public.event_page", slug=event.slug) + "sessions/",
    )
    if status != 200:
        response.status_code = status
    return response


@bp.get("/events/<slug>/sessions/<uid>/<any(google, outlook):service>")
def add_session(slug: str, uid: str, service: str):
    """A session's "add to calendar" link, built when followed: an agenda page
    with a thousand sessions need not carry two thousand long links."""
    event = events.public_event(slug)
    links = entries.slot_links(event, releases.released_slot(event, uid))
    return redirect(getattr(links, service))


@bp.get("/events/<slug>/changes")
def changelog(slug: str):
    """Each release's changes, newest first, in the reader's zone."""
    event = events.public_event(slug, current_user if current_user.is_authenticated else None)
    zone, zone_error = page_zone(event.timezone)
    return _render_in_zone("public/changes.html", zone, zone_error, event=event, releases=releases.history(event),
                           describe=attendee_mail.describe_change)


@bp.get("/events/<slug>/speakers")
def speakers_page(slug: str):
    event = events.public_event(slug, current_user if current_user.is_authenticated else None)
    zone, zone_error = page_zone(event.timezone)
    return _render_in_zone("public/speakers.html", zone, zone_error, event=event,
                           people=speakers.public_speakers(event))


@bp.get("/events/<slug>/speakers/<int:speaker_id>/photo.jpg")
def speaker_photo(slug: str, speaker_id: int):
    """Only the photo of a speaker the public may see on this event's pages."""
    event = events.public_event(slug)
    shown = {person.speaker.id: person.speaker for person in speakers.public_speakers(event)}
    if speaker_id not in shown:
        raise NotFound("No such speaker on this event's pages.")
    return photo_response(shown[speaker_id])


@bp.get("/zones/cities")
def city_zones():
    """Suggestions for zone fields: which zone a typed city is in (offline GeoNames list)."""
    found = timezones.zones_for_city(request.args.get("q", ""))
    return {"cities": [{"city": c.city, "country": c.country, "timezone": c.zone} for c in found]}


@bp.get("/healthz")
def healthz():
    """Liveness: this process answers. It does not ask the database, and says
    nothing about it: a database restart must not get healthy workers replaced.
    Meanwhile the requests that need the database answer 503 themselves."""
    return {"status": "ok"}
