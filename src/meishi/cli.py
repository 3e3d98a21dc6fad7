"""The command line: `meishi scan | ingest | contacts | export | faceless | review | serve | doctor | eval | demo`."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from typer.core import TyperGroup

from meishi import __version__, exitcodes, tables
from meishi.errors import MeishiError, MissingDependencyError
from meishi.models import CHECK_BELOW, FIELD_TITLES, Contact, ContactStatus
from meishi.settings import get_settings
from meishi.store import Store
from meishi.tables import Column, escape

if TYPE_CHECKING:
    from meishi.evaluate import Comparison, EvalRun
    from meishi_flows.api import PrefectServer


class _OneLineErrors(TyperGroup):
    """No traceback reaches the user: an error a command did not handle becomes one line and
    the exit code :mod:`meishi.exitcodes` gives it (a crash is 6, never 1)."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """click prints --help and --version while it reads the arguments, before
        :meth:`invoke`: standard output on a full disk is one line and 4 there too."""
        try:
            return super().make_context(*args, **kwargs)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # a closed pipe (| head): click's own quiet exit
                raise
            code, line = exitcodes.classify(exc)
            raise _fail(line, code) from exc

    def invoke(self, ctx: Any) -> Any:  # a click Context (typer vendors click)
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors: click's say
            raise
        except KeyboardInterrupt:  # Ctrl-C: 130, as shells report a program ended by SIGINT
            err.print("interrupted (Ctrl-C)", highlight=False)
            raise typer.Exit(exitcodes.INTERRUPTED) from None
        except Exception as exc:
            code, line = exitcodes.classify(exc)
            if _VERBOSE:
                err.print_exception()
            raise _fail(line, code) from exc


_VERBOSE = False

app = typer.Typer(
    help="meishi: scanned Japanese business cards (名刺) in, contacts you remember out.",
    no_args_is_help=True,
    add_completion=False,
    cls=_OneLineErrors,
    rich_markup_mode="markdown",
)
contacts_app = typer.Typer(
    help="The contact store.", invoke_without_command=True, rich_markup_mode="markdown"
)
app.add_typer(contacts_app, name="contacts")

out = Console()
err = Console(stderr=True)

# Exit codes (meishi.exitcodes): 0 ok · 1 some cards could not be read · 2 usage · 3 missing
# dependency · 4 data cannot be read or written · 5 invalid settings · 6 internal error
EXIT_CARDS_FAILED, EXIT_MISSING, EXIT_ERROR = (
    exitcodes.CARDS_FAILED,
    exitcodes.MISSING_DEPENDENCY,
    exitcodes.DATA_ERROR,
)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"meishi {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    global _VERBOSE
    _VERBOSE = verbose
    os.umask(0o077)  # everything meishi writes is private to the user
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")


def _fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    err.print(
        f"[red]error:[/red] {escape(exitcodes.one_line(message))}", highlight=False, soft_wrap=True
    )
    return typer.Exit(code)


def _refused(exc: MeishiError) -> typer.Exit:
    """What the store refused: the user's value or card (2), unless the database itself
    failed under the command (read-only, full, unreachable: 4, as :mod:`meishi.exitcodes`
    says for every command)."""
    if isinstance(exc.__cause__, SQLAlchemyError | OSError):
        code, line = exitcodes.classify(exc)
        return _fail(line, code)
    return _fail(exc.message, 2)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


# --------------------------------------------------------------------------- scan
@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Card images or folders (recursive)")],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per card per line")
    ] = False,
) -> None:
    """Read card images and print the fields, storing nothing (MEISHI_WORKERS in parallel)."""
    from meishi.pipeline import iter_images, scan_files

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}", 2)
    files = iter_images(paths)
    if not files:
        raise _fail("no card images found (jpg, png, tif, webp, bmp, heic, pdf)", 2)
    settings = get_settings()
    failed = done = 0
    with _progress() as progress, contextlib.closing(scan_files(files, settings.workers)) as scans:
        task = progress.add_task("reading cards", total=len(files))
        try:
            for f, reads, error in scans:
                done += 1
                records = [read.as_json() for read in reads]
                if error is not None:
                    failed += 1
                    records = [
                        {
                            "source": str(f),
                            "fields": None,
                            "confidence": None,
                            "error": error.message,
                        }
                    ]
                progress.advance(task)
                for record in records:
                    if as_json:
                        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                        sys.stdout.flush()
                    else:
                        _print_card(record)
        except MissingDependencyError as exc:
            raise _fail(exc.message, EXIT_MISSING) from exc
        except KeyboardInterrupt:
            scans.close()  # its workers end now
            err.print(
                f"stopped (Ctrl-C): {done} of {len(files)} file(s) read and printed; "
                "scan stores nothing, so nothing is half done.",
                highlight=False,
            )
            raise typer.Exit(exitcodes.INTERRUPTED) from None
    if failed:
        raise typer.Exit(EXIT_CARDS_FAILED)


def _print_card(record: dict) -> None:
    table = Table(title=record["source"], show_header=False, title_justify="left")
    if record.get("error"):
        out.print(f"[bold]{record['source']}[/bold]: [red]{record['error']}[/red]")
        return
    for key, value in record["fields"].items():
        conf = record["confidence"].get(key)
        mark = "" if conf is None or conf >= CHECK_BELOW else " [yellow](check)[/yellow]"
        table.add_row(key, (value or "[dim]—[/dim]") + mark)
    out.print(table)


# --------------------------------------------------------------------------- ingest
def _run_ingest(inbox: Path | None) -> None:
    import threading

    from meishi.inbox import FAILED, PROCESSED, Inbox
    from meishi_flows import api as flows

    if not _VERBOSE:  # the run's log goes to Prefect; the lines below say what happened
        for name in ("prefect.flow_runs", "prefect.task_runs"):
            logging.getLogger(name).propagate = False
    settings = get_settings()
    settings.ensure_dirs()
    root = inbox or settings.inbox_dir
    todo = [p.relative_to(root) for p in Inbox(root, settle_s=settings.settle_s).pending()]

    def done() -> int:  # a scan is done when it left the inbox for processed/ or failed/
        return sum(
            (root / PROCESSED / rel).exists() or (root / FAILED / rel).exists() for rel in todo
        )

    def at_once() -> str:  # a second Ctrl-C: the run's claims go back with its lock
        return (
            f"stopped at once: {done()} of {len(todo)} scan(s) settled; the rest, the ones "
            "being read too, are read by the next run (none is lost or read twice)."
        )

    stop = threading.Event()
    flows.INGEST_STOP.clear()
    try:
        with contextlib.ExitStack() as stack:
            with err.status("starting a temporary Prefect server…"):
                stack.enter_context(flows.flow_server(settings))
            with _progress() as progress:
                task = progress.add_task("reading cards", total=len(todo) or None)

                def follow() -> None:
                    while not stop.wait(0.5):
                        progress.update(task, completed=done())

                threading.Thread(target=follow, daemon=True).start()
                with _ctrl_c_stops(flows.INGEST_STOP, at_once):
                    report = flows.run_ingest(str(inbox) if inbox else None)
                # the last count, not the poller's last one (it looks every half second)
                progress.update(task, completed=done())
    except KeyboardInterrupt:  # before the run began (the server was starting): none claimed
        err.print(
            f"interrupted: {done()} of {len(todo)} scan(s) read and stored; the rest "
            "stay in the inbox for the next run (none is lost or read twice).",
            highlight=False,
        )
        raise typer.Exit(exitcodes.INTERRUPTED) from None
    finally:
        stop.set()
    rows = []
    for r in report.rows:
        f = r.fields
        status = {
            "stored": f"[green]#{r.contact_id}[/green]",
            "merged": f"[cyan]→ #{r.contact_id}[/cyan]",
            "duplicate": f"[dim]known #{r.contact_id}[/dim]",
            "failed": "[red]quarantined[/red]",
        }[r.status]
        if r.candidates:
            status += " [yellow]?[/yellow]"
        rows.append(
            [
                escape(Path(r.source).name),
                status,
                escape(f.get("name") or ""),
                escape(f.get("company") or ""),
                escape(f.get("title") or ""),
                f.get("tel") or f.get("mobile") or "",
                escape(f.get("email") or ""),
            ]
        )
    columns = (
        Column("card", drop=3),
        Column("contact", unbroken=True),
        Column("name"),
        Column("company"),
        Column("title", drop=1),
        Column("phone", drop=2, unbroken=True),
        Column("email", unbroken=True),
    )
    if 0 not in tables.shown(out, columns, rows):
        # no room for the file's name: a quarantined file is only in the lines below
        rows = [row for row, r in zip(rows, report.rows, strict=True) if r.status != "failed"]
    out.print(f"Cards read from {report.inbox}", highlight=False)  # as wide as the terminal
    out.print(tables.fit(out, columns, rows))
    for r in report.rows:
        if r.status == "failed":  # the place in the inbox (the title names it), and why
            moved = Path(r.moved_to or r.source)
            with contextlib.suppress(ValueError):
                moved = moved.relative_to(report.inbox)
            why = (r.error or "").removeprefix(f"{r.source}: ")
            out.print(f"[red]quarantined[/red] {escape(f'{moved}: {why}')}", highlight=False)
        elif r.status == "merged":
            out.print(
                f"[cyan]{escape(Path(r.source).name)}[/cyan] joined contact #{r.contact_id}: "
                f"{r.merged_because}",
                highlight=False,
            )
        elif r.candidates:
            out.print(
                f"[yellow]{escape(Path(r.source).name)}[/yellow] (#{r.contact_id}) may be the same "
                f"person as {', '.join(f'#{c}' for c in r.candidates)}: the review asks.",
                highlight=False,
            )
    out.print(
        f"{report.count('stored')} new, {report.count('merged')} joined a known contact, "
        f"{report.count('duplicate')} already stored, {report.count('failed')} quarantined."
    )
    out.print(
        f"[bold]{report.waiting_for_purpose} contact(s) still need a purpose note[/bold] "
        "(`meishi faceless`)."
    )
    if report.stopped:
        err.print(
            f"[bold]stopped (Ctrl-C):[/bold] the cards above are settled; "
            f"{len(report.left)} scan(s) are left in the inbox for the next run "
            "(none is lost or read twice).",
            highlight=False,
        )
        raise typer.Exit(exitcodes.INTERRUPTED)
    if report.count("failed"):
        raise typer.Exit(EXIT_CARDS_FAILED)


@contextlib.contextmanager
def _ctrl_c_stops(stop: threading.Event, at_once: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C sets ``stop``: the run finishes and stores the cards being read and gives the
    others back to the inbox. A second Ctrl-C exits at once (the inbox takes the run's claims
    back on the next run; the temporary server dies with this process)."""
    import signal

    def on_interrupt(signum: int, frame: object) -> None:
        if stop.is_set():
            err.print(at_once(), highlight=False)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exitcodes.INTERRUPTED)
        stop.set()
        err.print(
            "stopping: the card(s) being read are finished and stored, the rest stay in the "
            "inbox (Ctrl-C again stops at once)",
            highlight=False,
        )

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@app.command()
def ingest(
    inbox: Annotated[Path | None, typer.Argument(help="Inbox folder (default: settings)")] = None,
) -> None:
    """Run the ingest flow once over the inbox: new scans become contact stubs."""
    if inbox is not None and not inbox.is_dir():
        raise _fail(f"inbox {inbox} is not a folder", 2)
    try:
        _run_ingest(inbox)
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # the table's code: a setting 5, Prefect 4, a bug 6 (never 1)
        code, line = exitcodes.classify(exc)
        if _VERBOSE:
            err.print_exception()
        if code in (exitcodes.DATA_ERROR, exitcodes.INTERNAL_ERROR):
            line = (
                f"the ingest stopped: {line}; the scans not read stay in the inbox for the next run"
            )
        raise _fail(line, code) from exc


