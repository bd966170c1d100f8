"""The ``hf`` export: a dataset folder the Hugging Face Hub and ``datasets`` read as it is.

``synthgen export DATASET --format hf`` (or ``generate --export hf``) writes ``DATASET/exports/hf/``::

    README.md                                       dataset card; its YAML header lists the configs
    trajectories/<split>-00000-of-0000N.parquet     (instruction, frame, action) records, frames inside
    events/<split>-...parquet                       every input event (+ the step's instruction)
    sessions/<split>-...parquet                     one row per session: task, app, tags, device, outcome
    observations/<split>-...parquet                 one row per capture (a11y tree, DOM, target box)

Shards are capped in size (``shard_mb``) and named as the Hub expects (``train-00000-of-00003.parquet``).
The trajectories' ``image`` column is the observation's frame, embedded (bytes and path), declared as an
``Image`` feature in the Parquet metadata, so it decodes to a PIL image. ``split_by`` (scenario, app or
persona) holds out whole tasks, apps or people as ``test`` (Mind2Web's test_task / test_website): the
values in ``test`` or, without it, a seeded fifth of them.

>>> from synthgen.dataset.exports.hf import shard_name
>>> shard_name("train", 0, 3)
'train-00000-of-00003.parquet'

Load it (no network): ``datasets.load_dataset("DATASET/exports/hf", "trajectories")``. Push it as it is:
``huggingface-cli upload <user>/<name> DATASET/exports/hf . --repo-type dataset``.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from synthgen.dataset import layout as L
from synthgen.dataset.destination import Destination
from synthgen.dataset.exports.trajectories import TRAJECTORY_SCHEMA, TrajectoryOptions, session_trajectory
from synthgen.errors import ConfigError
from synthgen.schema import SESSIONS_SCHEMA

__all__ = ["HfOptions", "export_hf", "shard_name", "HF_DIR", "CONFIGS", "SPLIT_BY"]

HF_DIR = f"{L.EXPORTS}/hf"
CONFIGS = ("trajectories", "events", "sessions", "observations")
#: the session column each ``split_by`` holds out by
SPLIT_BY = {"scenario": "scenario", "app": "app", "persona": "persona_id"}
_IMAGE = pa.struct([("bytes", pa.binary()), ("path", pa.string())])


@dataclass(frozen=True)
class HfOptions:
    """How the ``hf`` export is cut (``synthgen export --format hf --split-by scenario --test a,b``)."""

    split_by: str | None = None  # scenario | app | persona: hold these out whole as the test split
    test: tuple[str, ...] = ()  # the held-out values (default: a seeded fifth of them)
    shard_mb: float = 256.0  # the largest shard, before compression of the text columns
    trajectories: TrajectoryOptions = TrajectoryOptions()

    def __post_init__(self) -> None:
        if self.split_by is not None and self.split_by not in SPLIT_BY:
            raise ConfigError("split-by", self.split_by, f"use one of {', '.join(SPLIT_BY)}")
        if self.shard_mb <= 0:
            raise ConfigError("shard-mb", self.shard_mb, "a shard size must be above 0 MB, e.g. 256")


def shard_name(split: str, index: int, count: int) -> str:
    """The Hub's shard naming, ``<split>-<index:05d>-of-<count:05d>.parquet``."""
    return f"{split}-{index:05d}-of-{count:05d}.parquet"


