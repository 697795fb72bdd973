"""The speakers' board: who speaks when, in their own time, and who has answered."""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forum import timezones
from forum.services import agenda, events, speakers
from forum.services.speakers import SpeakerInput
from forum.web.forms import press, status_of, submit, to_input, uploaded
from forum.web.organiser import bp
from forum.web.organiser.forms import ActionForm, AssignForm, SpeakerForm


def _board(slug: str):
    return redirect(_board_url(slug))


def _board_url(slug: str) -> str:
    return url_for("organiser.speakers_board", slug=slug)


def _assign_form(event, form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm()
    form.speaker_id.choices = [SelectChoice(s.id, f"{s.name} ({s.timezone})") for s in
                               sorted(event.speakers, key=lambda s: s.name.lower())]
    form.slot_id.choices = [
        SelectChoice(s.id, f"{timezones.format_datetime(s.start_utc, event.timezone)} · {s.title}")
        for s in event.slots
    ]
    return form


def _render_board(event, speaker_form=None, assign_form=None, status: int = 200):
    board = speakers.board_page(event)
    return render_template(
        "organiser/speakers.html", event=event, rows=board.rows, answered=board.answered,
        speaker_form=speaker_form or SpeakerForm(),
        assign_form=_assign_form(event, assign_form), action_form=ActionForm(),
    ), status


@bp.get("/events/<slug>/speakers")
def speakers_board(slug: str):
    return _render_board(events.organiser_event(current_user, slug))


@bp.post("/events/<slug>/speakers")
def add_speaker(slug: str):
    event = events.organiser_event(current_user, slug)
    form = SpeakerForm()
    speaker = submit(form, lambda: speakers.add_speaker(event, to_input(form, SpeakerInput), uploaded(form.photo)))
    if speaker is None:
        return _render_board(event, speaker_form=form, status=status_of(form))
    flash(f"{speaker.name} added. Assign them to a slot to invite them.")
    return _board(slug)


@bp.route("/events/<slug>/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
def edit_speaker(slug: str, speaker_id: int):
    event = events.organiser_event(current_user, slug)
    speaker = speakers.speaker_of(event, speaker_id)
    form = SpeakerForm(data=None if request.method == "POST" else asdict(speakers.as_input(speaker)))
    if submit(form, lambda: speakers.update_speaker(speaker, to_input(form, SpeakerInput), uploaded(form.photo))):
        flash(f"{speaker.name} saved.")
        return _board(slug)
    return render_template("organiser/speaker_form.html", event=event, speaker=speaker, form=form), status_of(form)


@bp.post("/events/<slug>/speakers/assign")
def assign_speaker(slug: str):
    event = events.organiser_event(current_user, slug)
    form = _assign_form(event)

    def assign():
        speaker = speakers.speaker_of(event, form.speaker_id.data or 0)
        slot = agenda.slot_of(event, form.slot_id.data or 0)
        speakers.assign(slot, speaker, form.role.data, form.send.data)
        return f"{speaker.name} is on “{slot.title}”" + (" and has been invited." if form.send.data else
                                                        "; send the invitation when you are ready.")

    done = submit(form, assign)
    if done is None:
        return _render_board(event, assign_form=form, status=status_of(form))
    flash(done)
    return _board(slug)


@bp.post("/events/<slug>/speakers/<int:speaker_id>/send")
def send_invitation(slug: str, speaker_id: int):
    event = events.organiser_event(current_user, slug)
    speaker = speakers.speaker_of(event, speaker_id)
    return press(lambda: speakers.send_invitation(speaker), _board_url(slug), lambda count: (
        f"Invitation sent to {speaker.name} for {count} slot(s)."))


@bp.post("/events/<slug>/invitations/<int:invitation_id>/<any(revoke, accept):action>")
def invitation_action(slug: str, invitation_id: int, action: str):
    event = events.organiser_event(current_user, slug)
    invitation = speakers.invitation_of(event, invitation_id)
    if action == "revoke":
        return press(lambda: speakers.revoke(invitation), _board_url(slug),
                     f"{invitation.speaker.name} is off “{invitation.slot.title}”.")
    return press(lambda: speakers.accept_proposal(invitation), _board_url(slug),
                 lambda slot: f"“{slot.title}” moved to {timezones.format_datetime(slot.start_utc, event.timezone)}; "
                              "its confirmed speakers have the new time.")
