"""The demo cards that ship with meishi: ten cards of fictitious people for `meishi demo`.

In the repository they are ``sample_cards/demo/``; a wheel carries them inside the package
as ``meishi/_demo_cards/`` (pyproject.toml's ``force-include``), so the demo needs no clone.
An editable install (``./run setup``) runs from the clone and finds them there.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

DEMO_SUFFIXES = (".jpg", ".jpeg", ".png")


def _clone_demo() -> Path:
    return Path(__file__).resolve().parents[2] / "sample_cards" / "demo"


def demo_folder() -> Traversable | None:
    """Where the demo cards are: inside the installed package, else in the clone."""
    packaged = files("meishi") / "_demo_cards"
    if packaged.is_dir():
        return packaged
    clone = _clone_demo()
    return clone if clone.is_dir() else None


def demo_cards() -> list[Traversable]:
    """The demo's card images, by name (their ground truth, ``.json`` beside each, stays)."""
    folder = demo_folder()
    if folder is None:
        return []
    cards = [f for f in folder.iterdir() if f.name.lower().endswith(DEMO_SUFFIXES)]
    return sorted(cards, key=lambda f: f.name)