@app.command()
def demo(
    home: Annotated[
        Path | None, typer.Option(help="Data folder for the demo (default: a new temporary one)")
    ] = None,
) -> None:
    """The main job on the embedded default: sample cards in, contacts out."""
    from meishi.samples import demo_cards

    cards = demo_cards()
    if not cards:
        raise _fail(
            "the demo cards are missing from this installation of meishi (a wheel carries "
            "them as meishi/_demo_cards): reinstall it",
            EXIT_MISSING,
        )
    home = home or Path(tempfile.mkdtemp(prefix="meishi-demo-"))
    os.environ["MEISHI_HOME"] = str(home)
    os.environ.setdefault("MEISHI_SETTLE_S", "0")
    get_settings.cache_clear()
    settings = get_settings()
    settings.ensure_dirs()
    batch = settings.inbox_dir / f"{datetime.now(UTC):%Y-%m-%d}_demo"
    batch.mkdir(parents=True, exist_ok=True)
    for card in cards:
        (batch / card.name).write_bytes(card.read_bytes())
    out.print(f"Demo data folder: {home}", highlight=False, soft_wrap=True)
    out.print("See it with:")  # the command whole on its line, to copy
    out.print(f"  MEISHI_HOME={home} meishi contacts", highlight=False, soft_wrap=True)
    _run_ingest(None)


