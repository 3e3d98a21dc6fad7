"""meishi as a user installs it: the wheel built from this clone, installed into a fresh venv
with the dependencies its metadata declares (pinned to requirements.lock's versions), and run
from a folder outside the clone.

Installing from the wheel's own dependency list, not ``--no-deps -r requirements.lock``, is the
point: a package the code imports but pyproject.toml does not declare fails here. The versions
are the lock's, given as constraints (pip reaches the same package indexes ``./run setup``
uses). The venv has no pip of its own: this venv's pip installs into it (``pip --python``).
Takes a minute or two, most of it pip unpacking the dependencies (about 1 GB).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DEMO, REPO, truth

pytestmark = pytest.mark.e2e


@dataclass
class Installed:
    wheel: Path
    venv: Path
    outside: Path  # a working folder outside the clone

    def run(self, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            cwd=self.outside,
            env={**self.env(), **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def env(self) -> dict[str, str]:
        """A user's shell: none of the test session's settings, nothing pointing at the clone."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("MEISHI_", "PREFECT_", "PYTHON", "VIRTUAL_ENV"))
        }
        env["HOME"] = str(self.outside / "user")  # the default data folder lives under it
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["MEISHI_SETTLE_S"] = "0"
        return env


def _lock_pins() -> str:
    """requirements.lock's ``name==version`` lines, without hashes: pip constraints."""
    text = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.MULTILINE)
    assert len(pins) > 100, "requirements.lock has lost its pins"
    return "".join(f"{name}=={version}\n" for name, version in pins)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # hatchling is a dev dependency of this venv: no isolated build env, nothing fetched
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp / "dist").glob("meishi-*.whl")
    venv = tmp / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    constraints = tmp / "constraints.txt"
    constraints.write_text(_lock_pins(), encoding="utf-8")
    done = subprocess.run(
        [*pip, "--python", str(venv / "bin" / "python"), "install", "-c", str(constraints)]
        + [str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outside = tmp / "elsewhere"
    (outside / "user").mkdir(parents=True)
    yield Installed(wheel, venv, outside)
    shutil.rmtree(venv, ignore_errors=True)  # about 1 GB; pytest keeps its last runs' folders


def test_the_wheel_holds_two_packages_of_ours_and_the_demo_cards(installed):
    names = zipfile.ZipFile(installed.wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"meishi", "meishi_flows", "meishi-0.1.0.dist-info"}
    demo = sorted(p.name for p in DEMO.iterdir())
    assert sorted(n.split("/")[-1] for n in names if n.startswith("meishi/_demo_cards/")) == demo
    assert "meishi_flows/api.py" in names and "meishi/py.typed" in names
    assert "meishi/ocr/variant_glyphs.npz" in names  # the shapes the ink is compared with


def test_it_runs_from_the_venv_not_from_the_clone(installed):
    code = (
        "import importlib.util, json, meishi, meishi_flows, meishi.samples as s\n"
        "print(json.dumps([meishi.__file__, meishi_flows.__file__, str(s.demo_folder()),\n"
        "                  importlib.util.find_spec('flows') is None]))\n"
    )
    done = installed.run(str(installed.venv / "bin" / "python"), "-c", code)
    assert done.returncode == 0, done.stderr
    meishi_file, flows_file, demo, no_flows = json.loads(done.stdout)
    site = installed.venv.resolve()
    for path in (meishi_file, flows_file, demo):
        assert Path(path).resolve().is_relative_to(site), path
        assert not Path(path).resolve().is_relative_to(REPO), path
    assert no_flows  # the old top-level name `flows` is not installed


def test_meishi_doctor_from_the_wheel(installed):
    done = installed.run("meishi", "doctor", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for line in (
        "ok      ocr engine: ppocr",
        "ok      ppocr: rapidocr",
        "ok      tesseract jpn:",
        "ok      tesseract jpn_vert:",
        "ok      unidic",
        "Everything meishi needs is here.",
    ):
        assert line in done.stdout, done.stdout


def test_meishi_demo_from_the_wheel(installed):
    home = installed.outside / "demo-home"
    done = installed.run("meishi", "demo", "--home", str(home), timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "10 new, 0 joined a known contact, 0 already stored, 0 quarantined." in done.stdout
    assert "10 contact(s) still need a purpose note" in done.stdout
    # the demo kept to its own data folder: the user's default one is still empty
    assert installed.run("meishi", "contacts", "--json").stdout == ""
    listed = installed.run("meishi", "contacts", "--json", MEISHI_HOME=str(home))
    assert listed.returncode == 0, listed.stderr
    contacts = [json.loads(line) for line in listed.stdout.splitlines()]
    images = sorted(p.name for p in DEMO.iterdir() if p.suffix in (".jpg", ".png"))
    assert sorted(Path(c["source_name"]).name for c in contacts) == images
    # the cards were read, not only stored: the names come out as their ground truth says
    # (demo_010's 美穂 may be read 美穗, a glyph PP-OCR's mends cannot tell from an old form)
    right = [
        Path(c["source_name"]).name
        for c in contacts
        if _bare(c["fields"]["name"]) == _bare(truth(DEMO / Path(c["source_name"]).name)["name"])
    ]
    assert len(right) >= 9, [(c["source_name"], c["fields"]["name"]) for c in contacts]


def _bare(name: str | None) -> str:
    return re.sub(r"\s", "", name or "")
