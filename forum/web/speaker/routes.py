"""The speaker's page behind a secret link: no account, GET shows, POST answers."""
from __future__ import annotations

from dataclasses import asdict

from flask import flash, make_response, redirect, render_template, url_for

from forum.services import entries, feeds, speakers
from forum.services.speakers import SpeakerInput
from forum.web.calendar_responses import calendar_response
from forum.web.forms import press, status_of, submit, to_input, uploaded
from forum.web.photo_responses import photo_response
from forum.web.secret_links import private
from forum.web.speaker import bp
from forum.web.speaker.forms import AnswerForm, DeclineForm, ProfileForm, ProposeForm, TalkForm


def _render_speaker_page(token: str, speaker, failed: tuple[int | None, str, object] | None = None, status: int = 200):
    """The page; `failed` is (invitation id, form name, form) of a POST to show again with its messages."""
    items = speakers.speaker_page(speaker)
    slot_forms = {item.invitation.id: _forms(item) for item in items}
    if failed and failed[0] in slot_forms:
        slot_forms[failed[0]][failed[1]] = failed[2]
    profile = failed[2] if failed and failed[1] == "profile" else ProfileForm(data=asdict(speakers.as_input(speaker)))
    html = render_template(
        "speaker/page.html", token=token, speaker=speaker, event=speaker.event, items=items, slot_forms=slot_forms,
        profile=profile, answer_form=AnswerForm(), feed=entries.feed_links("speaker.feed", token),
    )
    return private(make_response(html, status))


def _forms(item: speakers.SpeakerSlot) -> dict:
    number, slot = item.invitation.id, item.slot
    return {"decline": DeclineForm(prefix=f"d{number}"),
            "propose": ProposeForm(prefix=f"p{number}", data={"start": item.local_wall}),
            "talk": TalkForm(prefix=f"t{number}", data={"title": slot.title, "abstract": slot.description})}


def _back(token: str):
    return private(redirect(url_for("speaker.page", token=token)))


@bp.get("/speakers/<token>/")
def page(token: str):
    return _render_speaker_page(token, speakers.by_token(token))


def _answer(token: str, invitation_id: int | None, name: str, form, action):
    """Act and come back to the page; `action` returns what to tell the speaker.
    A refused form is shown again, with what was typed, beside its slot."""
    speaker = speakers.by_token(token)
    message = submit(form, lambda: action(speaker))
    if message is None:
        return _render_speaker_page(token, speaker, (invitation_id, name, form), status_of(form))
    flash(message)
    return _back(token)


@bp.post("/speakers/<token>/slots/<int:invitation_id>/confirm")
def confirm(token: str, invitation_id: int):
    speaker = speakers.by_token(token)
    return private(press(lambda: speakers.confirm(speaker, invitation_id), url_for("speaker.page", token=token),
                         "Thank you: confirmed. The calendar entry, with the join link, is on its way by e-mail."))


@bp.post("/speakers/<token>/slots/<int:invitation_id>/decline")
def decline(token: str, invitation_id: int):
    form = DeclineForm(prefix=f"d{invitation_id}")
    return _answer(token, invitation_id, "decline", form, lambda s: (
        speakers.decline(s, invitation_id, form.reason.data) and
        "You have declined; the organisers are told. Thank you for letting us know."))


@bp.post("/speakers/<token>/slots/<int:invitation_id>/propose")
def propose(token: str, invitation_id: int):
    form = ProposeForm(prefix=f"p{invitation_id}")
    return _answer(token, invitation_id, "propose", form, lambda s: (
        speakers.propose(s, invitation_id, form.start.data, form.start_fold.data, form.note.data) and
        "Your proposal is with the organisers; you will hear from them."))


@bp.post("/speakers/<token>/slots/<int:invitation_id>/talk")
def talk(token: str, invitation_id: int):
    form = TalkForm(prefix=f"t{invitation_id}")
    return _answer(token, invitation_id, "talk", form, lambda s: (
        speakers.update_talk(s, invitation_id, form.title.data, form.abstract.data) and "Your talk is saved."))


@bp.post("/speakers/<token>/profile")
def profile(token: str):
    form = ProfileForm()
    return _answer(token, None, "profile", form, lambda s: (
        speakers.update_profile(s, to_input(form, SpeakerInput), uploaded(form.photo), form.remove_photo.data)
        and "Your details are saved."))


@bp.get("/speakers/<token>/photo.jpg")
def photo(token: str):
    return photo_response(speakers.by_token(token))


@bp.get("/speakers/<token>/calendar.ics")
def feed(token: str):
    result = feeds.speaker_feed(speakers.by_token(token))
    return calendar_response(result.body, result.changed_at, private=True)
