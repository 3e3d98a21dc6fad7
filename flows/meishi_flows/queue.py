"""The review queue as the Prefect server sees it: review runs waiting for input.

Links go to Prefect's v2 UI (the default of Prefect 3.8, pinned by ``meishi_flows.server``): its
resume dialog shows the run's description (the card image, what to check, why an answer
was refused) above the form, and its runs view filters by tag and state from the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

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
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_UI_URL


@dataclass(frozen=True)
class Waiting:
    flow_run_id: str
    name: str
    contact_id: int | None
    since: datetime | None
    url: str


PAGE = 200  # the server's maximum

#: the tag every review run carries (from its deployment): the queue is the runs with it
REVIEW_TAG = "名刺レビュー"
UI_PATH = "/v2"
#: the review deployment `meishi serve` serves (flow name / deployment name)
REVIEW_DEPLOYMENT = "review/review"


def run_url(flow_run_id: object) -> str:
    return f"{PREFECT_UI_URL.value()}{UI_PATH}/runs/flow-run/{flow_run_id}"


def queue_url(ui: str | None = None) -> str:
    """The runs view that is the queue: only the review runs waiting for input, oldest first
    (a review run's name starts with its card's number, ``meishi.review.run_name``)."""
    query = urlencode(
        {"tab": "flow-runs", "tags": REVIEW_TAG, "state": "Suspended", "sort": "NAME_ASC"}
    )
    return f"{ui or PREFECT_UI_URL.value()}{UI_PATH}/runs?{query}"


def next_review_url() -> str:
    """The oldest review waiting for input, or the (empty) queue when there is none."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["review"])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
            ),
            sort=FlowRunSort.NAME_ASC,
            limit=1,
        )
    return run_url(runs[0].id) if runs else queue_url()


def _review_runs(states: list[StateType]) -> list[Any]:
    runs: list[Any] = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["review"])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=states))
                ),
                sort=FlowRunSort.NAME_ASC,
                limit=PAGE,
                offset=len(runs),
            )
            runs.extend(page)
            if len(page) < PAGE:
                return runs


def reviewed_or_waiting() -> set[int]:
    """Contacts that have a review run in progress (scheduled, running or waiting)."""
    runs = _review_runs(
        [StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED]
    )
    return {int(r.parameters["contact_id"]) for r in runs if "contact_id" in r.parameters}


def waiting_reviews() -> list[Waiting]:
    """Review runs suspended until someone answers, oldest first."""
    runs = _review_runs([StateType.PAUSED])
    out = []
    for r in runs:
        cid = r.parameters.get("contact_id")
        out.append(
            Waiting(
                flow_run_id=str(r.id),
                name=r.name,
                contact_id=int(cid) if cid is not None else None,
                since=r.state.timestamp if r.state else None,
                url=run_url(r.id),
            )
        )
    return out


def start_review(contact_id: int) -> str:
    """Start the review run of a contact (a run of the review deployment, which `meishi
    serve` serves); returns its flow run id."""

    run: Any = run_deployment(
        REVIEW_DEPLOYMENT, parameters={"contact_id": contact_id}, timeout=0, as_subflow=False
    )
    return str(run.id)


def start_review_or_log(contact_id: int, logger: Any) -> None:
    """:func:`start_review` inside a flow: a failure is logged, not raised; it leaves a
    faceless stub, which the reminder lists, never a lost card."""
    try:
        run_id = start_review(contact_id)
        logger.info("review of contact #%s: flow run %s", contact_id, run_id)
    except Exception as exc:  # noqa: BLE001 - reported, and the stub stays faceless
        logger.warning(
            "could not start the review of contact #%s: %s: %s", contact_id, type(exc).__name__, exc
        )


def cancel(flow_run_id: str, why: str) -> None:
    from prefect.states import Cancelled

    with get_client(sync_client=True) as client:
        client.set_flow_run_state(flow_run_id, Cancelled(message=why), force=True)


def tidy_queue(store: Any) -> list[tuple[str, str]]:
    """Cancel the waiting reviews nobody needs to answer: of a contact deleted, or complete
    (through a merge, or another review), or a second one of the same contact (a merged
    contact's review answers for the contact it joined). Returns (run id, why) cancelled."""
    cancelled: list[tuple[str, str]] = []
    seen: set[int] = set()
    runs = [
        (w, store.merged_into(w.contact_id)) for w in waiting_reviews() if w.contact_id is not None
    ]
    # a contact's own review first: it shows the contact as it is now
    runs.sort(key=lambda x: x[0].contact_id != x[1])
    for w, live in runs:
        contact = store.get(live) if live is not None else None
        why = None
        if contact is None:
            why = f"contact #{w.contact_id} was deleted"
        elif contact.status.value == "complete":
            why = f"contact #{live} is complete"
        elif live in seen:
            why = f"contact #{live} has its review already"
        if why:
            cancel(w.flow_run_id, why)
            cancelled.append((w.flow_run_id, why))
        elif live is not None:
            seen.add(live)
    return cancelled
