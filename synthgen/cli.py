"""The ``synthgen`` command line: parses options, calls the library, prints results. No logic here.

>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["--help"]).exit_code
0
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from synthgen import __version__
from synthgen.errors import ConfigError, SynthgenError
from synthgen.report_gate import MIN_MOVES

__all__ = ["app", "main"]

# -h as well as --help everywhere; every option also from SYNTHGEN_<COMMAND>_<OPTION> (the help shows the name)
CONTEXT = {"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "SYNTHGEN"}
app = typer.Typer(
    help="Synthetic human-computer interaction telemetry: scripted personas drive real web apps in headless "
         "Chromium and the output has the schema of real in-page telemetry. Options come from the command "
         "line, then SYNTHGEN_<COMMAND>_<OPTION> variables, then synthgen.toml (or [tool.synthgen] in "
         "pyproject.toml) in the working folder, then the defaults.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, context_settings=CONTEXT)
apps_app = typer.Typer(help="The bundled demo web apps.", no_args_is_help=True, context_settings=CONTEXT)
scenarios_app = typer.Typer(help="Scenario files: list them, export their JSON Schema.", no_args_is_help=True,
                            context_settings=CONTEXT)
app.add_typer(apps_app, name="apps")
app.add_typer(scenarios_app, name="scenarios")

err = Console(stderr=True)
out = Console()


def _fail(exc: Exception) -> None:
    """One line on stderr; exit code 1 when sessions could not all be written, 2 for usage errors."""
    from synthgen.errors import SessionFailed

    from synthgen.errors import RunInterrupted

    if isinstance(exc, RunInterrupted):
        err.print(escape(str(exc)), highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code)
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)  # [ray] is no markup
    raise typer.Exit(1 if isinstance(exc, SessionFailed) else 2)


def version_cb(value: bool) -> None:
    if value:
        out.print(f"synthgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(ctx: typer.Context,
          version: bool = typer.Option(False, "--version", callback=version_cb, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """synthgen: synthetic interaction data with no person behind it."""
    from synthgen.settings import default_map, find_option_file

    try:  # option defaults from synthgen.toml / [tool.synthgen], checked before any command runs
        source, table = find_option_file()
        if source is not None:
            ctx.default_map = default_map(ctx.command, table, source)
    except SynthgenError as exc:
        _fail(exc)


@app.command()
def generate(
    scenario: list[Path] = typer.Option(..., "--scenario", "-s", help="A scenario YAML file or a folder of them "
                                        "(repeatable)."),
    sessions: int = typer.Option(5, "--sessions", "-n", help="Sessions per scenario."),
    seed: int = typer.Option(0, "--seed", help="Job seed: same seed, same events, byte for byte."),
    out_dir: str = typer.Option("output/run", "--out", "-o", help="Dataset folder (created), or with --engine ray "
                                "any URI pyarrow can write (s3://bucket/prefix, gs://...)."),
    personas: int = typer.Option(50, "--personas", help="Size of the persona pool drawn from the population."),
    workers: int = typer.Option(0, "--workers", "-w", help="Browser processes (0 = one per CPU)."),
    concurrency: int = typer.Option(2, "--concurrency", "-c", help="Sessions at once per browser."),
    screenshots: str = typer.Option("off", "--screenshots", help="Screen capture: off, step (after each step), "
                                    "action (after each input action) or every:<ms> of synthetic time."),
    image_format: str = typer.Option("jpeg", "--image-format", help="jpeg, png or webp."),
    image_scale: float = typer.Option(1.0, "--image-scale", help="Image size relative to the viewport's CSS px."),
    image_quality: int = typer.Option(70, "--image-quality", help="JPEG/WebP quality (1-100)."),
    capture_a11y: bool = typer.Option(True, "--capture-a11y/--no-capture-a11y", help="Accessibility tree at each "
                                      "capture (in observations/)."),
    a11y_format: str = typer.Option("aria", "--a11y-format", help="aria (aria snapshot YAML) or cdp (full AX "
                                    "tree, JSON; ~10x slower)."),
    capture_dom: bool = typer.Option(False, "--capture-dom/--no-capture-dom", help="Serialized DOM at each "
                                     "capture (in observations/)."),
    export: Optional[str] = typer.Option(None, "--export", help="Also write exports as sessions end: any of "
                                         "trajectories,rrweb,balabit (comma-separated)."),
    record_rrweb: bool = typer.Option(False, "--record-rrweb/--no-record-rrweb", help="Record the DOM with rrweb "
                                      "(implied by --export rrweb) into recordings/."),
    chromium: Optional[str] = typer.Option(None, "--chromium", envvar="SYNTHGEN_CHROMIUM",
                                           help="Chromium executable (default: discover)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Run every scenario against this URL instead "
                                           "of its app/base_url."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip sessions already written completely."),
    allow_env_change: bool = typer.Option(False, "--allow-env-change", help="Continue a dataset made in another "
                                          "environment (packages, browser build, fonts: see `synthgen env`); "
                                          "both are recorded."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Run again the sessions earlier runs of this "
                                      "job recorded as failed (same seeds: a success writes what a first-time "
                                      "success would)."),
    step_timeout_ms: float = typer.Option(10_000, "--step-timeout-ms", help="Default per-step timeout."),
    page_clock: bool = typer.Option(True, "--page-clock/--wall-clock", help="The page's Date, timers and animation "
                                    "frames on the persona's clock (default), or on wall time (an app that must "
                                    "see real time pass, see the README)."),
    mouse_delivery: str = typer.Option("fast", "--mouse-delivery", help="fast: a few moves per path reach the page "
                                       "(pipelined); timed: every planned move and key, at its time on the page's clock, "
                                       "so an in-page collector records the table's moves (a frame of wall time "
                                       "each)."),
    slips: str = typer.Option("persona", "--slips", help="Task-level slips (a wrong click, menu or field, "
                              "scrolling past, a double click), each undone: persona (at each persona's rate), "
                              "off, or one kind at every point where it can happen: neighbour_click, wrong_menu, "
                              "wrong_field, overscroll, double_click."),
    retries: int = typer.Option(1, "--retries", help="Extra attempts for a session whose browser or page crashed "
                                "or hung (other failures are not retried)."),
    hang_timeout: float = typer.Option(30.0, "--hang-timeout", help="Seconds without an answer from the page "
                                       "before it counts as hung."),
    max_actions: int = typer.Option(20_000, "--max-actions", help="Bound: action steps one session may run "
                                    "(past it the session fails; lint errors on a scenario certain to pass it)."),
    max_synthetic_s: float = typer.Option(14_400.0, "--max-synthetic-s", help="Bound: seconds of synthetic time "
                                          "one session may cover."),
    max_wall_s: float = typer.Option(900.0, "--max-wall-s", help="Bound: seconds of wall time one session may "
                                     "take (0 = unbounded)."),
    file_mode: Optional[str] = typer.Option(None, "--file-mode", envvar="SYNTHGEN_FILE_MODE",
                                            help="Octal mode of output files (default 0600: owner only; folders "
                                            "get x where r)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or ray (Ray tasks on a "
                               "cluster; pip install 'synthgen[ray]')."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="With --engine ray: auto (the cluster "
                                              "`ray start` made here) or ray://HEAD:10001; default: a local Ray."),
    ray_batch: int = typer.Option(0, "--ray-batch", help="With --engine ray: sessions per Ray task (0 = auto)."),
    tags: Optional[list[str]] = typer.Option(None, "--tags", help="Only the scenarios with one of these tags (their "
                                             "tags: list; comma-separated or repeated)."),
    exclude_tags: Optional[list[str]] = typer.Option(None, "--exclude-tags", help="Leave out the scenarios with any "
                                                     "of these tags (comma-separated or repeated)."),
    report_json: Optional[Path] = typer.Option(None, "--report-json", help="Also write the run's summary here as "
                                               "JSON, for CI: counts, speed, folders written, every session with "
                                               "its status, failures with step, reason and screenshot."),
    junit_xml: Optional[Path] = typer.Option(None, "--junit-xml", help="Also write the run here as JUnit XML: a "
                                             "test suite per scenario, a test case per session."),
) -> None:
    """Generate a telemetry dataset: personas run the scenarios against the apps in Chromium.

    Example: synthgen generate -s scenarios/webmail -n 20 --seed 7 -o output/run1
    """
    from synthgen.dataset import parse_exports
    from synthgen.runner.engine import generate_with
    from synthgen.runner.local import GenerateConfig, default_workers
    from synthgen.dataset.destination import is_uri
    from synthgen.session import SessionOptions
    from synthgen.dataset.files import parse_file_mode, set_file_mode
    from synthgen.scenario.select import parse_tags

    try:
        if file_mode is not None:
            set_file_mode(parse_file_mode(file_mode))
        if not str(out_dir).strip():  # Path("") would quietly be the current folder
            from synthgen.errors import ConfigError

            raise ConfigError("out", out_dir, "is empty; give a folder for the dataset, e.g. --out output/run1")
        cfg = GenerateConfig(
            scenarios=list(scenario), sessions=sessions, seed=seed, personas=personas,
            out=out_dir if is_uri(out_dir) else Path(out_dir),  # type: ignore[arg-type]
            workers=workers or default_workers(), concurrency=concurrency, chromium=chromium, resume=resume,
            base_url=base_url, exports=parse_exports(export), retries=retries, hang_timeout_s=hang_timeout,
            retry_failed=retry_failed, allow_env_change=allow_env_change,
            tags=parse_tags(tags), exclude_tags=parse_tags(exclude_tags),
            options=SessionOptions(step_timeout_ms=step_timeout_ms, screenshots=screenshots,
                                   image_format=image_format, image_scale=image_scale, image_quality=image_quality,
                                   mouse_delivery=mouse_delivery, page_clock=page_clock, capture_a11y=capture_a11y, a11y_format=a11y_format, capture_dom=capture_dom,
                                   record_rrweb=record_rrweb or "rrweb" in parse_exports(export),
                                   max_actions=max_actions, max_synthetic_s=max_synthetic_s,
                                   max_wall_s=max_wall_s or None, slips=slips))
        cfg.validate()
        # The bar appears with the first progress report, after the job was checked: a bad scenario, option or
        # --out is one line of error with no progress line before it.
        bar = Progress(TextColumn("[bold]generate"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                       TimeElapsedColumn(), TimeRemainingColumn(), console=err, disable=not progress)
        task = bar.add_task("sessions", total=None, info="")
        ran: list[str] = []  # the sessions this run wrote (the report marks them)
        try:
            def on_progress(done: int, total: int, s) -> None:  # type: ignore[no-untyped-def]
                if s is not None:
                    ran.append(s.session_id)
                if not bar.live.is_started:
                    bar.start()
                info = "" if s is None else (f"[green]{s.session_id}" if s.status == "ok" else f"[red]{s.session_id} failed")
                bar.update(task, completed=done, total=total, info=info)

            summary = generate_with(engine, cfg, ray_address=ray_address, ray_batch=ray_batch,
                                    on_progress=on_progress, command=" ".join(["synthgen", *sys.argv[1:]]),
                                    on_note=lambda line: bar.console.print(escape(line), highlight=False,
                                                                           soft_wrap=True))
            if "hf" in parse_exports(export):  # the Hub dataset is cut from the whole dataset, once it is in
                from synthgen.dataset import export_dataset

                export_dataset(summary.out, ["hf"])
        finally:
            if bar.live.is_started:
                bar.stop()
    except SynthgenError as exc:
        _fail(exc)
        return
    from synthgen.runner.summary import failure_lines, junit_xml as to_junit, run_report, summary_lines

    s = summary
    report = run_report(s, exit_code=1 if s.failed else 0, run_now=ran,
                        sessions=report_json is not None or junit_xml is not None)
    for line in summary_lines(report):
        out.print(escape(line), highlight=False, soft_wrap=True)
    for line in failure_lines(report):
        label, _, rest = line.partition(" ")
        err.print(f"[red]{escape(label)}[/] {escape(rest)}" if label == "failed" else escape(line),
                  highlight=False, soft_wrap=True)
    if s.earlier_failures:
        err.print(f"{len(s.earlier_failures)} sessions failed in earlier runs of this job; re-run with "
                  "--retry-failed to run them again", highlight=False)
    try:
        _write_reports(report, report_json, junit_xml, to_junit)
    except SynthgenError as exc:
        _fail(exc)
    if s.failed:
        raise typer.Exit(1)


def _write_reports(report: dict, report_json: Optional[Path], junit: Optional[Path], to_junit: Any) -> None:
    """--report-json and --junit-xml, each written whole (owner-only like every file synthgen writes)."""
    import json as _json

    from synthgen.dataset.files import write_bytes_atomic
    from synthgen.errors import OutputError

    for path, data in ((report_json, lambda: (_json.dumps(report, indent=2, default=str) + "\n").encode()),
                       (junit, lambda: to_junit(report))):
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, data())
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another path") from exc
        out.print(f"report     {escape(str(path))}", highlight=False, soft_wrap=True)


@app.command()
def audit(
    dataset: Path = typer.Argument(..., help="A dataset folder written by synthgen generate."),
    scenario: list[Path] = typer.Option([], "--scenario", "-s", help="Scenario files or folders to replay, "
                                        "instead of the paths recorded in the dataset (repeatable)."),
    show: bool = typer.Option(False, "--show", help="List every typed string with its sources."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    strict: bool = typer.Option(False, "--strict", help="Also fail when a typed string holds text read from the "
                                "page (captured.*) or a data file (data.*): content that is not synthgen's."),
) -> None:
    """Trace every string typed into an app to the persona, the scenario's text or a Faker provider.

    Exit code 0 when everything is traced, the personas re-derive from the job seed and every file matches
    the manifest, 1 otherwise (with --strict also when a string holds page or data-file text to vet).
    Example: synthgen audit output/run1
    """
    import json as json_mod

    from synthgen.audit import audit_dataset

    if not dataset.is_dir():
        _fail(FileNotFoundError(f"dataset={str(dataset)!r}: no such folder"))
    try:
        report = audit_dataset(dataset, scenario)
    except SynthgenError as exc:
        _fail(exc)
        return
    if as_json:
        out.print_json(json_mod.dumps(report.to_json()))
    else:
        n = len(report.strings)
        out.print(f"sessions   {report.sessions}")
        out.print(f"typed      {n} strings, {n - len(report.untraced)} traced, {len(report.untraced)} untraced")
        out.print("sources    " + (", ".join(f"{k} {v}" for k, v in report.source_counts().items()) or "none"),
                  highlight=False, soft_wrap=True)
        for t in report.strings if show else []:
            mark = "ok " if t.traced else "!! "
            out.print(escape(f"{mark}{t.session_id} step {t.step_id}: {t.typed!r} <- {', '.join(t.sources) or '?'}"
                             f"{' (' + t.note + ')' if t.note else ''}"), highlight=False, soft_wrap=True)
        for t in report.untraced:
            err.print("[red]untraced[/] " + escape(f"{t.session_id} step {t.step_id}: typed {t.typed!r}"
                      + (f", scenario types {t.expected!r}" if t.expected is not None else "")
                      + (f" ({t.note})" if t.note else "")), highlight=False, soft_wrap=True)
        for p in report.problems:
            err.print(f"[red]problem[/] {escape(str(p))}", highlight=False, soft_wrap=True)
        for t in report.to_vet:  # traced, but the text itself is the page's or a data file's
            err.print("[yellow]vet[/] " + escape(f"{t.session_id} step {t.step_id}: typed {t.typed!r}: "
                                                 f"{'; '.join(t.vet)}"), highlight=False, soft_wrap=True)
        out.print("clean: every typed string is traced" if report.clean else "NOT clean")
        if report.to_vet:
            out.print(f"to vet     {len(report.to_vet)} strings hold text from the page or a data file"
                      + ("" if strict else " (--strict fails on them)"))
    if not report.clean or (strict and report.to_vet):
        raise typer.Exit(1)


@apps_app.command("serve")
def apps_serve(port: int = typer.Option(8765, help="Port on 127.0.0.1 (0 = any free port)."),
               host: str = typer.Option("127.0.0.1", help="Interface to listen on.")) -> None:
    """Serve the bundled apps for manual exploration (Ctrl+C to stop)."""
    from synthgen.apps.server import serve_forever

    serve_forever(host, port)


@apps_app.command("start")
def apps_start(name: str = typer.Argument(..., help="datasette, mkdocs or streamlit."),
               port: int = typer.Option(0, help="Port on 127.0.0.1 (0 = the app's own: the one its scenarios name)."),
               ) -> None:
    """Start a real open-source app (scripts/setup.sh installs them) with a fresh state; Ctrl+C stops it."""
    from synthgen.apps.real import serve

    try:
        serve(name, port)
    except SynthgenError as exc:
        err.print(f"[red]error[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@apps_app.command("list")
def apps_list() -> None:
    """List the bundled apps."""
    from synthgen.apps.server import app_info, list_apps

    for name in list_apps():
        info = app_info(name)
        out.print(f"{name:10} {info.get('title', '')}: {info.get('description', '')}", highlight=False)


@app.command()
def lint(paths: list[Path] = typer.Argument(..., help="Scenario files or folders."),
         strict: bool = typer.Option(False, "--strict", help="Warnings fail too.")) -> None:
    """Check scenario files with the same validator as generate; every error names file, line, step and fix."""
    from synthgen.scenario.lint import lint_command

    raise typer.Exit(lint_command(list(paths), strict=strict))


@scenarios_app.command("list")
def scenarios_list(root: Path = typer.Argument(Path("scenarios"), help="Folder of scenario files."),
                   as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List scenarios: name, app, steps, tags (broken files show their error)."""
    import json as _json

    from synthgen.scenario.lint import list_scenarios

    rows = list_scenarios(root)
    if as_json:
        out.print_json(_json.dumps(rows, default=str))
        return
    from rich.table import Table

    t = Table("name", "app / base_url", "steps", "actions", "tags", "file")
    for r in rows:
        if r.get("error"):
            t.add_row("[red]error", "", "", "", "", escape(f"{r['file']}: {r['error']}"))
        else:
            t.add_row(escape(r["name"]), escape(r["app"] or str(r["base_url"])), str(r["steps"]),
                      f"{r['min_actions']}-{r['max_actions']}", escape(",".join(r["tags"])), escape(str(r["file"])))
    out.print(t)


