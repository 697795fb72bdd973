"""Calendar parts of e-mails, read with icalendar as a calendar client reads them."""
from __future__ import annotations

import icalendar


def calendar_part(message):
    """(METHOD, the one VEVENT) of a message's text/calendar part, or (None, None)."""
    part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
    if part is None:
        return None, None
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return part.get_param("method"), vevent
