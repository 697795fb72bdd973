"""The planner of one event: who is in the plan, everyone's day, the best starts, and "use this time".

The plan's question (day, duration, step, range) travels in the query
string, through every form on the page and back, so nothing typed is lost.
"""
from __future__ import annotations

from dataclasses import asdict, replace

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forum import timezones
from forum.services import events, pages, plans, speakers
from forum.services.plans import ParticipantFields, PlanQuery, SessionFields, UseFields
from forum.web.forms import ask, press, status_of, submit, to_input
from forum.web.organiser import bp
from forum.web.organiser.forms import (
    ActionForm,
    ParticipantForm,
    PlannerForm,
    SessionsForm,
    SpeakerWindowForm,
    UseTimeForm,
)


def _planner_url(slug: str) -> str:
    """The planner, asking what the page asked (its query string kept)."""
    asked = request.query_string.decode()
    return url_for("organiser.planner", slug=slug) + (f"?{asked}" if asked else "")


def _use_form(event, form: UseTimeForm | None = None) -> UseTimeForm:
    form = form or UseTimeForm()
    form.slot_id.choices = [SelectChoice("", "A new slot, as long as the plan")] + [
        SelectChoice(str(s.id), f"Move “{s.title}” ({timezones.format_datetime(s.start_utc, event.timezone)}), "
                                "keeping its length")
        for s in event.slots
    ]
    return form


def _query(form: PlannerForm) -> PlanQuery:
    """The page's question; `g` repeats, one per member, when the organiser moved people between sessions."""
    return replace(to_input(form, PlanQuery), groups=tuple(request.args.getlist("g")))


def _window_form(speaker_id: int, **kwargs) -> SpeakerWindowForm:
    return SpeakerWindowForm(prefix=f"speaker-{speaker_id}", **kwargs)


def _render(event, participant_form=None, use_form=None, sessions_form=None,
            window_form: tuple[int, SpeakerWindowForm] | None = None, status: int = 200):
    """The page for the question in the query string; a refused question shows beside its fields (422)."""
    form = PlannerForm(request.args, data=asdict(plans.default_query(event)))
    page = ask(form, lambda: pages.planner_page(event, _query(form)))
    if page is None:
        page = pages.planner_page(event, None)
    window_forms = {m.speaker_id: _window_form(m.speaker_id, formdata=None, data={"window": str(m.window)})
                    for m in page.members if m.speaker_id is not None}
    if window_form is not None:
        window_forms[window_form[0]] = window_form[1]
    return render_template(
        "organiser/planner.html", event=event, **pages.context(page), query_form=form, window_forms=window_forms,
        query={name: request.args[name] for name in PlanQuery.__dataclass_fields__ if request.args.get(name)},
        participant_form=participant_form or ParticipantForm(),
        use_form=_use_form(event, use_form), sessions_form=sessions_form or SessionsForm(), action_form=ActionForm(),
    ), max(status, status_of(form))


@bp.get("/events/<slug>/planner")
def planner(slug: str):
    return _render(events.organiser_event(current_user, slug, with_agenda=True))


@bp.post("/events/<slug>/planner/participants")
def add_plan_participant(slug: str):
    event = events.organiser_event(current_user, slug, with_agenda=True)
    form = ParticipantForm()
    added = submit(form, lambda: plans.add_participant(event, to_input(form, ParticipantFields)))
    if added is None:
        return _render(event, participant_form=form, status=status_of(form))
    flash(f"{added.label} ({added.timezone}) is in the plan.")
    return redirect(_planner_url(slug))


@bp.post("/events/<slug>/planner/participants/<int:participant_id>/delete")
def remove_plan_participant(slug: str, participant_id: int):
    event = events.organiser_event(current_user, slug)
    row = plans.participant_of(event, participant_id)
    return press(lambda: plans.remove_participant(row), _planner_url(slug),
                 lambda label: f"{label} is out of the plan.")


@bp.post("/events/<slug>/planner/speakers/<int:speaker_id>/window")
def set_speaker_window(slug: str, speaker_id: int):
    """A speaker's hours for the planner; a refusal shows the page with the message beside that speaker's field."""
    event = events.organiser_event(current_user, slug, with_agenda=True)
    speaker = speakers.speaker_of(event, speaker_id)
    form = _window_form(speaker_id)
    window = submit(form, lambda: plans.set_speaker_window(speaker, form.window.data or ""))
    if window is None:
        return _render(event, window_form=(speaker_id, form), status=status_of(form))
    flash(f"The planner now counts {window} local time as the hours of {speaker.name}.")
    return redirect(_planner_url(slug))


@bp.post("/events/<slug>/planner/audience")
def audience_from_registrations(slug: str):
    event = events.organiser_event(current_user, slug)
    return press(lambda: plans.audience_from_registrations(event), _planner_url(slug),
                 lambda zones: f"The audience now follows the registrations: {zones} zone(s), weighted by people.")


@bp.post("/events/<slug>/planner/use")
def use_time(slug: str):
    """Move a slot to a suggested start, or add one there; a refusal shows the page as it was asked."""
    event = events.organiser_event(current_user, slug, with_agenda=True)
    form = _use_form(event)
    slot = submit(form, lambda: plans.use_time(event, to_input(form, UseFields), to_input(
        PlannerForm(request.args), PlanQuery)))
    if slot is None:
        return _render(event, use_form=form, status=status_of(form))
    flash(f"“{slot.title}” is now at {timezones.format_span(slot.start_utc, slot.end_utc, event.timezone)}.")
    return redirect(_planner_url(slug))


@bp.post("/events/<slug>/planner/sessions")
def create_sessions(slug: str):
    """The regional sessions as slots of this event, in one change; a refusal shows the page as it was asked."""
    event = events.organiser_event(current_user, slug, with_agenda=True)
    form = SessionsForm()
    typed = SessionFields(tuple(request.form.getlist("start")), tuple(request.form.getlist("members")),
                          form.title.data or "")
    slots = submit(form, lambda: plans.create_sessions(event, typed, _query(PlannerForm(request.args))))
    if slots is None:
        return _render(event, sessions_form=form, status=status_of(form))
    flash(f"{len(slots)} sessions are in the agenda: " + "; ".join(
        f"{s.title}, {timezones.format_span(s.start_utc, s.end_utc, event.timezone)}" for s in slots) + ".")
    return redirect(url_for("organiser.builder", slug=slug))
