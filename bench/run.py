"""Serve generated events from PostgreSQL with gunicorn and load them with wrk.

Prints a Markdown table (requests per second, p50/p99 latency, worker
memory) for the event page, the event API, registrations (POSTs with
distinct e-mails, each queuing an invitation under the event's lock), the
planner's API and the organiser's planner page (50 participants, logged
in) when the app has them, and /healthz, the ceiling of the stack
on this machine; then the planner's use case timed in-process
(bench/planner_figures.py). Everything runs on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import planner_figures  # noqa: E402
from forum import create_app, timezones  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import (  # noqa: E402
    Event, EventStatus, Invitation, InvitationStatus, Organiser, ParticipantKind, PlanParticipant, Slot, SlotKind,
    Speaker,
)
from forum.services import accounts  # noqa: E402
from tests.support.pg import Cluster, free_port  # noqa: E402

BIN = Path(sys.executable).parent
SPEAKERS = 100
SPEAKERS_PER_SLOT = 2
SLOT_MINUTES = 10
SPEAKER_ZONES = ["Asia/Taipei", "Europe/Amsterdam", "Australia/Darwin", "Asia/Seoul", "America/New_York"]
# 2026-05-05 00:00 in Asia/Taipei (UTC+8, no daylight saving): the event starts
# on a local midnight and lasts whole local days, so every slot is on its days.
EVENT_START = datetime(2026, 5, 4, 16, 0, tzinfo=timezone.utc)
# wrk's default 2 s timeout drops slow requests from the latency figures and
# makes it reconnect while the sync worker still serves the abandoned request.
WRK_TIMEOUT_S = 30
WARM_UP_S = 1
REGISTRATION_SLUG = "bench-registration"
REGISTRATION_CAPACITY = 100
# Each wrk thread numbers its own requests under a random prefix (the warm-up
# and the measured run are two wrk processes), so every POST is a new e-mail.
REGISTER_LUA = """
local threads = 0
math.randomseed(os.time())
function setup(thread)
  threads = threads + 1
  thread:set("id", threads .. "x" .. math.random(1, 1000000000))
end
local n = 0
function request()
  n = n + 1
  local body = string.format(
    '{"name": "Bench %s-%d", "email": "b%s-%d@bench.example.org", "timezone": "Europe/Amsterdam"}', id, n, id, n)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
"""
PLANNER_PATH = "/api/v1/planner/suggestions"
# The same body for every request: the planner keeps nothing between requests.
PLANNER_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
wrk.body = [==[%s]==]
"""
PLANNER_BODIES = {"planner 50 people, 1 day": planner_figures.ONE_DAY,
                  "planner 200 people, k=3": planner_figures.SPLIT}
PLANNER_SLUG = "bench-planner"
PAGE_LUA = """
wrk.headers["Cookie"] = "%s"
"""
ORGANISER_EMAIL, ORGANISER_PASSWORD = "bench@example.org", "bench password"


@dataclass
class Generated:
    slugs: dict[int, str]  # by size
    token: str  # the bench organiser's bearer token
    has_planner: bool  # whether this app serves PLANNER_PATH


