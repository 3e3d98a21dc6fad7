"""`meishi export -o F` writes F whole, private, and follows no link planted beside it."""

from __future__ import annotations

import os
import stat

import pytest
from typer.testing import CliRunner

from meishi.cli import app
from meishi.store import Store
from test_contact_book import TARO_2025, card

runner = CliRunner()


def _plant_tmp_link(out, victim):
    (out.parent / (out.name + ".tmp")).symlink_to(victim)


def _plant_out_link(out, victim):
    out.symlink_to(victim)


def _plant_tmp_fifo(out, victim):
    os.mkfifo(out.parent / (out.name + ".tmp"))


def _plant_old_file(out, victim):
    out.write_bytes(b"an older export")
    out.chmod(0o644)


@pytest.mark.parametrize(
    "plant", [_plant_tmp_link, _plant_out_link, _plant_tmp_fifo, _plant_old_file, None]
)
def test_export_output_is_written_safely(settings, tmp_path, plant):
    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    store.add_card(card("a", **TARO_2025), source_name="a.jpg")
    store.close()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not yours to overwrite")
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "contacts.csv"
    if plant:
        plant(out, victim)
    before = {p.name for p in folder.iterdir()} - {out.name}
    result = runner.invoke(app, ["export", "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == b"not yours to overwrite"
    assert not out.is_symlink() and out.is_file()
    assert stat.S_IMODE(out.lstat().st_mode) == 0o600
    assert "山田" in out.read_text(encoding="utf-8")
    # nothing left behind, and whatever was planted beside it is as it was
    assert {p.name for p in folder.iterdir()} - {out.name} == before


def test_export_to_a_missing_folder_is_one_line(settings, tmp_path):
    result = runner.invoke(app, ["export", "-f", "csv", "-o", str(tmp_path / "no" / "x.csv")])
    assert result.exit_code == 4
    assert result.stderr.strip().splitlines() == [
        f"error: cannot write {tmp_path / 'no' / 'x.csv'}: No such file or directory"
    ]


def test_export_into_a_pipe_writes_into_it_and_leaves_it_a_pipe(settings, tmp_path):
    """`-o` a FIFO (or /dev/stdout, a device): written into, never renamed over. Before, the
    pipe was replaced by a file, and as root `-o /dev/full` replaced the device."""
    import threading

    settings.ensure_dirs()
    store = Store(settings.db_url, settings.images_dir)
    store.add_card(card("a", **TARO_2025), source_name="a.jpg")
    store.close()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(app, ["export", "-f", "csv", "-o", str(fifo)])
    if reader.is_alive():  # unblock the reader if nothing was written into the pipe
        with open(fifo, "wb"):
            pass
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert "山田" in b"".join(got).decode("utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []
