"""The command line: `meishi scan | ingest | contacts | faceless | doctor | eval | demo`."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from meishi import __version__
from meishi.errors import MeishiError, MissingDependencyError
from meishi.models import Contact
from meishi.settings import get_settings
from meishi.store import Store

if TYPE_CHECKING:
    from flows.server import PrefectServer

app = typer.Typer(
    help="meishi: scanned Japanese business cards (名刺) in, contacts you remember out.",
    no_args_is_help=True,
    add_completion=False,
)
contacts_app = typer.Typer(help="The contact store.", invoke_without_command=True)
app.add_typer(contacts_app, name="contacts")

out = Console()
err = Console(stderr=True)

# Exit codes: 0 ok · 1 some cards could not be read · 2 usage · 3 missing dependency · 4 other
EXIT_CARDS_FAILED, EXIT_MISSING, EXIT_ERROR = 1, 3, 4

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_CARDS = REPO_ROOT / "sample_cards" / "demo"


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version")] = False,
) -> None:
    if version:
        out.print(f"meishi {__version__}")
        raise typer.Exit()
    os.umask(0o077)  # everything meishi writes is private to the user
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")


def _fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True)


# --------------------------------------------------------------------------- scan
@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Card images or folders (recursive)")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per card per line")] = False,
) -> None:
    """Read card images and print the fields, storing nothing."""
    from meishi.pipeline import iter_images, read_card

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}", 2)
    files = iter_images(paths)
    if not files:
        raise _fail("no card images found (jpg, png, tif, webp, bmp)", 2)
    settings = get_settings()
    failed = 0
    with _progress() as progress:
        task = progress.add_task("reading cards", total=len(files))
        for f in files:
            try:
                read = read_card(f, settings=settings)
                record = read.as_json()
            except MissingDependencyError as exc:
                raise _fail(exc.message, EXIT_MISSING) from exc
            except MeishiError as exc:
                failed += 1
                record = {"source": str(f), "fields": None, "confidence": None,
                          "error": exc.message}
            progress.advance(task)
            if as_json:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                _print_card(record)
    if failed:
        raise typer.Exit(EXIT_CARDS_FAILED)


def _print_card(record: dict) -> None:
    table = Table(title=record["source"], show_header=False, title_justify="left")
    if record.get("error"):
        out.print(f"[bold]{record['source']}[/bold]: [red]{record['error']}[/red]")
        return
    for key, value in record["fields"].items():
        conf = record["confidence"].get(key)
        mark = "" if conf is None or conf >= 0.8 else " [yellow](check)[/yellow]"
        table.add_row(key, (value or "[dim]—[/dim]") + mark)
    out.print(table)


# --------------------------------------------------------------------------- ingest
def _run_ingest(inbox: Path | None) -> None:
    from flows.ingest import ingest as ingest_flow

    with err.status("running the ingest flow (Prefect)…"):
        report = ingest_flow(str(inbox) if inbox else None)
    table = Table(title=f"Cards read from {report.inbox}", title_justify="left")
    table.add_column("card", no_wrap=True, max_width=24)
    table.add_column("contact", no_wrap=True)
    for col in ("name", "company", "title", "phone", "email"):
        table.add_column(col, overflow="fold")
    for r in report.rows:
        f = r.fields
        status = {"stored": f"[green]#{r.contact_id}[/green]",
                  "duplicate": f"[dim]known #{r.contact_id}[/dim]",
                  "failed": "[red]quarantined[/red]"}[r.status]
        table.add_row(Path(r.source).name, status, f.get("name") or "", f.get("company") or "",
                      f.get("title") or "", f.get("tel") or f.get("mobile") or "",
                      f.get("email") or "")
    out.print(table)
    for r in report.rows:
        if r.status == "failed":
            out.print(f"[red]quarantined[/red] {r.moved_to}: {r.error}", highlight=False)
    out.print(f"{report.count('stored')} stored, {report.count('duplicate')} already known, "
              f"{report.count('failed')} quarantined.")
    out.print(f"[bold]{report.waiting_for_purpose} contact(s) still need a purpose note[/bold] "
              "(`meishi faceless`).")
    if report.count("failed"):
        raise typer.Exit(EXIT_CARDS_FAILED)


@app.command()
def ingest(
    inbox: Annotated[Path | None, typer.Argument(help="Inbox folder (default: settings)")] = None,
) -> None:
    """Run the ingest flow once over the inbox: new scans become contact stubs."""
    if inbox is not None and not inbox.is_dir():
        raise _fail(f"inbox {inbox} is not a folder", 2)
    try:
        _run_ingest(inbox)
    except MeishiError as exc:
        raise _fail(exc.message, EXIT_MISSING if isinstance(exc, MissingDependencyError)
                    else EXIT_ERROR) from exc


@app.command()
def demo(
    home: Annotated[Path | None, typer.Option(help="Data folder for the demo (default: a new temporary one)")] = None,
) -> None:
    """The main job on the embedded default: sample cards in, contacts out."""
    if not DEMO_CARDS.is_dir():
        raise _fail(f"{DEMO_CARDS} is missing: run meishi from a clone of the repository", 2)
    home = home or Path(tempfile.mkdtemp(prefix="meishi-demo-"))
    os.environ["MEISHI_HOME"] = str(home)
    os.environ.setdefault("MEISHI_SETTLE_S", "0")
    get_settings.cache_clear()
    settings = get_settings()
    settings.ensure_dirs()
    batch = settings.inbox_dir / f"{datetime.now(UTC):%Y-%m-%d}_demo"
    batch.mkdir(parents=True, exist_ok=True)
    for f in sorted(DEMO_CARDS.iterdir()):
        if f.suffix.lower() in (".jpg", ".jpeg", ".png"):
            shutil.copy2(f, batch / f.name)
    out.print(f"Demo data folder: {home}  (see it with `MEISHI_HOME={home} meishi contacts`)")
    _run_ingest(None)


# --------------------------------------------------------------------------- contacts
def _store() -> Store:
    s = get_settings()
    return Store(s.db_url, s.images_dir)


def _age(c: Contact) -> str:
    from meishi.report import waited

    return waited(c.created_at, datetime.now(UTC))


def _contacts_table(rows: list[Contact], title: str, waited: bool = False) -> Table:
    table = Table(title=title)
    for col in ("id", "status", "name", "company", "title", "email", "met at") + (("waiting",) if waited else ()):
        table.add_column(col)
    for c in rows:
        f = c.fields
        cells = [str(c.id), c.status.value, f.get("name") or "", f.get("company") or "",
                 f.get("title") or "", f.get("email") or "", c.met_at or ""]
        if waited:
            cells.append(_age(c))
        table.add_row(*cells)
    return table


def _contact_json(c: Contact) -> str:
    return json.dumps(c.model_dump(mode="json"), ensure_ascii=False)


@contacts_app.callback()
def contacts(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per contact per line")] = False,
) -> None:
    """List stored contacts with their status."""
    if ctx.invoked_subcommand is not None:
        return
    rows = _store().contacts()
    if as_json:
        for c in rows:
            sys.stdout.write(_contact_json(c) + "\n")
        return
    out.print(_contacts_table(rows, f"{len(rows)} contact(s)"))


@app.command()
def faceless(
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Contacts still without a purpose note, oldest first, with how long they have waited."""
    rows = _store().faceless()
    if as_json:
        for c in rows:
            sys.stdout.write(_contact_json(c) + "\n")
        return
    out.print(_contacts_table(rows, f"{len(rows)} faceless contact(s): who are they, why do they matter?",
                              waited=True))


