"""meishi: scanned Japanese business cards (名刺) in, contacts you remember out."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:  # one source: the version in pyproject.toml, as installed
    __version__ = version("meishi")
except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
    __version__ = "0+unknown"