def generate(url: str, sizes: list[int]) -> Generated:
    """Migrate, then insert one published event per size and the organiser's token."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    has_planner = any(rule.rule == PLANNER_PATH for rule in app.url_map.iter_rules())
    with app.app_context():
        upgrade()
        organiser = Organiser(email=ORGANISER_EMAIL, password_hash=generate_password_hash(ORGANISER_PASSWORD))
        events = [_event(organiser, size) for size in sizes] + [_registration_event(organiser)]
        if has_planner:
            events.append(_planner_event(organiser))
        db.session.add_all(events)  # one flush: SQLAlchemy batches each table's INSERTs
        db.session.commit()
        if has_planner:
            db.session.add_all(_plan_participants(events[-1]))
            db.session.commit()
        slugs = {size: event.slug for size, event in zip(sizes, events)}
        token = accounts.issue_api_token(organiser, "bench")
        db.engine.dispose()
    return Generated(slugs, token, has_planner)


def _event(organiser: Organiser, size: int) -> Event:
    """A published event of `size` back-to-back slots, two confirmed speakers each."""
    days = -(-size * SLOT_MINUTES // (24 * 60))
    event = Event(
        slug=f"bench-{size}", title=f"Benchmark forum, {size} slots", timezone="Asia/Taipei",
        start_utc=EVENT_START, end_utc=EVENT_START + timedelta(days=days),
        status=EventStatus.PUBLISHED, published_at=EVENT_START - timedelta(days=30),
        description="Generated by bench/run.py.", join_url="https://meet.example.org/bench",
    )
    event.organisers.append(organiser)
    speakers = [
        Speaker(name=f"Speaker {i}", email=f"s{i}@bench-{size}.example.org", organisation=f"City {i}",
                city="Somewhere", timezone=SPEAKER_ZONES[i % len(SPEAKER_ZONES)])
        for i in range(SPEAKERS)
    ]
    event.speakers.extend(speakers)
    for i in range(size):
        start = EVENT_START + timedelta(minutes=SLOT_MINUTES * i)
        slot = Slot(title=f"Session {i}", kind=SlotKind.TALK, position=i,
                    start_utc=start, end_utc=start + timedelta(minutes=SLOT_MINUTES))
        for j in range(SPEAKERS_PER_SLOT):
            speaker = speakers[(i * SPEAKERS_PER_SLOT + j) % SPEAKERS]
            slot.invitations.append(Invitation(speaker=speaker, status=InvitationStatus.CONFIRMED, position=j))
        event.slots.append(slot)
    return event


def _registration_event(organiser: Organiser) -> Event:
    """Open for registration: a month ahead, a few seats, then the waitlist."""
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
    event = Event(
        slug=REGISTRATION_SLUG, title="Benchmark registrations", timezone="Asia/Taipei",
        start_utc=start, end_utc=start + timedelta(hours=2), capacity=REGISTRATION_CAPACITY,
        status=EventStatus.PUBLISHED, published_at=start - timedelta(days=60),
        join_url="https://meet.example.org/bench",
    )
    event.organisers.append(organiser)
    return event


def _planner_event(organiser: Organiser) -> Event:
    """A draft on the planner's bench day, no speakers: its plan is `_plan_participants`."""
    start = timezones.to_utc(timezones.localize(datetime(*planner_figures.DAY.timetuple()[:3], 16), "Asia/Taipei"))
    event = Event(slug=PLANNER_SLUG, title="Benchmark planner", timezone="Asia/Taipei",
                  start_utc=start, end_utc=start + timedelta(hours=2), status=EventStatus.DRAFT)
    event.organisers.append(organiser)
    return event


def _plan_participants(event: Event) -> list[PlanParticipant]:
    """The 50 participants of planner_figures, their cities already looked up."""
    rows = []
    for person in planner_figures.participants(50):
        window = person.get("window", {"start": "08:00", "end": "20:00"})
        rows.append(PlanParticipant(
            event_id=event.id, kind=ParticipantKind.PERSON, label=person["label"], weight=person.get("weight", 1),
            timezone=timezones.find_city(person["city"]).zone if "city" in person else person["timezone"],
            window_start=_minutes(window["start"]), window_end=_minutes(window["end"])))
    return rows


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def log_in(base: str) -> str:
    """The bench organiser's session cookie, got through the log-in form as a browser gets it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"csrf_token": token, "email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD}).encode(), timeout=10).close()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Gunicorn:
    """gunicorn serving wsgi:app on a free port of 127.0.0.1, as `make run` does.

    Its log goes to `log_path`, read back only when it fails to start.
    """

    def __init__(self, database_url: str, workers: int, log_path: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench",
               "REGISTRATION_RATE_LIMIT": "1000000 per minute", "MAIL_SERVER": ""}
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                 "--no-control-socket", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        if not self._healthy(timeout=30):
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-2000:]}")

    def _healthy(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).close()
                return True
            except OSError:
                time.sleep(0.2)
        return False

    def worker_rss_mib(self) -> float:
        """Largest resident memory among the workers (children of the master)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return max(sizes)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Row:
    route: str
    slots: int | None
    rps: float
    p50_ms: float
    p99_ms: float
    rss_mib: float
    socket_errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _percentile_ms(output: str, percent: int) -> float:
    """A line of wrk's "Latency Distribution", e.g. "     99%   16.74ms"."""
    number, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> str:
    """wrk's report; any non-2xx/3xx answer means the figures measure an error page."""
    options = ["-s", str(script)] if script else []
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", f"--timeout={WRK_TIMEOUT_S}s", "--latency",
         *options, url],
        check=True, capture_output=True, text=True, timeout=seconds + WRK_TIMEOUT_S + 10,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url} answered {errors.group(1)} errors")
    return output


def measure(server: Gunicorn, route: str, slots: int | None, path: str, seconds: int, connections: int,
            script: Path | None = None) -> Row:
    """One wrk run after a short one that warms every worker (templates, caches)."""
    url = server.base + path
    wrk(url, WARM_UP_S, connections, script)
    output = wrk(url, seconds, connections, script)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Row(
        route=route, slots=slots,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_percentile_ms(output, 50), p99_ms=_percentile_ms(output, 99),
        rss_mib=server.worker_rss_mib(),
        socket_errors=sum(map(int, socket_errors.groups())) if socket_errors else 0,
    )