# --------------------------------------------------------------------------- serve
def _local_server() -> PrefectServer:
    from flows.server import PrefectServer

    s = get_settings()
    return PrefectServer(s.home / "prefect", s.server_port, s.home / "prefect-server.log")


@app.command()
def serve() -> None:
    """Run everything on this machine: Prefect server and UI, the deployments (ingest on a
    schedule, review, reminder) and the card image endpoint, all on 127.0.0.1."""
    from flows.server import apply_env
    from meishi.imageserver import ImageServer
    from meishi.pipeline import check_ready

    settings = get_settings()
    settings.ensure_dirs()
    try:
        check_ready(settings)
    except MissingDependencyError as exc:
        raise _fail(exc.message, EXIT_MISSING) from exc
    remote = os.environ.get("PREFECT_API_URL")
    server = _local_server()
    if not remote:
        apply_env(server.env)
    images = ImageServer(_store(), settings.image_port)
    try:
        if remote:  # a team's server: this machine only serves the deployments
            out.print(f"Using the Prefect server at {remote}", highlight=False)
        else:
            with err.status("starting the Prefect server…"):
                server.start()
        images.start()
        ui = os.environ.get("PREFECT_UI_URL") or server.ui_url
        out.print(f"[bold]meishi is running.[/bold] Review queue (Prefect UI): {ui}")
        out.print(f"Inbox: {settings.inbox_dir} (read {settings.ingest_cron!r}); "
                  f"card images: {images.url}; Ctrl-C stops everything.", highlight=False)
        from flows.serve import serve_forever

        serve_forever(settings)
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        raise _fail(str(exc)) from exc
    finally:
        images.stop()
        server.stop()
        out.print("meishi stopped.")