# --------------------------------------------------------------------------- contacts
def _store() -> Store:
    s = get_settings()
    return Store(s.db_url, s.images_dir)


def _age(c: Contact) -> str:
    from meishi.report import waited

    return waited(c.created_at, datetime.now(UTC))


def _contacts_table(rows: list[Contact], title: str, waited: bool = False) -> Table:
    """`contacts`, `contacts search` and (``waited``) `faceless`. In a narrow terminal the
    met-at, title and status (or waiting) columns make room, and the e-mail stays on one line;
    without the status column, the number of a contact still without a purpose note is
    marked *."""
    columns = [
        Column("id", unbroken=True, justify="right"),
        Column("status", drop=3, unbroken=True),
        Column("name"),
        Column("company"),
        Column("title", drop=2),
        Column("email", unbroken=True),
        Column("met at", drop=1, unbroken=True),
    ]
    cells = [
        [
            str(c.id),
            c.status.value,
            escape(c.fields.get("name") or ""),
            escape(c.fields.get("company") or ""),
            escape(c.fields.get("title") or ""),
            escape(c.fields.get("email") or ""),
            escape(c.met_at or ""),
        ]
        for c in rows
    ]
    if waited:  # all of them wait for a purpose note: how long is the news
        columns = [*columns[:1], *columns[2:], Column("waiting", drop=3, unbroken=True)]
        cells = [[*r[:1], *r[2:], _age(c)] for r, c in zip(cells, rows, strict=True)]
        keep = tables.shown(out, columns, cells, title=title)
        return tables.make(
            [columns[i] for i in keep], [[r[i] for i in keep] for r in cells], title=title
        )
    marked = [
        [f"{r[0]}*" if c.status is ContactStatus.needs_purpose else r[0], *r[1:]]
        for r, c in zip(cells, rows, strict=True)
    ]
    keep = tables.shown(out, columns, marked, title=title)
    mark = 1 not in keep and marked != cells
    return tables.make(
        [columns[i] for i in keep],
        [[r[i] for i in keep] for r in (marked if mark else cells)],
        title=title,
        caption="* no purpose note yet (`meishi faceless`)" if mark else None,
    )


def _contact_json(c: Contact) -> str:
    return json.dumps(c.model_dump(mode="json"), ensure_ascii=False)


@contacts_app.callback()
def contacts(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per contact per line")
    ] = False,
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


