"""The review queue as the Prefect server sees it: review runs waiting for input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prefect import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_UI_URL


@dataclass(frozen=True)
class Waiting:
    flow_run_id: str
    name: str
    contact_id: int | None
    since: datetime | None
    url: str


PAGE = 200  # the server's maximum


def _review_runs(states: list[StateType]) -> list[Any]:
    runs: list[Any] = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["review"])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=states))),
                sort=FlowRunSort.START_TIME_ASC,
                limit=PAGE,
                offset=len(runs),
            )
            runs.extend(page)
            if len(page) < PAGE:
                return runs


def reviewed_or_waiting() -> set[int]:
    """Contacts that have a review run in progress (scheduled, running or waiting)."""
    runs = _review_runs([StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING,
                         StateType.PAUSED])
    return {int(r.parameters["contact_id"]) for r in runs if "contact_id" in r.parameters}


def waiting_reviews() -> list[Waiting]:
    """Review runs suspended until someone answers, oldest first."""
    ui = PREFECT_UI_URL.value()
    runs = _review_runs([StateType.PAUSED])
    out = []
    for r in runs:
        cid = r.parameters.get("contact_id")
        out.append(Waiting(
            flow_run_id=str(r.id), name=r.name,
            contact_id=int(cid) if cid is not None else None,
            since=r.state.timestamp if r.state else None,
            url=f"{ui}/runs/flow-run/{r.id}",
        ))
    return out
