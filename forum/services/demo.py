"""The demo: the GO SMART workshop of 2020-04-29, exactly as announced."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from importlib import resources

from sqlalchemy import select

from forum import timezones
from forum.extensions import db
from forum.models import Event, EventStatus, Invitation, InvitationStatus, Slot, SlotKind, Speaker, SpeakerRole
from forum.services import accounts, entries, releases

DEMO_EMAIL = "organiser@example.org"
DEMO_PASSWORD = "gosmart-demo"
UPCOMING_SUFFIX = "-upcoming"
# In the upcoming copy, so the speakers' board has something to show: one
# speaker has not answered for four days, one proposed another time.
STILL_INVITED = "Government of Canada (Quebec) in Seoul representative"
PROPOSED_LATER = "New Taipei City representative"


def fixture() -> dict:
    return json.loads(resources.files("forum.demo").joinpath("gosmart-2020-04-29.json").read_text("utf-8"))


def load_demo(upcoming: bool = False, today: date | None = None) -> list[Event]:
    """Create the demo organiser and event(s) unless they exist; idempotent."""
    data = fixture()
    organiser = accounts.find_organiser(DEMO_EMAIL) or accounts.create_organiser(
        DEMO_EMAIL, DEMO_PASSWORD, "GO SMART demo organiser"
    )
    day = datetime.fromisoformat(data["event"]["start"]).date()
    events = [_ensure_event(organiser, data, data["event"]["slug"], day)]
    if upcoming:
        ahead = (today or timezones.now_utc().date()) + timedelta(days=14)
        events.append(_ensure_event(organiser, data, data["event"]["slug"] + UPCOMING_SUFFIX, ahead,
                                    answers_pending=True))
    db.session.commit()
    return events


def _role(kind: SlotKind, name: str) -> SpeakerRole:
    if name == "Moderator":
        return SpeakerRole.MODERATOR
    return {SlotKind.PANEL: SpeakerRole.PANELIST, SlotKind.OPENING: SpeakerRole.HOST}.get(kind, SpeakerRole.SPEAKER)


def _answer(slot: Slot, name: str, answers_pending: bool) -> dict:
    """How a demo speaker stands: confirmed, except the two pending answers of the upcoming copy."""
    now = timezones.now_utc()
    confirmed = {"status": InvitationStatus.CONFIRMED, "invited_at": now - timedelta(days=10),
                 "answered_at": now - timedelta(days=8)}
    if not answers_pending or name not in (STILL_INVITED, PROPOSED_LATER):
        return confirmed
    if name == STILL_INVITED:
        return {"status": InvitationStatus.INVITED, "invited_at": now - timedelta(days=4)}
    return {"status": InvitationStatus.PROPOSED, "invited_at": now - timedelta(days=10),
            "answered_at": now - timedelta(days=2), "proposed_start_utc": slot.start_utc + timedelta(minutes=15),
            "proposal_note": "I chair a council meeting until 17:30 Taipei time; a quarter of an hour later works."}


def _ensure_event(organiser, data: dict, slug: str, day: date, answers_pending: bool = False) -> Event:
    existing = db.session.scalar(select(Event).where(Event.slug == slug))
    if existing is not None:
        return existing
    spec, zone = data["event"], data["event"]["timezone"]

    def at(clock: str) -> datetime:
        return timezones.localize(datetime.combine(day, time.fromisoformat(clock[-5:])), zone)

    event = Event(
        slug=slug, title=spec["title"], description=spec["description"], timezone=zone,
        start_utc=at(spec["start"]), end_utc=at(spec["end"]), join_url=spec["join_url"],
        capacity=spec["capacity"], venue="", status=EventStatus.PUBLISHED,
        published_at=timezones.now_utc(),
    )
    event.organisers.append(organiser)
    speakers: dict[str, Speaker] = {}
    for position, item in enumerate(data["slots"]):
        slot = Slot(
            title=item["title"], kind=SlotKind(item["kind"]), start_utc=at(item["start"]),
            end_utc=at(item["end"]), description=item.get("description", ""), position=position,
        )
        for order, person in enumerate(item["speakers"]):
            speaker = speakers.get(person["email"])
            if speaker is None:
                speaker = speakers[person["email"]] = Speaker(
                    name=person["name"], email=person["email"].lower(), organisation=person["organisation"],
                    city=person["city"], timezone=person["timezone"],
                )
                event.speakers.append(speaker)
            slot.invitations.append(
                Invitation(speaker=speaker, role=_role(slot.kind, person["name"]), position=order,
                           **_answer(slot, person["name"], answers_pending))
            )
        event.slots.append(slot)
    db.session.add(event)
    db.session.flush()
    releases.release_first(event, organiser, "Published")
    entries.assume_held(event)  # the demo's confirmed speakers got their calendar entries long ago
    return event