@scenarios_app.command("schema")
def scenarios_schema(out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here instead of "
                                                             "stdout.")) -> None:
    """Export the JSON Schema of the scenario format (for editors: yaml-language-server)."""
    import json as _json

    from synthgen.scenario.jsonschema import scenario_json_schema

    text = _json.dumps(scenario_json_schema(), indent=2)
    if out_file:
        from synthgen.dataset.files import write_bytes_atomic

        write_bytes_atomic(out_file, (text + "\n").encode())
    else:
        print(text)


@app.command()
def report(dataset: Optional[Path] = typer.Argument(None, help="A generated dataset (default: simulate the "
                                                    "motor models directly)."),
           reference: str = typer.Option("freihaut", "--reference", help="Reference human data: freihaut or "
                                         "balabit."),
           out_file: Path = typer.Option(Path("output/fidelity.html"), "--out", "-o", help="HTML file to write."),
           seed: int = typer.Option(0, "--seed"),
           quick: bool = typer.Option(False, "--quick", help="Smaller samples, faster."),
           min_moves: int = typer.Option(MIN_MOVES, "--min-moves", help="Refuse a dataset with fewer click-to-click "
                                         "moves than this: a detector's AUC from fewer is noise (README, Fidelity)."),
           progress: bool = typer.Option(True, "--progress/--no-progress", help="Show what it is doing.")) -> None:
    """Fidelity report: synthetic vs real human input, metrics, plots and the discriminator AUC (HTML).

    Example: synthgen report output/run1 --out output/run1-fidelity.html
    """
    from rich.progress import SpinnerColumn

    from synthgen.fidelity.report import write_report
    from synthgen.report_gate import check_enough_moves

    try:
        with Progress(SpinnerColumn(), TextColumn("[bold]report[/] {task.description}"), TimeElapsedColumn(),
                      console=err, transient=True, disable=not progress) as bar:
            task = bar.add_task("reading the dataset's moves")
            if dataset is not None:
                n = check_enough_moves(dataset, reference, min_moves)
                bar.update(task, description=f"{n} moves against {escape(reference)}'s people: fitting the "
                           "detectors, typing and plots (a minute or two)")
            else:
                bar.update(task, description="simulating personas and fitting the detectors (a minute or two)")
            path = write_report(dataset, out_file, reference=reference, seed=seed, quick=quick)
    except (SynthgenError, FileNotFoundError) as exc:
        _fail(exc)
        return
    out.print(f"report     {escape(str(path))}", highlight=False)