@app.command()
def review() -> None:
    """Print the Prefect UI links of the review runs waiting for a purpose note."""
    from flows.server import apply_env

    server = _local_server()
    if "PREFECT_API_URL" not in os.environ:
        apply_env(server.env)
    if not server.healthy() and "PREFECT_API_URL" not in os.environ:
        raise _fail(f"no Prefect server at {server.ui_url}: start it with `meishi serve`")
    from flows.queue import waiting_reviews

    rows = waiting_reviews()
    now = datetime.now(UTC)
    from meishi.report import waited

    for w in rows:
        age = waited(w.since, now) if w.since else "?"
        out.print(f"{w.name}  [dim](#{w.contact_id}, waiting {age})[/dim]\n  {w.url}",
                  soft_wrap=True)
    out.print(f"{len(rows)} review(s) waiting.")


# --------------------------------------------------------------------------- doctor
@app.command()
def doctor() -> None:
    """Check Tesseract and its jpn/jpn_vert/osd data, UniDic and Prefect; say how to fix gaps."""
    from meishi.doctor import run_checks

    checks = run_checks(get_settings())
    for c in checks:
        mark = "[green]ok     [/green]" if c.ok else "[red]missing[/red]"
        out.print(f"{mark} {c.name}: {c.detail}", highlight=False, soft_wrap=True)
        if c.fix:
            out.print(f"        fix: {c.fix}", highlight=False, soft_wrap=True)
    bad = [c for c in checks if not c.ok]
    if bad:
        raise _fail(f"{bad[0].name}: {bad[0].detail}" + (f" — fix: {bad[0].fix}" if bad[0].fix else ""),
                    EXIT_MISSING)
    out.print("Everything meishi needs is here.")


# --------------------------------------------------------------------------- eval
@app.command("eval")
def eval_(
    folder: Annotated[Path, typer.Argument(help="Labelled cards (image + .json)")] = REPO_ROOT / "sample_cards" / "eval",
    workers: Annotated[int, typer.Option(help="Cards read in parallel")] = 2,
    limit: Annotated[int | None, typer.Option(help="Only the first N cards")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every wrong field")] = False,
) -> None:
    """Per-field exact-match accuracy, per capture type, and cards per minute."""
    from meishi import evaluate

    try:
        outcomes, wall = evaluate.run(folder, workers=workers, limit=limit)
    except MeishiError as exc:
        raise _fail(exc.message, 2) from exc
    s = evaluate.summarise(outcomes, wall)
    if as_json:
        sys.stdout.write(s.model_dump_json(indent=2) + "\n")
        return
    t = Table(title=f"Field accuracy on {s.cards} cards ({folder})")
    t.add_column("field")
    t.add_column("exact match", justify="right")
    t.add_column("cards with field", justify="right")
    for k, v in s.per_field.items():
        t.add_row(k, f"{v['accuracy']:.1f} %", str(v["present"]))
    t.add_row("[bold]all present fields[/bold]", f"[bold]{s.overall_present_accuracy:.1f} %[/bold]", "")
    t.add_row("absent fields reported null", f"{s.null_accuracy:.1f} %", str(s.null_fields))
    out.print(t)
    c = Table(title="By capture type")
    for col in ("capture", "cards", "share", "field accuracy", "cards all right"):
        c.add_column(col, justify="right")
    for k, v in s.per_capture.items():
        c.add_row(k, str(v["cards"]), f"{v['share_of_cards']:.0f} %", f"{v['accuracy']:.1f} %",
                  f"{v['cards_all_right']:.1f} %")
    out.print(c)
    hi, lo = s.confidence["high"], s.confidence["low"]
    out.print(f"confidence ≥ {evaluate.REVIEW_THRESHOLD}: {hi['accuracy']:.1f} % right "
              f"({hi['fields']} fields); below: {lo['accuracy']:.1f} % right ({lo['fields']} fields)")
    out.print(f"unreadable cards: {s.errors}")
    out.print(f"[bold]{s.cards_per_minute:.1f} cards per minute[/bold] "
              f"({s.cards} cards in {s.seconds:.1f} s, {workers} worker(s))")
    if errors:
        for o in outcomes:
            for k in o.truth:
                t_, g_ = evaluate.normalise(k, o.truth[k]), evaluate.normalise(k, o.got[k])
                if t_ != g_:
                    out.print(f"{Path(o.source).name} [{o.capture}] {k}: expected {t_!r} got {g_!r}",
                              highlight=False, markup=False, soft_wrap=True)


def run() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
