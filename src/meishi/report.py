"""What an ingest run did, as data (for the CLI and JSON) and as a markdown table."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from meishi.models import Contact


class IngestRow(BaseModel):
    source: str
    status: Literal["stored", "merged", "duplicate", "failed"]
    contact_id: int | None = None
    merged_because: str | None = None  # status "merged": the rule that matched
    candidates: list[int] = Field(default_factory=list)  # maybe the same person as these
    fields: dict[str, str | None] = Field(default_factory=dict)
    confidence: dict[str, float | None] = Field(default_factory=dict)
    error: str | None = None
    moved_to: str | None = None


class IngestReport(BaseModel):
    inbox: str
    rows: list[IngestRow]
    waiting_for_purpose: int
    #: the run was stopped (Ctrl-C): these scans went back to the inbox unread, for the next run
    left: list[str] = Field(default_factory=list)
    stopped: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def markdown_table(report: IngestReport) -> str:
    """The ``ingest-summary`` artifact: counts and contact numbers, no personal data.

    Artifacts live in Prefect's database, a copy per run, beyond meishi's reach (deleting or
    merging a contact never removes them), and the Prefect API serves them: names, e-mails,
    phones and file names (``山田さん.jpg``) stay in the contact store; `meishi ingest` prints
    them in the terminal, `meishi contacts show ID` on demand.
    """
    lines = [
        f"**{report.count('stored')} new, {report.count('merged')} joined a known contact, "
        f"{report.count('duplicate')} already stored, "
        f"{report.count('failed')} quarantined** — "
        f"{report.count('stored')} of this batch and {report.waiting_for_purpose} in all are "
        "waiting for a purpose note.",
    ]
    rows = []
    for r in report.rows:
        if r.status == "failed":
            continue
        contact = f"#{r.contact_id}" if r.contact_id is not None else "—"
        status = {
            "stored": "new",
            "duplicate": "already stored",
            "merged": f"joined ({_cell(r.merged_because)})",
        }[r.status]
        if r.candidates:
            status += " — same person as " + ", ".join(f"#{c}" for c in r.candidates) + "?"
        rows.append(f"| {contact} | {status} |")
    if rows:
        lines += ["", "| contact | status |", "| --- | --- |", *rows]
    if report.count("failed"):
        lines += [
            "",
            f"{report.count('failed')} file(s) quarantined: each is in "
            "`inbox/failed/` with its reason in a `.reason.txt` beside it.",
        ]
    if report.stopped:
        lines += [
            "",
            f"Stopped (Ctrl-C): {len(report.left)} scan(s) went back to the inbox unread, "
            "for the next run.",
        ]
    return "\n".join(lines)


def waited(since: datetime, now: datetime) -> str:
    """How long a card has waited, the way a person says it."""
    delta = now - since
    if delta.days:
        return f"{delta.days} d"
    hours = delta.seconds // 3600
    return f"{hours} h" if hours else f"{delta.seconds // 60} min"


def faceless_markdown(
    contacts: list[Contact],
    now: datetime,
    older_than_days: int,
    ui_links: dict[int, str] | None = None,
) -> str:
    """The ``faceless-cards`` reminder: how many cards have waited more than N days, oldest
    first, each by its contact number, how long it has waited and its review link.

    No names or companies: the artifact is kept by Prefect, a copy per daily run (see
    :func:`markdown_table`). The review link opens the card itself; `meishi faceless` lists
    the names locally.
    """
    old = [c for c in contacts if (now - c.created_at).days >= older_than_days]
    if not old:
        return f"No card has waited more than {older_than_days} day(s) for its purpose note. 🎉"
    lines = [
        f"**{len(old)} card(s) have waited more than {older_than_days} day(s) for a purpose "
        "note.** Who are they, and why do they matter? (`meishi faceless` lists them by name.)",
        "",
        "| waiting | contact | review |",
        "| --- | --- | --- |",
    ]
    for c in old:
        link = (ui_links or {}).get(c.id)
        lines.append(
            f"| {waited(c.created_at, now)} | #{c.id} | "
            f"{f'[open]({link})' if link else '`meishi review`'} |"
        )
    return "\n".join(lines)


def due_markdown(due: list[Contact]) -> str:
    """The follow-ups that are due, by contact number only (names stay out of artifacts:
    `meishi due` lists them locally)."""
    if not due:
        return "No follow-up is due."
    lines = [
        f"**{len(due)} follow-up(s) due** — `meishi due` lists them with the next action.",
        "",
        "| due | contact |",
        "| --- | --- |",
    ]
    for c in due:
        when = c.note.follow_up.isoformat() if c.note and c.note.follow_up else ""
        lines.append(f"| {when} | #{c.id} |")
    return "\n".join(lines)