def run_all(server: Gunicorn, generated: Generated, seconds: int, connections: int, scripts: Path) -> list[Row]:
    """/healthz once (it does not depend on the events), both routes per size,
    registrations, then the planner's API if the app has it."""
    rows = [measure(server, "/healthz", None, "/healthz", seconds, connections)]
    for size, slug in generated.slugs.items():
        rows.append(measure(server, "event page", size, f"/events/{slug}/", seconds, connections))
        rows.append(measure(server, "API event", size, f"/api/v1/events/{slug}", seconds, connections))
    register = scripts / "register.lua"
    register.write_text(REGISTER_LUA)
    rows.append(measure(server, "POST registration", None, f"/api/v1/events/{REGISTRATION_SLUG}/registrations",
                        seconds, connections, register))
    for n, (route, body) in enumerate(PLANNER_BODIES.items() if generated.has_planner else ()):
        script = scripts / f"planner-{n}.lua"
        script.write_text(PLANNER_LUA % (generated.token, json.dumps(body)))
        rows.append(measure(server, f"POST {route}", None, PLANNER_PATH, seconds, connections, script))
    if generated.has_planner:
        page = scripts / "planner-page.lua"
        page.write_text(PAGE_LUA % log_in(server.base))
        for clients in (connections, 1):  # one client: how long one organiser waits for the page
            rows.append(measure(server, f"planner page, 50 people, {clients} connection(s)", None,
                                f"/organiser/events/{PLANNER_SLUG}/planner", seconds, clients, page))
    return rows


def ratios(rows: list[Row]) -> str:
    """The req/s of each POST and of the planner's page as a share of
    /healthz's in the same run: the figure that compares across runs on this
    shared machine."""
    ceiling = rows[0].rps
    return "As a share of /healthz's req/s: " + ", ".join(
        f"{row.route.removeprefix('POST ')} {100 * row.rps / ceiling:.2g}%" for row in rows
        if row.route.startswith(("POST", "planner"))) + "."


def registration_counts(url: str) -> dict[str, int]:
    """The rules held under load: never more confirmed than seats, one message each."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT status, count(*) FROM registrations GROUP BY status")).all())
        counts["outbox"] = conn.execute(text("SELECT count(*) FROM outbox_messages")).scalar()
    engine.dispose()
    return {"confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0), **counts}


def table(rows: list[Row], heading: str) -> str:
    lines = [
        heading, "",
        "| route | slots | req/s | p50 ms | p99 ms | worker RSS MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row.route} | {row.slots or '-'} | {row.rps:.0f} | {row.p50_ms:.1f} | "
                     f"{row.p99_ms:.1f} | {row.rss_mib:.0f} |")
    failed = [row for row in rows if row.socket_errors]
    if failed:
        lines.append("")
        lines.extend(f"Socket errors (not in the latencies): {row.route} {row.slots or ''}: {row.socket_errors}"
                     for row in failed)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000", help="slot counts (default 50,200,1000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--quick", action="store_true", help="3-second runs")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.duration
    sizes = [int(s) for s in args.sizes.split(",")]

    load_before = os.getloadavg()[0]  # anything else on the cores skews every figure
    planner_rows = planner_figures.figures()  # first, while nothing else of the bench runs
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        url = cluster.create_database("forum_bench")
        generated = generate(url, sizes)
        server = Gunicorn(url, args.workers, cluster.dir / "gunicorn.log")
        rows = run_all(server, generated, seconds, args.connections, cluster.dir)
        registered = registration_counts(url)
    finally:
        if server:
            server.stop()
        cluster.stop()

    text = table(rows, f"wrk -t2 -c{args.connections} -d{seconds}s; gunicorn {args.workers} sync workers; "
                       f"PostgreSQL; {SPEAKERS} speakers, {SPEAKERS_PER_SLOT} per slot; "
                       f"load average {load_before:.2f} before the run")
    text += (f"\n\nRegistrations after the run: {registered['confirmed']} confirmed (capacity "
             f"{REGISTRATION_CAPACITY}), {registered['waitlisted']} waitlisted, "
             f"{registered['outbox']} messages in the outbox.")
    text += "\n\n" + ratios(rows)
    if not generated.has_planner:
        text += f" (This app has no {PLANNER_PATH}.)"
    text += "\n\n" + planner_figures.table(planner_rows)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
