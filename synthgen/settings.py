"""Option defaults from a file: ``synthgen.toml`` (or ``[tool.synthgen]`` in ``pyproject.toml``) in the working
folder. Precedence, highest first: the command line, ``SYNTHGEN_<COMMAND>_<OPTION>`` environment variables,
the file, the built-in default.

A table per command holds its options by their long name (``out`` for ``--out``; ``-`` or ``_`` alike);
keys at the top apply to every command that has that option::

    # synthgen.toml
    chromium = "/usr/bin/chromium-headless-shell"   # generate, env, verify
    [generate]
    scenario = ["scenarios/webmail"]
    sessions = 20
    workers = 2
    screenshots = "step"

Every key and value is checked before anything runs: an unknown option is an error naming the file, the
table and the nearest option; a value of the wrong type names the option and what it takes.

>>> import typer
>>> app = typer.Typer()
>>> @app.command()
... def generate(sessions: int = typer.Option(5, "--sessions", "-n")) -> None: ...
>>> @app.command()
... def stats() -> None: ...
>>> cmd = typer.main.get_command(app)
>>> default_map(cmd, {"generate": {"sessions": 20}}, "synthgen.toml")
{'generate': {'sessions': 20}}
>>> default_map(cmd, {"generate": {"sesions": 20}}, "synthgen.toml")
Traceback (most recent call last):
...
synthgen.errors.ConfigError: synthgen.toml [generate] sesions=20: no such option of synthgen generate; did you mean 'sessions'?
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from synthgen.errors import ConfigError

__all__ = ["FILE_NAME", "ENV_PREFIX", "find_option_file", "default_map"]

FILE_NAME = "synthgen.toml"
#: environment variables: SYNTHGEN_<COMMAND>_<OPTION> (e.g. SYNTHGEN_GENERATE_WORKERS=2)
ENV_PREFIX = "SYNTHGEN"


def find_option_file(cwd: Path | None = None) -> tuple[str | None, dict[str, Any]]:
    """``(file, table)``: ``synthgen.toml``, else ``pyproject.toml``'s ``[tool.synthgen]``, in ``cwd``."""
    here = Path(cwd or Path.cwd())
    own = here / FILE_NAME
    for path, pick in ((own, lambda d: d), (here / "pyproject.toml", lambda d: d.get("tool", {}).get("synthgen"))):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            raise ConfigError(str(path), "", f"cannot be read ({exc}); fix it or remove it") from None
        if path != own and "tool.synthgen" not in text:
            continue  # a pyproject.toml that does not speak to synthgen: not ours to judge
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), "", f"cannot be read as TOML ({exc}); fix it or remove it") from None
        table = pick(data)
        if table is None:
            continue
        if not isinstance(table, dict):
            raise ConfigError(str(path), table, "[tool.synthgen] must be a table")
        return (FILE_NAME if path == own else "pyproject.toml [tool.synthgen]"), table
    return None, {}


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    out = {}
    for name in group.list_commands(None):  # type: ignore[arg-type]
        cmd = group.get_command(None, name)  # type: ignore[arg-type]
        out[prefix + name] = cmd
        if hasattr(cmd, "list_commands"):
            out.update(_commands(cmd, f"{prefix}{name}."))
    return out


def _options(cmd: Any) -> dict[str, Any]:
    """A command's options by every spelling a file may use: long names without dashes, and param names."""
    out: dict[str, Any] = {}
    for p in cmd.params:
        if getattr(p, "expose_value", True) is False or p.name in ("help", "version"):
            continue
        out[p.name] = p
        for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", []):
            if o.startswith("--"):
                out[o[2:].replace("-", "_")] = p
    return out


def _check(where: str, cmd: Any, key: str, value: Any) -> tuple[str, Any]:
    opts = _options(cmd)
    p = opts.get(key.replace("-", "_"))
    if p is None or getattr(p, "param_type_name", "option") == "argument":
        close = difflib.get_close_matches(key.replace("-", "_"), [k for k, v in opts.items()
                                                                 if getattr(v, "param_type_name", "") != "argument"],
                                          n=1, cutoff=0.6)
        raise ConfigError(f"{where} {key}", value, f"no such option of synthgen {cmd.name}"
                          + (f"; did you mean '{close[0]}'?" if close else
                             f"; its options: {', '.join(sorted({q.name for q in opts.values()}))}"))
    if getattr(p, "multiple", False) and not isinstance(value, list):
        value = [value]
    try:
        import typer

        ctx = typer.Context(cmd)  # type: ignore[arg-type]
        p.process_value(ctx, value)
    except Exception as exc:  # noqa: BLE001 - the option's own check, in its words
        raise ConfigError(f"{where} {key}", value, f"{exc}") from None
    return p.name, value


def default_map(group: Any, table: dict[str, Any], source: str) -> dict[str, Any]:
    """Click's ``default_map`` for the app ``group`` from a file's table, every key and value checked."""
    commands = _commands(group)
    leaves = {n: c for n, c in commands.items() if not hasattr(c, "list_commands")}
    out: dict[str, Any] = {}

    def put(path: str, name: str, value: Any) -> None:
        node = out
        for part in path.split("."):
            node = node.setdefault(part, {})
        node[name] = value

    # keys at the top first, so a command's own table overrides them
    for key, value in sorted(table.items(), key=lambda kv: isinstance(kv[1], dict)):
        if isinstance(value, dict):
            sub = {f"{key}.{k}": v for k, v in value.items() if isinstance(v, dict)}
            cmd = commands.get(key)
            if cmd is None:
                close = difflib.get_close_matches(key, list(commands), n=1, cutoff=0.6)
                raise ConfigError(f"{source} table", key, "no such command" + (f"; did you mean [{close[0]}]?"
                                                                                  if close else
                                                                                  f"; commands: {', '.join(leaves)}"))
            if sub:  # [apps.serve] written as nested tables
                out.update({k: v for k, v in default_map(group, sub, source).items()})
            for k, v in value.items():
                if not isinstance(v, dict):
                    name, v = _check(f"{source} [{key}]", cmd, k, v)
                    put(key, name, v)
        else:
            hits = [(n, c) for n, c in leaves.items() if _has(c, key)]
            if not hits:
                every = sorted({o for c in leaves.values() for o in _options(c)})
                close = difflib.get_close_matches(key.replace("-", "_"), every, n=1, cutoff=0.6)
                raise ConfigError(f"{source} {key}", value, "no command has this option"
                                  + (f"; did you mean '{close[0]}'?" if close else
                                     "; put options of one command under its table, e.g. [generate]"))
            for n, c in hits:
                name, v = _check(f"{source}", c, key, value)
                put(n, name, v)
    return out


def _has(cmd: Any, key: str) -> bool:
    """Whether ``cmd`` has an option spelt ``key``."""
    p = _options(cmd).get(key.replace("-", "_"))
    return p is not None and getattr(p, "param_type_name", "option") != "argument"