def _get(store: Store, contact_id: int) -> Contact:
    from meishi.cardlink import MAX_ID

    contact = store.get(contact_id) if 0 < contact_id <= MAX_ID else None
    if contact is None:
        raise _fail(f"no contact #{contact_id} (see `meishi contacts`)", 2)
    return contact


@contacts_app.command("search")
def contacts_search(
    text: Annotated[
        str,
        typer.Argument(
            help="Part of a name (any kanji form, kana or roman), "
            "company, address, phone, mail or note"
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find contacts: 高橋 finds 髙橋, たかはし finds タカハシ, 5210-7788 finds the number."""
    rows = _store().search(text)
    if as_json:
        for c in rows:
            sys.stdout.write(_contact_json(c) + "\n")
        return
    if not rows:
        raise _fail(f"no contact matches {text!r}", 1)
    out.print(_contacts_table(rows, f"{len(rows)} contact(s) matching {text!r}"))


@contacts_app.command("show")
def contacts_show(
    contact_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One contact: its fields, purpose note, notes, career history and every card."""
    c = _get(_store(), contact_id)
    if as_json:
        sys.stdout.write(_contact_json(c) + "\n")
        return
    table = Table(
        title=f"#{c.id} {c.fields.get('name') or c.fields.get('name_roman') or ''}"
        f" — {c.status.value}",
        title_justify="left",
        show_header=False,
    )
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, label in FIELD_TITLES.items():
        if c.fields.get(key):
            table.add_row(label, c.fields[key])
    for key, value in c.english.items():
        table.add_row(f"{key} (English)", value)
    for key in FIELD_TITLES:  # career steps, and a former firm's details
        steps = c.history_of(key)
        if steps:
            table.add_row(
                f"{FIELD_TITLES[key]} history",
                ", ".join(f"{h.since:%Y-%m}: {h.value or '—'}" for h in steps),
            )
    if c.note:
        for key, info in type(c.note).model_fields.items():
            value = getattr(c.note, key)
            if value:
                table.add_row(info.title or key, str(value))
    else:
        table.add_row(
            "目的 Purpose", "[yellow]none yet — a faceless card (`meishi review`)[/yellow]"
        )
    if c.notes:
        table.add_row("メモ Notes", c.notes)
    for m in c.candidates:
        table.add_row(
            "same person?", f"#{m.contact_id} {m.name or ''} {m.company or ''} ({m.reason})"
        )
    out.print(table)
    columns = (
        Column("card", unbroken=True, justify="right"),
        Column("date", unbroken=True),
        Column("side", drop=2),
        Column("lang", drop=1),
        Column("file"),
        Column("company", drop=4),
        Column("title", drop=3),
    )
    rows = [  # the image's path: `--json`
        [
            str(card.id),
            card.day.isoformat(),
            card.side or "",
            card.lang,
            escape(card.source_name),
            escape(card.fields.get("company") or ""),
            escape(card.fields.get("title") or ""),
        ]
        for card in c.cards
    ]
    out.print(tables.fit(out, columns, rows, title=f"{len(c.cards)} card(s)", title_justify="left"))


@contacts_app.command("note")
def contacts_note(
    contact_id: Annotated[int, typer.Argument(metavar="ID")],
    text: Annotated[str, typer.Argument(help="A line to add to the contact's notes")],
) -> None:
    """Add a dated line to a contact's notes (nothing is overwritten)."""
    store = _store()
    _get(store, contact_id)
    store.add_note(contact_id, text)
    out.print(f"noted on #{contact_id}")


@contacts_app.command("merge")
def contacts_merge(
    source: Annotated[int, typer.Argument(metavar="FROM", help="The contact that goes")],
    target: Annotated[int, typer.Argument(metavar="INTO", help="The contact that stays")],
) -> None:
    """Two contacts are one person: FROM's cards, history and notes join INTO."""
    if source == target:
        raise _fail("a contact cannot be merged into itself: FROM and INTO differ", 2)
    store = _store()
    _get(store, source)
    _get(store, target)
    try:
        merged = store.merge(source, target)
    except MeishiError as exc:
        raise _fail(exc.message, EXIT_ERROR) from exc
    out.print(f"#{source} joined #{target}: {len(merged.cards)} card(s)")
    _tidy_reviews(store)


def _tidy_reviews(store: Store) -> None:
    """After a merge or a delete: the review runs nobody needs to answer are cancelled (a
    merged contact's waiting review answers for the contact it joined). Without a server,
    the next reminder of `meishi serve` does it."""
    from meishi_flows import api as flows

    if not flows.connect(_local_server()):
        return
    try:
        for _, why in flows.tidy_queue(store):
            out.print(f"review cancelled: {why}", highlight=False)
    except Exception as exc:  # noqa: BLE001 - the reminder tidies again
        err.print(f"[yellow]warning:[/yellow] could not tidy the review queue: {exc}")


@contacts_app.command("edit")
def contacts_edit(
    contact_id: Annotated[int, typer.Argument(metavar="ID")],
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="FIELD=VALUE...",
            help="e.g. title=部長 fax= (empty clears); fields: "
            "name, name_kana, company, department, title, tel, email, purpose, follow_up, …",
        ),
    ],
) -> None:
    """Correct a contact by hand; the old values are kept in its history."""
    changes: dict[str, str | None] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _fail(f"{item!r} is not FIELD=VALUE", 2)
        changes[key.strip()] = value
    store = _store()
    _get(store, contact_id)
    try:
        before = store.changes(contact_id)
        store.edit(contact_id, changes)
    except MeishiError as exc:
        raise _refused(exc) from exc
    after = store.changes(contact_id)
    if len(after) == len(before):
        out.print(f"#{contact_id}: nothing changed")
        return
    for key, (old, new) in after[-1][2]["fields"].items():
        out.print(
            f"#{contact_id} {key}: {old or '—'} → {new or '—'}", highlight=False, markup=False
        )


@contacts_app.command("reopen")
def contacts_reopen(contact_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Review a contact again; with `meishi serve` running, its review starts now.

    Its purpose note is shown in the form; the answer replaces it."""
    store = _store()
    _get(store, contact_id)
    store.reopen(contact_id)
    out.print(f"#{contact_id} waits for its review again.")
    _start_review(contact_id)


def _start_review(contact_id: int) -> None:
    from meishi_flows import api as flows

    if not flows.connect(_local_server()):
        out.print("`meishi serve` is not running: the review starts when it does.")
        return
    try:
        flows.start_review(contact_id)
    except Exception as exc:  # noqa: BLE001 - the reminder starts it later
        err.print(
            f"[yellow]warning:[/yellow] could not start the review now ({exc}); "
            "the next reminder does"
        )
        return
    out.print("In the review queue:", flows.queue_url(), highlight=False, soft_wrap=True)


@contacts_app.command("delete")
def contacts_delete(
    contact_id: Annotated[int, typer.Argument(metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask")] = False,
) -> None:
    """Delete a contact, its cards and their images (what it was stays in the history)."""
    store = _store()
    c = _get(store, contact_id)
    who = c.fields.get("name") or c.fields.get("company") or f"#{contact_id}"
    if not yes and not typer.confirm(f"Delete #{contact_id} {who} and its {len(c.cards)} card(s)?"):
        raise typer.Exit(1)
    removed = store.delete(contact_id)
    out.print(f"#{contact_id} {who} deleted ({len(removed)} image(s) removed).", highlight=False)
    _tidy_reviews(store)


@contacts_app.command("unmerge")
def contacts_unmerge(
    card_id: Annotated[
        int, typer.Argument(metavar="CARD", help="The card's number (`meishi contacts show ID`)")
    ],
) -> None:
    """A card back to a contact of its own: the merge was wrong."""
    store = _store()
    try:
        new = store.unmerge(card_id)
    except MeishiError as exc:
        raise _refused(exc) from exc
    out.print(
        f"card {card_id} is now contact #{new.id} "
        f"({new.fields.get('name') or '?'}), waiting for its review.",
        highlight=False,
    )
    _start_review(new.id)


@contacts_app.command("history")
def contacts_history(contact_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Every change to a contact: reviews, edits, merges, un-merges, re-opens, a delete."""
    store = _store()
    rows = store.changes(contact_id)
    if not rows:
        _get(store, contact_id)  # no such contact: exit 2
        out.print(f"#{contact_id} has not changed since its card was read.")
        return
    for at, action, detail in rows:
        out.print(f"{at:%Y-%m-%d %H:%M} {action}", highlight=False, markup=False)
        lines = Table.grid()  # indented; a long value wraps under itself
        lines.add_column(width=4)
        lines.add_column(overflow="fold")
        for line in _change_lines(detail):
            lines.add_row("", escape(line))
        out.print(lines, highlight=False)


def _change_lines(detail: dict[str, Any]) -> list[str]:
    """A change's details, one line each: ``title: 課長 → 部長`` for a changed value (a
    card's fields without a prefix, the purpose note's as ``note.purpose``)."""

    def text(value: Any) -> str:
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], int):
            return f"{value[0] or '—'} → {value[1] or '—'}"  # [old, new]
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    lines = []
    for key, value in detail.items():
        if isinstance(value, dict):
            prefix = "" if key == "fields" else f"{key}."
            lines += [
                f"{prefix}{k}: {text(v)}" for k, v in value.items() if v not in (None, "", [])
            ]
        elif value not in (None, "", []):
            lines.append(f"{key}: {text(value)}")
    return lines


