"""The calendar rule, checked from the outside: what a real SMTP server
received and what each person's feeds answer, read with icalendar.

For every person and every UID they were ever mailed:
- their feed and the last calendar e-mail for that UID agree: after a
  REQUEST the feed shows the same SEQUENCE, STATUS, times, title and place;
  after a CANCEL it shows the UID CANCELLED at that SEQUENCE or not at all;
- their calendar e-mails for one UID arrive with strictly rising SEQUENCE
  (each change once, in order);
- the join link reaches nobody who holds no confirmed entry: no CANCEL
  carries it, no feed entry that is not CONFIRMED carries it, and no
  message brings it to a person before their first REQUEST.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy

import icalendar

from forum import mail, timezones

REGISTRATION_LINK = re.compile(r"/registrations/([A-Za-z0-9_-]{30,})/")
SPEAKER_LINK = re.compile(r"/speakers/([A-Za-z0-9_-]{30,})/")


@dataclass(frozen=True)
class Seen:
    """One VEVENT as a calendar reads it."""

    uid: str
    sequence: int
    status: str
    start: object
    end: object
    summary: str
    location: str
    text: str  # the whole component, to look for the join link

    @classmethod
    def of(cls, vevent) -> Seen:
        return cls(str(vevent["UID"]), int(vevent.get("SEQUENCE", 0)), str(vevent.get("STATUS", "")),
                   vevent.decoded("DTSTART"), vevent.decoded("DTEND"), str(vevent.get("SUMMARY", "")),
                   str(vevent.get("LOCATION", "")), vevent.to_ical().decode())

    def agrees_with(self, other: Seen) -> bool:
        return (self.sequence, self.status, self.start, self.end, self.summary, self.location) == (
            other.sequence, other.status, other.start, other.end, other.summary, other.location)


@dataclass
class Received:
    recipient: str
    subject: str
    text: str  # every text part, decoded
    method: str | None = None
    entry: Seen | None = None


@dataclass
class Person:
    email: str
    messages: list[Received] = field(default_factory=list)
    registration_tokens: list[str] = field(default_factory=list)  # in the order they arrived
    speaker_tokens: list[str] = field(default_factory=list)


def received(smtp_server) -> dict[str, Person]:
    """Every message the server got, per recipient, in the order it arrived."""
    people: dict[str, Person] = {}
    for envelope in smtp_server.received:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        (recipient,) = envelope.rcpt_tos
        person = people.setdefault(recipient, Person(recipient))
        texts, item = [], Received(recipient, str(message["Subject"]), "")
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                body = part.get_payload(decode=True)
                calendar = icalendar.Calendar.from_ical(body)
                (vevent,) = calendar.walk("VEVENT")
                assert str(calendar["METHOD"]) == part.get_param("method"), "METHOD differs from the MIME part"
                item.method, item.entry = str(calendar["METHOD"]), Seen.of(vevent)
                texts.append(body.decode())
            elif part.get_content_maintype() == "text":
                texts.append(part.get_content())
        item.text = "\n".join(texts)
        person.registration_tokens += REGISTRATION_LINK.findall(item.text)
        person.speaker_tokens += SPEAKER_LINK.findall(item.text)
        person.messages.append(item)
    return people


def _feed(client, url: str) -> dict[str, Seen] | None:
    response = client.get(url)
    if response.status_code == 404:  # a link the organisers withdrew: nothing more to read
        assert "Traceback" not in response.get_data(as_text=True)
        return None
    assert response.status_code == 200, (url, response.status_code)
    return {str(e["UID"]): Seen.of(e) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def feeds_of(client, person: Person) -> dict[str, Seen]:
    """What the person's feeds show, from the latest registration link and the
    latest speaker link they got (every link of one registration, or of one
    speaker, reads the same feed; the tests give each person one event)."""
    union: dict[str, Seen] = {}
    urls = [f"/registrations/{t}/calendar.ics" for t in person.registration_tokens[-1:]]
    urls += [f"/speakers/{t}/calendar.ics" for t in person.speaker_tokens[-1:]]
    for url in urls:
        for uid, seen in (_feed(client, url) or {}).items():
            assert union.setdefault(uid, seen) == seen, f"{person.email}: two feeds disagree on {uid}"
    return union


def check(client, smtp_server, join_url: str) -> int:
    """Deliver everything due, then hold the rule for every person; returns
    how many (person, UID) pairs were checked, so a test can tell it did
    something. `join_url` may be the common start of every join link used."""
    mail.deliver_due(timezones.now_utc() + timedelta(days=1))
    checked = 0
    for person in received(smtp_server).values():
        feed = feeds_of(client, person)
        last: dict[str, Received] = {}
        holds: set[str] = set()
        for item in person.messages:
            if item.method is not None:
                uid = item.entry.uid
                if uid in last:
                    assert item.entry.sequence > last[uid].entry.sequence, (
                        f"{person.email}: {uid} went from SEQUENCE {last[uid].entry.sequence} "
                        f"({last[uid].subject}) to {item.entry.sequence} ({item.subject})")
                last[uid] = item
                if item.method == "REQUEST":
                    assert item.entry.status == "CONFIRMED", (person.email, item.subject)
                    holds.add(uid)
                else:
                    assert item.method == "CANCEL" and item.entry.status == "CANCELLED", (person.email, item.subject)
                    assert join_url not in item.text, f"{person.email}: a CANCEL carries the join link"
                    holds.discard(uid)
            assert join_url not in item.text or holds, (
                f"{person.email} got the join link without holding a confirmed entry: {item.subject}")
        for uid, item in last.items():
            seen = feed.get(uid)
            if item.method == "CANCEL":
                assert seen is None or (seen.status == "CANCELLED" and seen.sequence >= item.entry.sequence), (
                    f"{person.email}: {uid} was cancelled by e-mail but the feed shows {seen}")
            else:
                assert seen is not None, f"{person.email}: {uid} ({item.subject}) is missing from the feed"
                assert seen.agrees_with(item.entry), (
                    f"{person.email}: feed {seen} and last e-mail {item.entry} ({item.subject}) disagree")
            checked += 1
        for seen in feed.values():
            assert seen.status == "CONFIRMED" or join_url not in seen.text, (
                f"{person.email}: a {seen.status} feed entry carries the join link")
    return checked
