"""`meishi ingest` (the real command: temporary Prefect server, flow, inbox, store) with the
OCR replaced by benchmarks/standin.py, for the tests that run several ingests at once or kill
one. Usage: python standin_ingest.py [meishi ingest arguments]"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import standin  # noqa: E402

standin.install()

from meishi.cli import app  # noqa: E402

app(["ingest", *sys.argv[1:]], prog_name="meishi")