@app.command("export")
def export_cmd(dataset: Path = typer.Argument(..., help="A generated dataset folder."),
               fmt: list[str] = typer.Option(..., "--format", "-f", help="trajectories, rrweb, balabit or hf "
                                             "(repeatable or comma-separated)."),
               session: Optional[list[str]] = typer.Option(None, "--session", help="Only these session ids."),
               waits: str = typer.Option("merge", "--waits", help="trajectories: wait records merged (one per run "
                                         "of steps without input), kept (one per step) or dropped."),
               grid: bool = typer.Option(False, "--grid", help="trajectories: also pyautogui code on a 0-1000 grid."),
               jsonl_content: bool = typer.Option(False, "--jsonl-content", help="trajectories: the JSONL lines "
                                                  "carry the DOM, the a11y tree and the events too (large)."),
               split_by: Optional[str] = typer.Option(None, "--split-by", help="hf: hold out whole scenarios, apps "
                                                      "or personas as the test split."),
               test: Optional[str] = typer.Option(None, "--test", help="hf: the held-out values, comma-separated "
                                                  "(default: a seeded fifth)."),
               shard_mb: float = typer.Option(256.0, "--shard-mb", help="hf: the largest shard in MB.")) -> None:
    """Write exports of an existing dataset into DATASET/exports/<format>/ (and refresh the manifest).

    Example: synthgen export output/run1 --format trajectories,balabit
    Example: synthgen export output/run1 --format hf --split-by scenario --test webmail-compose-send
    """
    from synthgen.dataset import export_dataset
    from synthgen.dataset.exports.hf import HfOptions
    from synthgen.dataset.exports.trajectories import TrajectoryOptions

    try:
        if waits not in ("merge", "keep", "drop"):
            raise ConfigError("waits", waits, "use merge, keep or drop")
        topts = TrajectoryOptions(waits=waits, grid=grid, content=jsonl_content)
        hopts = HfOptions(split_by=split_by, test=tuple(t.strip() for t in (test or "").split(",") if t.strip()),
                          shard_mb=shard_mb, trajectories=topts)
        counts = export_dataset(dataset, fmt, sessions=session or None, trajectories=topts, hf=hopts)
    except SynthgenError as exc:
        _fail(exc)
        return
    for name, n in counts.items():
        out.print(f"{name:13} {n} files in {dataset}/exports/{name}/", highlight=False)


