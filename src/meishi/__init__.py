"""meishi: scanned Japanese business cards (名刺) in, contacts you remember out."""

from __future__ import annotations

__version__ = "0.1.0"
