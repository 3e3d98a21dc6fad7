"""Memory and storage of one ingest over a batch: peak RSS for 50 and 500 cards, and bytes
stored per card.

    .venv/bin/python benchmarks/bench_memory.py                  # 50 and 500, stand-in OCR
    .venv/bin/python benchmarks/bench_memory.py --cards 20 --engine ppocr   # or tesseract

Each batch runs in a fresh process with a fresh data folder: the real ingest flow (temporary
Prefect server, inbox, store), over copies of the demo cards made distinct (a few bytes
appended after the image, so each is its own card). ``--engine standin`` (the default)
replaces only OCR and extraction by benchmarks/standin.py, so 500 cards take minutes, not
an hour; ``--engine ppocr`` or ``--engine tesseract`` reads them for real. The peak RSS is the ingest process's
own (VmHWM); the temporary server is another process and reported beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "sample_cards" / "demo"


def _status(pid: int | str = "self") -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    return out


def _drop(inbox: Path, n: int) -> None:
    cards = sorted(p for p in DEMO.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    batch = inbox / "2026-11-20_bench"
    batch.mkdir(parents=True)
    for i in range(n):
        src = cards[i % len(cards)]
        (batch / f"card_{i:04d}{src.suffix}").write_bytes(src.read_bytes() + b"bench%06d" % i)


def child(n: int, engine: str) -> dict[str, float]:
    """Run in the measuring process: one ingest of ``n`` cards."""
    if engine != "standin":
        os.environ["MEISHI_OCR_ENGINE"] = engine
    if engine == "standin":
        sys.path.insert(0, str(HERE))
        import standin

        standin.install()
    from meishi.settings import get_settings
    from meishi.store import Store
    from meishi_flows.ingest import ingest
    from meishi_flows.server import command_api

    settings = get_settings()
    settings.ensure_dirs()
    _drop(settings.inbox_dir, n)
    with command_api(settings.server_start_s, settings.home / "prefect-server.log"):
        server_pid = _server_pid()
        start = _status()["VmRSS"]
        t0 = time.monotonic()
        report = ingest()
        seconds = time.monotonic() - t0
        server = _status(server_pid)["VmHWM"] if server_pid else 0
    store = Store(settings.db_url, settings.images_dir)
    cards = sum(len(c.cards) for c in store.contacts())
    store.close()
    images = sum(p.stat().st_size for p in settings.images_dir.iterdir())
    db = Path(settings.db_url.removeprefix("sqlite:///"))
    return {
        "cards": n,
        "stored_cards": cards,
        "failed": report.count("failed"),
        "seconds": round(seconds, 1),
        "rss_start_mb": round(start / 2**20, 1),
        "rss_peak_mb": round(_status()["VmHWM"] / 2**20, 1),
        "rss_end_mb": round(_status()["VmRSS"] / 2**20, 1),
        "server_peak_mb": round(server / 2**20, 1),
        "image_bytes_per_card": round(images / max(cards, 1)),
        "db_bytes_per_card": round(db.stat().st_size / max(cards, 1)) if db.exists() else 0,
    }


def _server_pid() -> int | None:
    me = os.getpid()
    for task in Path(f"/proc/{me}/task").iterdir():
        kids = (task / "children").read_text().split()
        if kids:
            return int(kids[-1])
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cards", type=int, nargs="+", default=[50, 500])
    ap.add_argument("--engine", choices=["standin", "ppocr", "tesseract"], default="standin")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.engine)))
        return
    print(f"engine: {args.engine}", flush=True)
    results = []
    for n in args.cards:
        home = Path(tempfile.mkdtemp(prefix="meishi-bench-"))
        env = {
            **os.environ,
            "MEISHI_HOME": str(home),
            "MEISHI_SETTLE_S": "0",
            "MEISHI_CONFIG": str(home / "none.toml"),
            "PREFECT_HOME": str(home / "prefect"),
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
        env.pop("PREFECT_API_URL", None)
        env.pop("MEISHI_DATABASE_URL", None)
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(n), "--engine", args.engine],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                sys.exit(f"{n} cards: the run failed\n{done.stderr[-3000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            shutil.rmtree(home, ignore_errors=True)
        print("  ".join(f"{k}={v}" for k, v in result.items()), flush=True)
        results.append(result)
    if len(results) > 1:
        a, b = results[0], results[-1]
        per = (b["cards"] - a["cards"]) or 1
        print(
            f"growth from {a['cards']} to {b['cards']} cards: peak RSS "
            f"{(b['rss_peak_mb'] - a['rss_peak_mb']) * 1024 / per:.1f} KB/card, end RSS "
            f"{(b['rss_end_mb'] - a['rss_end_mb']) * 1024 / per:.1f} KB/card"
        )


if __name__ == "__main__":
    main()
