"""The signal `meishi ingest` gives a running ingest on Ctrl-C (no Prefect imported here: the
CLI reaches it through :mod:`meishi_flows.api` before Prefect is loaded)."""

from __future__ import annotations

import threading

#: set on Ctrl-C: the scans being read are finished and stored, the others go back to the
#: inbox unread, for the next run
INGEST_STOP = threading.Event()