class ExportFormat(StrEnum):
    vcard = "vcard"
    csv = "csv"
    json = "json"


@app.command("export")
def export_contacts(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="vcard, csv or json")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: standard output)")
    ] = None,
    faceless_only: Annotated[
        bool, typer.Option("--faceless-only", help="Only contacts without a purpose note")
    ] = False,
    since: Annotated[
        datetime | None,
        typer.Option(
            help="Only contacts created or changed on or after this date (YYYY-MM-DD)",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        ),
    ] = None,
    vcard_version: Annotated[str, typer.Option("--vcard-version", help="3.0 or 4.0")] = "3.0",
    photo: Annotated[bool, typer.Option("--photo", help="vCard: embed the card image")] = False,
    csv_dialect: Annotated[
        str,
        typer.Option(
            "--csv", help="google: Google Contacts import; excel: Japanese columns for Excel"
        ),
    ] = "google",
    encoding: Annotated[
        str | None,
        typer.Option(help="utf-8, utf-8-sig or cp932 (default: utf-8; utf-8-sig for --csv excel)"),
    ] = None,
) -> None:
    """Export contacts to vCard (3.0/4.0), CSV (Google Contacts, or Excel in Japan) or JSON."""
    from meishi import export

    if faceless_only and since:
        raise _fail("--faceless-only and --since do not go together", 2)
    if vcard_version not in ("3.0", "4.0"):
        raise _fail("--vcard-version is 3.0 or 4.0", 2)
    if csv_dialect not in ("google", "excel"):
        raise _fail("--csv is google or excel", 2)
    if encoding not in (None, "utf-8", "utf-8-sig", "cp932"):
        raise _fail("--encoding is utf-8, utf-8-sig or cp932", 2)
    store = _store()
    if faceless_only:
        rows = store.faceless()
    else:
        start = (
            since.replace(tzinfo=since.tzinfo or datetime.now().astimezone().tzinfo)
            if since
            else None
        )
        rows = store.contacts(since=start)
    data, replaced = export.export(
        rows,
        fmt.value,
        vcard_version=vcard_version,  # type: ignore[arg-type]
        photo=photo,
        csv_dialect=csv_dialect,  # type: ignore[arg-type]
        encoding=encoding,  # type: ignore[arg-type]
    )
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            export.write_private(output, data)
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror}", EXIT_ERROR) from exc
        err.print(f"{len(rows)} contact(s) written to {output}", highlight=False)
    if replaced:
        err.print(
            f"[yellow]warning:[/yellow] {replaced} character(s) have no CP932 form and "
            "were written as 〓; use --encoding utf-8-sig to keep them",
            highlight=False,
        )


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
    out.print(
        _contacts_table(
            rows, f"{len(rows)} faceless contact(s): who are they, why do they matter?", waited=True
        )
    )


