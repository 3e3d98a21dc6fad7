"""What an ingest run did, as data (for the CLI and JSON) and as a markdown table."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class IngestRow(BaseModel):
    source: str
    status: Literal["stored", "duplicate", "failed"]
    contact_id: int | None = None
    fields: dict[str, str | None] = Field(default_factory=dict)
    confidence: dict[str, float | None] = Field(default_factory=dict)
    error: str | None = None
    moved_to: str | None = None


class IngestReport(BaseModel):
    inbox: str
    rows: list[IngestRow]
    waiting_for_purpose: int

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def markdown_table(report: IngestReport) -> str:
    lines = [
        f"**{report.count('stored')} stored, {report.count('duplicate')} already known, "
        f"{report.count('failed')} quarantined** — "
        f"{report.waiting_for_purpose} contact(s) waiting for a purpose note.",
        "",
        "| card | status | name | company | title | tel | email |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in report.rows:
        f = r.fields
        status = r.status if r.status != "failed" else f"failed: {r.error}"
        lines.append(
            f"| {_cell(r.source)} | {_cell(status)} | {_cell(f.get('name'))} | "
            f"{_cell(f.get('company'))} | {_cell(f.get('title'))} | {_cell(f.get('tel'))} | "
            f"{_cell(f.get('email'))} |"
        )
    return "\n".join(lines)