@app.command()
def view(dataset: Path = typer.Argument(..., help="A generated dataset folder."),
         session: Optional[str] = typer.Option(None, "--session", help="One session's page only (default: the "
                                               "whole dataset's overview and every session's page)."),
         out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write (default: beside the "
                                                 "dataset: DATASET-view/ for the overview, DATASET-view.html "
                                                 "for --session)."),
         session_pages: bool = typer.Option(True, "--session-pages/--no-session-pages", help="With the overview, "
                                            "also write each session's page (linked from it).")) -> None:
    """Look at a dataset: an overview page (sessions, failures, per-scenario plots) or one session's page.

    Example: synthgen view output/demo            (then open output/demo-view/index.html)
    Example: synthgen view output/demo --session webmail-compose-send-s7-00000 --out view.html
    """
    from synthgen.view import write_overview, write_view

    try:
        if session is not None:
            path = write_view(dataset, session, out_file)
        else:
            with Progress(TextColumn("[bold]view"), BarColumn(), MofNCompleteColumn(), console=err,
                          transient=True) as bar:
                task = bar.add_task("sessions", total=None)
                path = write_overview(dataset, out_file, session_pages=session_pages,
                                      on_progress=lambda n, total: bar.update(task, completed=n, total=total))
    except SynthgenError as exc:
        _fail(exc)
        return
    out.print(f"view       {path}", highlight=False)