@app.command()
def due(
    days: Annotated[int, typer.Option(help="Also what falls due within this many days")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Follow-ups that are due: the next action and date asked in each review, soonest first."""
    from datetime import timedelta

    on = datetime.now(UTC).date() + timedelta(days=max(0, days))
    rows = _store().due(on)
    if as_json:
        for c in rows:
            sys.stdout.write(_contact_json(c) + "\n")
        return
    columns = (
        Column("due", unbroken=True),
        Column("id", unbroken=True, justify="right"),
        Column("name"),
        Column("company", drop=1),
        Column("next action", text=True),
        Column("purpose", text=True),
    )
    cells = []
    for c in rows:
        note = c.note
        assert note is not None and note.follow_up is not None
        cells.append(
            [
                note.follow_up.isoformat(),
                str(c.id),
                escape(c.fields.get("name") or ""),
                escape(c.fields.get("company") or ""),
                escape(note.next_action or ""),
                escape(note.purpose),
            ]
        )
    title = f"{len(rows)} follow-up(s) due by {on.isoformat()}"
    out.print(tables.fit(out, columns, cells, title=title))


# --------------------------------------------------------------------------- serve
def _local_server() -> PrefectServer:
    from meishi_flows import api as flows

    return flows.local_server(get_settings())


@app.command()
def serve() -> None:
    """Run everything on this machine (127.0.0.1): the review queue, the inbox watcher.

    The Prefect server and UI, the deployments (ingest on a schedule and when a file arrives,
    review, reminder) and the card image endpoint."""
    from meishi.imageserver import ImageServer
    from meishi.pipeline import check_ready
    from meishi_flows import api as flows

    settings = get_settings()
    settings.ensure_dirs()
    try:
        check_ready(settings)
    except MissingDependencyError as exc:
        raise _fail(exc.message, EXIT_MISSING) from exc
    remote = os.environ.get("PREFECT_API_URL")
    server = _local_server()
    if not remote:
        flows.use_local_server(server)

    images = ImageServer(
        _store(),
        settings.image_port,
        settings.home,
        ui_origins=_origins(os.environ.get("PREFECT_UI_URL") or server.ui_url),
        next_url=flows.next_review_url,
    )
    try:
        if remote:  # a team's server: this machine only serves the deployments
            out.print(f"Using the Prefect server at {remote}", highlight=False)
        else:
            with err.status("starting the Prefect server…"):
                server.start()
        images.start()
        ui = os.environ.get("PREFECT_UI_URL") or server.ui_url
        out.print("[bold]meishi is running.[/bold] Review queue (名刺レビュー), oldest first:")
        out.print(flows.queue_url(ui), soft_wrap=True, highlight=False)
        # a link or a path is whole on a line of its own: it stays one to click or copy
        out.print("Inbox (watched: a dropped card is read at once):")
        out.print(str(settings.inbox_dir), highlight=False, soft_wrap=True, markup=False)
        out.print("The oldest waiting card, one click from anywhere (bookmark it):")
        out.print(f"{images.url}/next", highlight=False, soft_wrap=True)
        out.print(f"Prefect UI: {ui} · Ctrl-C stops everything.", highlight=False)
        _stop_within(STOP_GRACE_S, images.stop, server.stop)
        flows.serve_forever(settings)
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        raise _fail(str(exc)) from exc
    finally:
        images.stop()
        server.stop()
        waiting = _store().count(ContactStatus.needs_purpose)
        out.print(
            f"meishi stopped. {waiting} card(s) still wait for a purpose note "
            "(`meishi faceless`); they are asked again when meishi serve starts."
        )


def _origins(url: str) -> frozenset[str]:
    """The web origins of the UI at ``url`` (both local names for a local one)."""
    from urllib.parse import urlsplit

    from meishi.webguard import LOCAL_NAMES, local_origins

    parts = urlsplit(url)
    if parts.hostname in LOCAL_NAMES and parts.port:
        return local_origins(parts.port)
    return frozenset({f"{parts.scheme}://{parts.netloc}"})


#: how long Ctrl-C waits for Prefect's runner to stop its flow runs before meishi stops anyway
STOP_GRACE_S = 20.0


def _stop_within(grace_s: float, *stops: Callable[[], None]) -> None:
    """Ctrl-C stops ``meishi serve`` even when Prefect's runner does not return from its
    shutdown (seen in the test suite: the Prefect server left running, the command hung):
    after ``grace_s`` the servers are stopped and the process exits."""
    import signal
    import threading

    def force() -> None:
        time.sleep(grace_s)
        for stop in stops:
            stop()
        out.print(f"meishi stopped. (Prefect's runner had not stopped after {grace_s:.0f} s.)")
        sys.stdout.flush()
        os._exit(0)

    def on_interrupt(signum: int, frame: object) -> None:
        # Prefect's runner cancels its tasks; asyncio's log of them is not for the user
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        threading.Thread(target=force, daemon=True).start()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)


@app.command()
def review() -> None:
    """Print the Prefect UI links of the review runs waiting for a purpose note."""
    from meishi_flows import api as flows

    server = _local_server()
    remote = os.environ.get("PREFECT_API_URL")
    if not flows.connect(server):
        raise _fail(
            f"no Prefect server at {server.ui_url}: start it with `meishi serve` "
            "(or set PREFECT_API_URL to your team's server)",
            EXIT_ERROR,
        )
    try:
        rows = flows.waiting_reviews()
    except Exception as exc:  # noqa: BLE001 - a remote server that does not answer
        raise _fail(
            f"the Prefect server at {remote or server.api_url} does not answer: "
            f"{type(exc).__name__}",
            EXIT_ERROR,
        ) from exc
    now = datetime.now(UTC)
    from meishi.report import waited

    for w in rows:
        age = waited(w.since, now) if w.since else "?"
        out.print(f"{escape(w.name)}  [dim](#{w.contact_id}, waiting {age})[/dim]")
        out.print(f"  {w.url}", soft_wrap=True, highlight=False)  # whole, to click
    out.print(f"{len(rows)} review(s) waiting. The queue, oldest first:")
    out.print(flows.queue_url(), soft_wrap=True, highlight=False)


# --------------------------------------------------------------------------- doctor
@app.command()
def doctor() -> None:
    """Check what meishi needs, and say how to install what is missing.

    Both OCR engines (PP-OCR; Tesseract and its jpn/jpn_vert/osd data), UniDic, Prefect and
    the data folder."""
    from meishi.doctor import run_checks

    checks = run_checks(get_settings())
    for c in checks:
        line = Table.grid(padding=(0, 1))  # a long detail wraps under itself
        line.add_column(no_wrap=True, width=7)
        line.add_column(overflow="fold")
        line.add_row(
            "[green]ok[/green]" if c.ok else "[red]missing[/red]", escape(f"{c.name}: {c.detail}")
        )
        out.print(line, highlight=False)
        if c.fix:  # a command to copy: whole on its line
            out.print(f"        fix: {c.fix}", highlight=False, soft_wrap=True, markup=False)
    bad = [c for c in checks if not c.ok]
    if bad:
        raise _fail(
            f"{bad[0].name}: {bad[0].detail}" + (f" — fix: {bad[0].fix}" if bad[0].fix else ""),
            EXIT_MISSING,
        )
    out.print("Everything meishi needs is here.")


# --------------------------------------------------------------------------- eval
@app.command("eval")
def eval_(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="FOLDER",
            help="Labelled cards (image + .json): in a clone, sample_cards/eval (the dev set) "
            "or sample_cards/heldout",
        ),
    ],
    workers: Annotated[int, typer.Option(help="Cards read in parallel")] = 2,
    limit: Annotated[int | None, typer.Option(help="Only the first N cards")] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="OCR engine: ppocr or tesseract (default: MEISHI_OCR_ENGINE, else ppocr)"
        ),
    ] = None,
    no_rule: Annotated[
        list[str] | None,
        typer.Option("--no-rule", help="Switch a glyph rule off, for an ablation (repeatable)"),
    ] = None,
    save: Annotated[Path | None, typer.Option(help="Write every card's outcome as JSON")] = None,
    ocr_cache: Annotated[
        Path | None,
        typer.Option(
            help="Keep PP-OCR's raw answers in this folder and replay them on the next run: "
            "what follows the engine (glyph rules, layout, extraction) reruns in seconds"
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            help="A run saved with --save: print what got better and worse, per field and card"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every wrong field")] = False,
) -> None:
    """Per-field exact-match accuracy, per capture type, cards per minute, CPU and memory."""
    from meishi import evaluate
    from meishi.ocr import ENGINES
    from meishi.ocr.glyphs import RULES

    if engine is not None and engine not in ENGINES:
        raise _fail(f"--engine must be one of {', '.join(ENGINES)}", 2)
    unknown = set(no_rule or []) - {r.name for r in RULES}
    if unknown:
        raise _fail(
            f"unknown rule(s) {', '.join(sorted(unknown))}; the rules are "
            + ", ".join(r.name for r in RULES),
            2,
        )
    if ocr_cache is not None:
        os.environ["MEISHI_OCR_CACHE"] = str(ocr_cache.resolve())
    try:
        baseline = (
            evaluate.EvalRun.model_validate_json(compare.read_text(encoding="utf-8"))
            if compare
            else None
        )
        result = evaluate.run(
            folder, workers=workers, limit=limit, engine=engine, disabled_rules=no_rule
        )
    except MissingDependencyError as exc:
        raise _fail(exc.message, EXIT_MISSING) from exc
    except (MeishiError, OSError, ValueError) as exc:
        raise _fail(getattr(exc, "message", None) or str(exc), 2) from exc
    if save:
        save.write_text(result.model_dump_json(), encoding="utf-8")
    outcomes = result.outcomes
    s = evaluate.summarise(outcomes, result.wall)
    if as_json:
        sys.stdout.write(s.model_dump_json(indent=2) + "\n")
        return
    out.print(f"Field accuracy on {s.cards} cards of {folder} ({result.engine})", highlight=False)
    t = Table()
    t.add_column("field")
    t.add_column("exact match", justify="right")
    t.add_column("cards with field", justify="right")
    for k, v in s.per_field.items():
        t.add_row(k, f"{v['accuracy']:.1f} %", str(v["present"]))
    t.add_row(
        "[bold]all present fields[/bold]", f"[bold]{s.overall_present_accuracy:.1f} %[/bold]", ""
    )
    t.add_row("absent fields reported null", f"{s.null_accuracy:.1f} %", str(s.null_fields))
    out.print(t)
    for title, rows in (("capture", s.per_capture), ("language", s.per_language)):
        c = Table(title=f"By {title}")
        for col in (title, "cards", "share", "field accuracy", "cards all right"):
            c.add_column(col, justify="right")
        for k, v in rows.items():
            c.add_row(
                k,
                str(v["cards"]),
                f"{v['share_of_cards']:.0f} %",
                f"{v['accuracy']:.1f} %",
                f"{v['cards_all_right']:.1f} %",
            )
        out.print(c)
    scans = s.per_capture_field.get("scan", {})
    if scans:
        out.print(
            f"on scans: name {scans.get('name', 0):.1f} %, company {scans.get('company', 0):.1f} %"
        )
    hi, lo = s.confidence["high"], s.confidence["low"]
    out.print(
        f"confidence ≥ {CHECK_BELOW}: {hi['accuracy']:.1f} % right "
        f"({hi['fields']} fields); below: {lo['accuracy']:.1f} % right ({lo['fields']} fields); "
        f"{s.flagged_error_share:.1f} % of the {s.wrong_values} wrong values are flagged"
    )
    out.print(
        f"unreadable cards: {s.errors}; labelled cards not found in their image: "
        f"{s.cards_missed}; cards read beyond the labelled ones: {s.cards_extra}"
    )
    out.print(
        f"[bold]{s.cards_per_minute:.1f} cards per minute[/bold] "
        f"({s.cards} cards in {s.seconds:.1f} s, {workers} worker(s))"
    )
    if result.resources:
        r = result.resources
        out.print(
            f"CPU {r.cpu_s_per_card:.2f} s per card; peak RSS: largest worker "
            f"{r.worker_peak_rss_mib:.0f} MiB, parent {r.parent_peak_rss_mib:.0f} MiB "
            f"(≤ {r.peak_rss_bound_mib:.0f} MiB in all)"
            + (
                f"; all processes together at their worst: {r.peak_pss_mib:.0f} MiB PSS"
                if r.peak_pss_mib
                else ""
            )
        )
    if errors:
        for o in outcomes:
            for k in o.truth:
                t_, g_ = evaluate.normalise(k, o.truth[k]), evaluate.normalise(k, o.got[k])
                if t_ != g_:
                    out.print(
                        f"{Path(o.source).name} [{o.capture}] {k}: expected {t_!r} got {g_!r}",
                        highlight=False,
                        markup=False,
                        soft_wrap=True,
                    )
    if baseline is not None:
        _print_comparison(evaluate.compare(baseline.outcomes, outcomes), baseline)


def _print_comparison(cmp: Comparison, baseline: EvalRun) -> None:
    t = Table(
        title=f"Against the baseline ({baseline.engine}"
        + (f", without {', '.join(baseline.disabled_rules)}" if baseline.disabled_rules else "")
        + ")"
    )
    for col in ("field", "baseline", "now", "change"):
        t.add_column(col, justify="right")
    for k, (b, n) in cmp.per_field.items():
        d = n - b
        colour = "green" if d > 0 else "red" if d < 0 else "dim"
        t.add_row(k, f"{b:.1f} %", f"{n:.1f} %", f"[{colour}]{d:+.1f}[/{colour}]")
    out.print(t)
    for title, rows in (("better", cmp.better), ("worse", cmp.worse)):
        out.print(f"[bold]{len(rows)} field(s) {title}[/bold]")
        for c in rows:
            out.print(
                f"  {c.source} {c.field}: {c.before!r} → {c.after!r} (truth {c.truth!r})",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
    if cmp.unmatched:
        out.print(f"{cmp.unmatched} card(s) are in only one of the two runs")


def run() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