def _held_out(values: list[str], opts: HfOptions) -> set[str]:
    if opts.test:
        unknown = sorted(set(opts.test) - set(values))
        if unknown:
            raise ConfigError("test", ",".join(unknown), f"not a {opts.split_by} of this dataset; "
                              f"choose from {', '.join(sorted(set(values)))}")
        return set(opts.test)
    # A seeded fifth (at least one, never all): the same dataset gives the same split on every machine.
    ranked = sorted(set(values), key=lambda v: hashlib.sha256(v.encode()).hexdigest())
    n = max(1, len(ranked) // 5) if len(ranked) > 1 else 0
    return set(ranked[:n])


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings (what every Arrow reader, and ``datasets``, takes)."""
    cols = [c.cast(pa.string()) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    return pa.table(cols, names=table.column_names)


def _features(schema: pa.Schema, image: str | None) -> dict[str, Any]:
    """The ``datasets`` features of a table (its ``huggingface`` Parquet metadata): ``image`` an Image."""
    from_arrow = {pa.types.is_string: "string", pa.types.is_large_string: "large_string",
                  pa.types.is_boolean: "bool", pa.types.is_float32: "float32", pa.types.is_float64: "float64",
                  pa.types.is_int8: "int8", pa.types.is_int32: "int32", pa.types.is_int64: "int64"}

    def feat(t: pa.DataType) -> Any:
        for test, name in from_arrow.items():
            if test(t):
                return {"dtype": name, "_type": "Value"}
        if pa.types.is_timestamp(t):
            return {"dtype": f"timestamp[{t.unit}, tz={t.tz}]" if t.tz else f"timestamp[{t.unit}]", "_type": "Value"}
        if pa.types.is_list(t):
            return {"feature": feat(t.value_type), "_type": "Sequence"}
        if pa.types.is_struct(t):
            return {f.name: feat(f.type) for f in t}
        return {"dtype": str(t), "_type": "Value"}

    out = {f.name: feat(f.type) for f in schema}
    if image:
        out[image] = {"_type": "Image"}
    return out


class _Shards:
    """Tables of one config and split, written as size-capped shards once all are in."""

    def __init__(self, cap_bytes: float) -> None:
        self.cap = cap_bytes
        self.groups: list[list[pa.Table]] = [[]]
        self.size = 0

    def add(self, t: pa.Table) -> None:
        if self.size and self.size + t.nbytes > self.cap:
            self.groups.append([])
            self.size = 0
        self.groups[-1].append(t)
        self.size += t.nbytes


def _write(dest: Destination, config: str, split: str, shards: _Shards, schema: pa.Schema,
           image: str | None) -> list[str]:
    groups = [g for g in shards.groups if g]
    meta = {b"huggingface": json.dumps({"info": {"features": _features(schema, image)}}).encode()}
    paths = []
    for i, g in enumerate(groups):
        table = pa.concat_tables([t.cast(schema) for t in g]).replace_schema_metadata(meta)
        buf = io.BytesIO()
        # row groups of ~100 rows: a reader streams frames without holding a shard in memory
        pq.write_table(table, buf, compression="zstd", row_group_size=100)
        path = f"{HF_DIR}/{config}/{shard_name(split, i, len(groups))}"
        dest.put_bytes(path, buf.getvalue())
        paths.append(path)
    return paths


def export_hf(dest: Destination, reader: Any, ids: Iterable[str], opts: HfOptions = HfOptions()) -> dict[str, int]:
    """Write ``exports/hf/`` for the given complete sessions; returns the rows per config."""
    ids = list(ids)
    loaded = {sid: reader.load(sid) for sid in ids}
    rows = {sid: s.row for sid, s in loaded.items()}
    split_of: dict[str, str] = {sid: "train" for sid in ids}
    if opts.split_by:
        col = SPLIT_BY[opts.split_by]
        held = _held_out([str(r.get(col)) for r in rows.values()], opts)
        split_of = {sid: "test" if str(r.get(col)) in held else "train" for sid, r in rows.items()}
    splits = sorted(set(split_of.values()), key=lambda s: (s != "train", s))
    cap = opts.shard_mb * 1e6
    shards = {(c, s): _Shards(cap) for c in CONFIGS for s in splits}
    counts = dict.fromkeys(CONFIGS, 0)
    traj_schema = pa.schema(list(TRAJECTORY_SCHEMA) + [pa.field("image", _IMAGE)])
    schemas: dict[str, pa.Schema] = {"trajectories": traj_schema}
    for sid in ids:
        s, split = loaded[sid], split_of[sid]
        recs = session_trajectory(s.row, s.events, s.observations, opts.trajectories)
        for r in recs:
            frame = r.get("obs_frame")
            r["image"] = {"bytes": dest.read_bytes(frame), "path": frame} if frame else None
        shards[("trajectories", split)].add(pa.Table.from_pylist(recs, schema=traj_schema))
        counts["trajectories"] += len(recs)
        steps = {r["step_id"]: r["step_instruction"] for r in recs}
        ev = _plain(s.events)
        ev = ev.append_column("step_instruction", pa.array([steps.get(x) for x in ev.column("step_id").to_pylist()],
                                                           pa.string()))
        schemas.setdefault("events", ev.schema)
        shards[("events", split)].add(ev)
        counts["events"] += ev.num_rows
        srow = _plain(pa.Table.from_pylist([s.row], schema=SESSIONS_SCHEMA))
        schemas.setdefault("sessions", srow.schema)
        shards[("sessions", split)].add(srow)
        counts["sessions"] += 1
        if s.observations is not None and s.observations.num_rows:
            obs = _plain(s.observations)
            schemas.setdefault("observations", obs.schema)
            shards[("observations", split)].add(obs)
            counts["observations"] += obs.num_rows
    for old, _ in dest.walk(HF_DIR):  # a previous export's shards (another shard count) must not linger
        dest.delete(old)
    files: dict[str, list[str]] = {}
    for (config, split), sh in shards.items():
        if config in schemas and any(sh.groups):
            files.setdefault(config, []).extend(
                _write(dest, config, split, sh, schemas[config], "image" if config == "trajectories" else None))
    dest.put_bytes(f"{HF_DIR}/README.md", dataset_card(files, counts, split_of, rows, opts).encode())
    return counts


def dataset_card(files: dict[str, list[str]], counts: dict[str, int], split_of: dict[str, str],
                 rows: dict[str, dict[str, Any]], opts: HfOptions) -> str:
    """The dataset card: the ``configs:`` the Hub and ``load_dataset`` read, then what the data is."""
    lines = ["---", "configs:"]
    for config in CONFIGS:
        if config not in files:
            continue
        lines += [f"- config_name: {config}"] + (["  default: true"] if config == "trajectories" else [])
        lines.append("  data_files:")
        for split in sorted({p.rsplit("/", 1)[1].split("-", 1)[0] for p in files[config]}):
            lines += [f"  - split: {split}", f"    path: {config}/{split}-*.parquet"]
    tags = sorted({t for r in rows.values() for t in (r.get("tags") or [])})
    lines += ["task_categories:", "- image-text-to-text", "tags:", "- synthetic", "- computer-use", "- gui-agent",
              *[f"- {t}" for t in tags[:20]], "---", "",
              "# synthgen computer-use trajectories", "",
              "Synthetic sessions of scripted personas using web apps in Chromium (synthgen). Every record of",
              "`trajectories` is one action: the session's `task`, a step `instruction`, the screen before the",
              "action (`image`), and the action as JSON (`action`), as OpenCUA-style code (`pyautogui`, coordinates",
              "normalised to the viewport) and Mind2Web-style (`action_repr`), with the target's box (`box_*`,",
              "`box_n*`) and element id (`element_id`, the `data-sg-id` in `observations.dom`). The last record of",
              "a session is `done` with its status.", "",
              "| config | rows |", "|---|---|", *[f"| {c} | {counts[c]} |" for c in CONFIGS if c in files], ""]
    if opts.split_by:
        held = sorted({str(rows[s].get(SPLIT_BY[opts.split_by])) for s, sp in split_of.items() if sp == "test"})
        lines += [f"Split by {opts.split_by}: `test` holds out {', '.join(held)}.", ""]
    lines += ["```python", "from datasets import load_dataset", 'ds = load_dataset("<this folder or repo>", '
              '"trajectories", split="train")', 'ds[0]["instruction"], ds[0]["image"], ds[0]["pyautogui"]', "```", ""]
    return "\n".join(lines)
