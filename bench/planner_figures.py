"""The planner's figures: its use case timed in-process, and the request
bodies bench/run.py sends to POST /api/v1/planner/suggestions.

Run on its own (`.venv/bin/python bench/planner_figures.py`) it prints the
in-process table; no database is involved, the planner is pure rules.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum.services.planner import ParticipantInput, PlanInput, suggest  # noqa: E402

DAY = date(2021, 3, 28)  # Europe's clocks go forward: a day of 23 hours there, 24 elsewhere
FIRST, LAST = date(2021, 3, 1), date(2021, 3, 30)  # 30 days across North America's and Europe's changes
CITIES = ["Taipei", "London", "New York City", "Sao Paulo", "Lagos", "Mumbai", "Sydney", "Wellington, NZ",
          "Moscow", "Los Angeles"]
RUNS = 7


def participants(count: int) -> list[dict]:
    """`count` people as the API takes them: ten by city, the rest by zones
    spread evenly over the tz database's common names (one zone each up to
    about 400 people), every fifth a night owl (20:00-02:00, across
    midnight), every seventh standing for three attendees."""
    zones = pytz.common_timezones
    people = []
    for n in range(count):
        person: dict = ({"label": f"City {n}", "city": CITIES[n]} if n < len(CITIES)
                        else {"label": f"Zone {n}", "timezone": zones[n * len(zones) // count]})
        if n % 5 == 4:
            person["window"] = {"start": "20:00", "end": "02:00"}
        if n % 7 == 6:
            person["weight"] = 3
        people.append(person)
    return people


def body(count: int, **options) -> dict:
    """A request of the API's contract: one hour at 15-minute steps on DAY unless `options` say otherwise."""
    return {"participants": participants(count), "duration_minutes": 60, "step_minutes": 15,
            "date": DAY.isoformat(), **options}


def plan_input(request: dict) -> PlanInput:
    """The request body as the use case's input (what the API view does with it)."""
    dates = request.get("dates")
    return PlanInput(
        participants=[ParticipantInput(label=p["label"], city=p.get("city"), timezone=p.get("timezone"),
                                       weight=p.get("weight"), window_start=p.get("window", {}).get("start"),
                                       window_end=p.get("window", {}).get("end")) for p in request["participants"]],
        duration_minutes=request["duration_minutes"], step_minutes=request["step_minutes"],
        date=date.fromisoformat(request["date"]) if "date" in request else None,
        date_from=date.fromisoformat(dates["from"]) if dates else None,
        date_to=date.fromisoformat(dates["to"]) if dates else None,
        sessions=request.get("sessions", 1))


ONE_DAY = body(50)
THIRTY_DAYS = {**{k: v for k, v in body(50).items() if k != "date"},
               "dates": {"from": FIRST.isoformat(), "to": LAST.isoformat()}}
SPLIT = body(200, sessions=3)


@dataclass
class Figure:
    name: str
    median_ms: float
    low_ms: float
    high_ms: float
    detail: str


def timed(name: str, work: Callable[[], str], runs: int = RUNS) -> Figure:
    """The median of `runs` calls after one that warms the caches (the city list, pytz's zones)."""
    work()
    spans, detail = [], ""
    for _ in range(runs):
        began = time.perf_counter()
        detail = work()
        spans.append((time.perf_counter() - began) * 1000)
    return Figure(name, statistics.median(spans), min(spans), max(spans), detail)


def figures(runs: int = RUNS) -> list[Figure]:
    def one_day() -> str:
        result = suggest(plan_input(ONE_DAY))
        return f"{len(result.starts(DAY))} starts, best {result.suggestions[0].score}"

    def thirty_days() -> str:
        result = suggest(plan_input(THIRTY_DAYS))
        return f"{sum(len(result.starts(d)) for d in result.days)} starts, best {result.suggestions[0].score}"

    def split() -> str:
        result = suggest(plan_input(SPLIT))
        return "sessions of " + " / ".join(str(len(s.members)) for s in result.sessions)

    def grid() -> str:
        result = suggest(plan_input(ONE_DAY))
        return f"{len(result.grid(DAY))} rows of {len(result.participants)}"

    return [
        timed("suggestions, 50 people, 1 day", one_day, runs),
        timed("suggestions, 50 people, 30 days", thirty_days, runs),
        timed("split, 200 people, k=3", split, runs),
        timed("day grid, 50 people (suggest + grid)", grid, runs),
    ]


def table(rows: list[Figure], runs: int = RUNS) -> str:
    lines = [f"Planner in-process (forum.services.planner.suggest), median of {runs} runs after a warm-up", "",
             "| work | median ms | min ms | max ms | what it computed |", "|---|---:|---:|---:|---|"]
    lines += [f"| {r.name} | {r.median_ms:.1f} | {r.low_ms:.1f} | {r.high_ms:.1f} | {r.detail} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(figures()))