@app.command()
def replay(dataset: Path = typer.Argument(..., help="A generated dataset folder (made with --record-rrweb)."),
           session: Optional[str] = typer.Option(None, "--session", help="Session id (default: the first with a "
                                                 "recording)."),
           out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="The HTML file to write (default: "
                                                   "DATASET-replay-ID.html beside the dataset).")) -> None:
    """Replay a session's rrweb recording: one self-contained player page, the app's images inlined.

    Example: synthgen replay output/run1 --session shop-browse-compare-s7-00000
    """
    from synthgen.view import write_replay

    try:
        path = write_replay(dataset, session, out_file)
    except SynthgenError as exc:
        _fail(exc)
        return
    out.print(f"replay     {path}", highlight=False)


@app.command()
def stats(dataset: Path = typer.Argument(..., help="A generated dataset folder."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")) -> None:
    """Summarise a dataset: sessions ok/failed, events by type, synthetic time, bytes by table.

    Example: synthgen stats output/run1 --json
    """
    import json as _json

    from synthgen.stats import dataset_stats, print_stats

    try:
        st = dataset_stats(dataset)
    except SynthgenError as exc:
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(_json.dumps(st, indent=2) + "\n")
    else:
        print_stats(st, out)


@app.command("env")
def env_cmd(dataset: Optional[Path] = typer.Argument(None, help="A dataset: also say what differs from where it "
                                                    "was made."),
            chromium: Optional[str] = typer.Option(None, "--chromium", envvar="SYNTHGEN_CHROMIUM",
                                                   help="Chromium executable (default: discover)."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """This machine's environment fingerprint: what can change a dataset's bytes (packages, browser, fonts, OS).

    Example: synthgen env output/demo
    """
    import json as _json

    from synthgen.dataset import Destination, read_manifest, read_marker
    from synthgen.dataset.job import env_differences
    from synthgen.environment import fingerprint

    fp = fingerprint(chromium)
    diff: list[str] | None = None
    if dataset is not None:
        dest = Destination.from_uri(dataset)
        try:
            marker = read_marker(dest)
        except SynthgenError as exc:
            _fail(exc)
            return
        made = ((marker or {}).get("environments") or [(read_manifest(dest) or {}).get("environment") or {}])[-1]
        if not made:
            _fail(SynthgenError(f"{dataset} records no environment (not a synthgen dataset, or made by an older one)"))
        diff = env_differences(made, fp)
    if as_json:
        sys.stdout.write(_json.dumps({"environment": fp, "differences": diff}, indent=2) + "\n")
    else:
        for key, value in fp.items():
            shown = ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else value
            out.print(f"{key:9}  {escape(str(shown))}", highlight=False, soft_wrap=True)
        if diff is not None:
            out.print("same as where the dataset was made" if not diff else "differs from where the dataset "
                      "was made:", highlight=False)
            for line in diff:
                out.print(f"  {escape(line)}", highlight=False, soft_wrap=True)
    if diff:
        raise typer.Exit(1)


@app.command()
def verify(dataset: Path = typer.Argument(..., help="A dataset written by synthgen generate."),
           scenario: list[Path] = typer.Option([], "--scenario", "-s", help="The job's scenario files or folders, "
                                               "if not at the paths recorded in the manifest (repeatable)."),
           workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Worker processes for the re-run "
                                                 "(default: as recorded)."),
           chromium: Optional[str] = typer.Option(None, "--chromium", envvar="SYNTHGEN_CHROMIUM",
                                                  help="Chromium executable (default: discover)."),
           keep: Optional[Path] = typer.Option(None, "--keep", help="Write the re-run here (a new folder) and keep "
                                               "it, instead of a temporary folder."),
           only: Optional[str] = typer.Option(None, "--only", help="Compare only these folders (comma-separated, "
                                              "e.g. events,sessions,personas): on wall time a capture can catch "
                                              "an app's timer either side (README Reproducibility)."),
           progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar.")) -> None:
    """Re-run a dataset's job here and compare every file with it; exit 0 when identical, 1 when not.

    What a team's CI runs on its fixture set. Example: synthgen verify tests/fixtures/checkout
    """
    from synthgen.verify import verify_dataset

    try:
        with Progress(TextColumn("[bold]verify"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, disable=not progress) as bar:
            task = bar.add_task("sessions", total=None)
            report = verify_dataset(dataset, scenarios=list(scenario) or None, workers=workers, chromium=chromium,
                                    keep=keep, only=tuple(x.strip() for x in (only or "").split(",") if x.strip()),
                                    on_progress=lambda d, t, _s: bar.update(task, completed=d, total=t))
    except SynthgenError as exc:
        _fail(exc)
        return
    for line in report.job:
        err.print(f"[red]job differs[/] {escape(line)}", highlight=False, soft_wrap=True)
    for line in report.differences[:10]:
        err.print(f"[red]differs[/] {escape(line)}", highlight=False, soft_wrap=True)
    if len(report.differences) > 10:
        err.print(f"... and {len(report.differences) - 10} more files differ", highlight=False)
    for line in report.environment:
        err.print(f"environment differs: {escape(line)}", highlight=False, soft_wrap=True)
    if report.identical:
        out.print(f"identical  {report.files} files of {dataset} re-made in {report.seconds:.1f} s", highlight=False)
    else:
        out.print(f"NOT identical ({len(report.differences)} files differ; {report.seconds:.1f} s)", highlight=False)
        raise typer.Exit(1)


def _escape_help(t: typer.Typer) -> None:
    """Help is printed through Rich, which reads ``[word]`` as markup and drops it (``pip install
    'synthgen[ray]'`` printed as ``pip install 'synthgen'``): escape every help text once, here."""
    import inspect

    from typer.models import ArgumentInfo, OptionInfo

    if t.info.help and isinstance(t.info.help, str):
        t.info.help = escape(t.info.help)
    for c in t.registered_commands:
        if c.callback is None:
            continue
        if c.help is None and c.callback.__doc__:
            c.help = escape(inspect.cleandoc(c.callback.__doc__))
        for p in inspect.signature(c.callback).parameters.values():
            if isinstance(p.default, (OptionInfo, ArgumentInfo)) and isinstance(p.default.help, str):
                p.default.help = escape(p.default.help)
    for g in t.registered_groups:
        if g.typer_instance is not None:
            if isinstance(g.help, str):
                g.help = escape(g.help)
            _escape_help(g.typer_instance)


_escape_help(app)


def main() -> None:
    """Entry point for ``python -m synthgen``."""
    app()


if __name__ == "__main__":
    main()
