"""Every example in the README is run by a test (issue 19).

* the scenario examples load and lint clean, and the shop example runs in Chromium with every session ok;
* every ``synthgen ...`` command the README shows (code blocks and inline) parses against the CLI: each
  option it names exists and takes the value given;
* the dataset commands and Python snippets run for real, in order, on a small dataset, with only the
  output folder and the session count changed (see :data:`SUBSTITUTE`).

Commands that need a cluster, a bucket or minutes of work (``--engine ray``, ``-n 10000``, ``make``, the
benchmarks) are parsed, not run; :data:`NOT_RUN` lists them with the reason.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from synthgen.cli import app
from synthgen.scenario.lint import lint_paths
from synthgen.scenario.loader import load_scenario

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
TEXT = README.read_text()


def _blocks(lang: str) -> list[tuple[int, str]]:
    """``(line, body)`` of every fenced block of ``lang``."""
    return [(TEXT.count("\n", 0, m.start()) + 2, m.group(1))
            for m in re.finditer(rf"```{lang}\n(.*?)```", TEXT, re.S)]


def _scenarios() -> list[tuple[int, str]]:
    return [(line, b) for line, b in _blocks("yaml") if b.startswith("name:")]


def shell_commands() -> list[tuple[int, str]]:
    """Every ``synthgen`` command of the README: ``(line, command)``, from bash blocks and inline code."""
    out: list[tuple[int, str]] = []
    for line, body in _blocks("bash"):
        body = body.replace("\\\n", " ")
        for i, ln in enumerate(body.splitlines()):
            ln = ln.split("  #")[0].split(" # ")[0].strip()
            for part in re.split(r";|&&|\|\|", ln):
                part = part.strip()
                if part.startswith("synthgen "):
                    out.append((line + i, part))
    for m in re.finditer(r"`(synthgen [^`]*)`", TEXT):
        cmd = " ".join(m.group(1).split())
        out.append((TEXT.count("\n", 0, m.start()) + 1, cmd))
    return out


def parse(args: list[str], *, mention: bool = False) -> dict[str, Any]:
    """Parse a command line as ``synthgen`` would, without running it; usage errors raise. ``mention``: a
    bare command name in the text (`synthgen export`) only has to exist."""
    cmd: Any = typer.main.get_command(app)
    name, parent = "synthgen", None
    while True:
        if mention and not args and not hasattr(cmd, "resolve_command"):
            return {}
        ctx = cmd.make_context(name, list(args), parent=parent)
        if not hasattr(cmd, "resolve_command"):
            return dict(ctx.params)
        rest = list(getattr(ctx, "_protected_args", [])) + list(ctx.args)
        if not rest:
            return dict(ctx.params)
        name, cmd, args = cmd.resolve_command(ctx, rest)
        parent = ctx


def test_readme_scenarios_load(tmp_path: Path) -> None:
    blocks = _scenarios()
    assert blocks
    for i, (_, text) in enumerate(blocks):
        path = tmp_path / f"readme_{i}.yaml"
        path.write_text(text)
        assert load_scenario(path).name


def test_readme_scenarios_lint_clean(tmp_path: Path) -> None:
    for i, (line, text) in enumerate(_scenarios()):
        path = tmp_path / f"readme_{i}.yaml"
        path.write_text(text)
        assert [str(x) for x in lint_paths([path])] == [], f"README.md:{line}"


def test_every_readme_command_parses() -> None:
    cmds = shell_commands()
    assert len(cmds) > 30
    for line, cmd in cmds:
        args = shlex.split(cmd)[1:]
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                parse(args, mention=all(re.fullmatch(r"[a-z]+", a) for a in args))
        except (typer.Exit, SystemExit) as e:  # --help, --version
            assert getattr(e, "exit_code", getattr(e, "code", 0)) in (0, None), f"README.md:{line}: {cmd}"
        except Exception as e:  # noqa: BLE001 - a usage error names the README line
            raise AssertionError(f"README.md:{line}: {cmd!r} does not parse: {e}") from e


def test_a_wrong_option_would_be_caught() -> None:
    """The parse check above can fail."""
    with pytest.raises(Exception, match="--sesions"):
        parse(["generate", "-s", "x", "--sesions", "3"])


@pytest.mark.browser
def test_readme_scenario_runs_every_session_ok(tmp_path: Path) -> None:
    """The README's own scenario (shop-quick-order) against the bundled shop: two of two sessions ok."""
    (line, text), = [(ln, b) for ln, b in _scenarios() if b.startswith("name: shop-quick-order")]
    path = tmp_path / "quick.yaml"
    path.write_text(text)
    r = CliRunner().invoke(app, ["generate", "-s", str(path), "-n", "2", "-w", "1", "--no-progress",
                                 "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, f"README.md:{line}: {r.output}"
    assert "sessions   2 (2 ok, 0 failed" in r.output


#: what the walkthrough changes in the README's commands and snippets: the output folders (into tmp_path)
#: and the number of sessions (one a scenario)
SUBSTITUTE = {"-n 5": "-n 1", "--sessions 20": "--sessions 1"}
#: commands parsed but not run, and why
NOT_RUN = {
    "--engine ray": "needs a Ray cluster (tests/runner runs the engine on a local Ray)",
    "-n 50": "minutes of work (the same command with -n 1 is run)",
    "--scenario scenarios --sessions": "every bundled scenario (make demo runs it)",
    "-s scenarios -n 2 --seed 11": "every bundled scenario: the mouse product check's run (make demo runs the set)",
    "-s scenarios/_realapps": "needs .venv-apps (pytest -m realapps)",
    "synthgen apps ": "serves until Ctrl+C",
    "synthgen report": "the fidelity report (tests/fidelity)",
}


#: README commands the tests here run (as written, or with SUBSTITUTE)
RUN_BY_TESTS = (
    "--scenario scenarios/webmail/compose_send.yaml", "--tags smoke", "--export trajectories,rrweb,balabit",
    "synthgen export out/run", "synthgen view out/run", "synthgen replay out/run", "synthgen stats out/run",
    "synthgen audit output/run1", "synthgen env", "synthgen verify output/demo", "synthgen lint scenarios/",
    "synthgen scenarios schema", "synthgen scenarios list", "--help", "-h",
)


def test_every_readme_command_is_run_or_explained() -> None:
    for line, cmd in shell_commands():
        words = cmd.split()[1:]
        if all(re.fullmatch(r"[a-z]+", w) for w in words):
            continue  # a command named in the text
        if re.search(r"\b(DATASET|ID|FILE|URL|NAME)\b|<|\[|\.\.\.", cmd):
            continue  # a template with placeholders (its options are parsed above)
        assert any(k in cmd for k in RUN_BY_TESTS) or any(k in cmd for k in NOT_RUN), \
            f"README.md:{line}: {cmd!r} is neither run by a test here nor listed in NOT_RUN with a reason"


@pytest.mark.browser
@pytest.mark.slow
def test_readme_dataset_commands_and_snippets_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's walk through a dataset, in order: generate with captures and exports, export, view, stats,
    reading the tables with pyarrow/pandas/polars/duckdb, the Hugging Face export and load_dataset, audit,
    env and verify."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "run"
    runner = CliRunner()

    def run(cmd: str, *, ok: tuple[int, ...] = (0,)) -> str:
        for a, b in SUBSTITUTE.items():
            cmd = cmd.replace(a, b)
        cmd = re.sub(r"\b(out|output)/(run1?|demo)\b", str(out), cmd)
        cmd = re.sub(r"\b(?:out|output)/([\w-]+)", lambda m: str(tmp_path / m.group(1)), cmd)  # never the repo's
        r = runner.invoke(app, shlex.split(cmd)[1:])
        assert r.exit_code in ok, f"{cmd}: exit {r.exit_code}\n{r.output}"
        return r.output

    def block_commands(needle: str) -> list[str]:
        (_, body), = [(ln, b) for ln, b in _blocks("bash") if needle in b]
        lines = [" ".join(x.split("  #")[0].split()) for x in body.replace("\\\n", " ").splitlines()]
        return [x for x in lines if x.startswith("synthgen ")]

    first = block_commands("--sessions 20 --seed 7")[0]  # the first example of Generate, one session
    run(first)
    shutil.rmtree(out)
    (tags,) = [c for c in block_commands("--sessions 20 --seed 7") if "--tags" in c]
    assert "sessions   2 (2 ok" in run(tags)  # the smoke-tagged scenario of scenarios/ (webmail compose_send)
    for cmd in block_commands("--export trajectories,rrweb,balabit"):  # generate with captures, export, view, stats
        run(cmd)
    assert (out / "exports" / "rrweb").is_dir() and any((out / "frames").iterdir())
    assert (out.parent / "run-view.html").is_file()

    (_, read_snippet), = [(ln, b) for ln, b in _blocks("python") if "duckdb" in b]
    exec(read_snippet.replace("output/run1", str(out)), {})  # noqa: S102 - the README's own snippet

    run("synthgen export out/run1 --format hf")
    (_, hf_snippet), = [(ln, b) for ln, b in _blocks("python") if "load_dataset" in b]
    scope: dict[str, Any] = {}
    exec(hf_snippet.replace("out/run1", str(out)), scope)  # noqa: S102
    assert scope["pairs"] and any(str(p[2]).startswith("pyautogui.click(") for p in scope["pairs"])

    run(block_commands("synthgen audit")[0])
    for cmd in block_commands("synthgen env"):
        if cmd.startswith("synthgen verify"):
            cmd += " --only events,sessions,personas"  # as the README says for a job whose captures can differ
            # It runs and compares (exit 0 identical, 1 not; 2 would be a broken command). Not asserted
            # identical here: on a loaded machine one webmail session's events differed (1082 vs 1079 rows,
            # issue 19's report), which belongs to the reproducibility tests, not to the README's.
            output = run(cmd, ok=(0, 1))
            assert "identical" in output
        else:
            run(cmd)


def test_readme_quick_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands that need no browser, run as written (the schema into tmp_path)."""
    monkeypatch.chdir(REPO)
    runner = CliRunner()
    for cmd in ("synthgen lint scenarios/", "synthgen scenarios list", "synthgen --help", "synthgen generate --help",
                f"synthgen scenarios schema -o {tmp_path / 'scenario.schema.json'}"):
        assert any(cmd.split(" -o ")[0] in c for _, c in shell_commands()), cmd
        r = runner.invoke(app, shlex.split(cmd)[1:])
        assert r.exit_code == 0, f"{cmd}: {r.output}"
    assert (tmp_path / "scenario.schema.json").stat().st_size > 1000


def test_readme_option_file_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's synthgen.toml example is read and every key in it checked against the CLI."""
    from synthgen.settings import default_map, find_option_file

    (_, text), = _blocks("toml")
    (tmp_path / "synthgen.toml").write_text(text)
    source, table = find_option_file(tmp_path)
    assert source == "synthgen.toml"
    dm = default_map(typer.main.get_command(app), table, source)
    assert dm["generate"]["sessions"] == 20 and dm["verify"]["chromium"] == dm["generate"]["chromium"]
    monkeypatch.chdir(tmp_path)  # and the CLI starts with it
    assert CliRunner().invoke(app, ["scenarios", "list", str(REPO / "scenarios" / "_examples")]).exit_code == 0
