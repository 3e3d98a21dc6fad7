"""Follow-ups come back when due: `meishi due` and the reminder's artifact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from meishi.cli import app
from meishi.models import PurposeNote
from meishi.store import Store
from test_store import _read

runner = CliRunner()
TODAY = date.today()


@pytest.mark.parametrize(
    ("follow_ups", "days", "due"),
    [
        ({"a": TODAY - timedelta(days=2), "b": TODAY + timedelta(days=5), "c": None}, 0, ["a"]),
        ({"a": TODAY, "b": TODAY + timedelta(days=5)}, 7, ["a", "b"]),
        ({"a": TODAY + timedelta(days=1)}, 0, []),
    ],
)
def test_due_lists_the_follow_ups_that_are_due_soonest_first(settings, follow_ups, days, due):
    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    ids = {}
    for key, when in follow_ups.items():
        cid = store.add_card(
            _read(key * 64, name=f"山田 {key}郎"), source_name=f"{key}.jpg"
        ).contact_id
        store.complete(
            cid, {}, PurposeNote(purpose=f"理由 {key}", next_action=f"連絡 {key}", follow_up=when)
        )
        ids[cid] = key
    store.add_card(_read("f" * 64, name="未記入 さん"), source_name="f.jpg")  # faceless: never due
    got = [ids[c.id] for c in store.due(TODAY + timedelta(days=days))]
    assert got == due
    result = runner.invoke(app, ["due", "--days", str(days), "--json"])
    assert result.exit_code == 0, result.output
    assert len([ln for ln in result.stdout.splitlines() if ln.strip()]) == len(due)
    store.close()


def test_the_reminder_artifact_lists_due_follow_ups_without_names():
    from meishi.report import due_markdown

    assert due_markdown([]) == "No follow-up is due."
