"""Loader behaviour that needs real files: sizes, encodings, includes, data files, folders."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from synthgen.errors import ScenarioError
from synthgen.scenario import load_scenario, load_scenario_text, load_scenarios, scenario_files
from synthgen.scenario import steps as S
from synthgen.scenario.loader import MAX_FILE_BYTES

H = "name: t\napp: webmail\n"


def write(tmp: Path, name: str, text: str | bytes) -> Path:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def err(path: Path | str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def test_huge_file_rejected_before_parsing(tmp_path: Path) -> None:
    p = write(tmp_path, "big.yaml", H + "steps:\n" + "  - goto: /\n" * (MAX_FILE_BYTES // 10))
    t0 = time.perf_counter()
    msg = err(p)
    assert time.perf_counter() - t0 < 0.5  # no parsing happened
    assert msg == (f"{p}: file is 2.4 MB, over the 2 MB limit for scenario files; "
                   "split it into flows files, or move bulk data to a data: file")


def test_huge_text_rejected() -> None:
    with pytest.raises(ScenarioError, match="over the 2 MB limit"):
        load_scenario_text("#" * (MAX_FILE_BYTES + 1))


def test_missing_and_folder(tmp_path: Path) -> None:
    assert err(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: no such file; check the path"
    assert err(tmp_path) == f"{tmp_path}: not a file; give a .yaml file, or use load_scenarios for a folder"


def test_not_utf8_and_binary(tmp_path: Path) -> None:
    p = write(tmp_path, "latin.yaml", (H + "steps: [{type: {into: x, text: 'caf\xe9'}}]\n").encode("latin-1"))
    assert err(p) == f"{p}:3: not UTF-8 text (byte 56); save the file as UTF-8"
    q = write(tmp_path, "bin.yaml", b"name: t\n\x00\x01")
    assert err(q) == f"{q}:2: the file contains NUL bytes (is it binary?); save it as UTF-8 text"


def test_bom_is_fine(tmp_path: Path) -> None:
    p = write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + (H + "steps: [goto: /]\n").encode())
    assert load_scenario(p).name == "t"


FLOWS = """flows:
  login:
    - type: {into: "label=Email", text: "{{ persona.email }}"}
    - include: submit
  submit:
    - press: Enter
steps:
  - goto: /login
  - include: login
"""


def test_include_flow_file(tmp_path: Path) -> None:
    write(tmp_path, "_shared/auth.yaml", FLOWS)
    p = write(tmp_path, "s.yaml", H + "steps:\n  - include: _shared/auth.yaml#login\n  - include: _shared/auth.yaml\n")
    s = load_scenario(p)
    assert s.steps[0] == S.Include(flow="_shared/auth.yaml#login", line=4)
    assert set(s.flows) == {"_shared/auth.yaml#login", "_shared/auth.yaml#submit", "_shared/auth.yaml"}
    import numpy as np
    from synthgen.scenario import iter_actions
    ids = [sid for sid, _ in iter_actions(s, np.random.default_rng(0))]
    assert ids == ["1.login.1", "1.login.2.submit.1", "2.auth.1", "2.auth.2.login.1", "2.auth.2.login.2.submit.1"]


def test_include_flow_file_errors(tmp_path: Path) -> None:
    write(tmp_path, "_shared/auth.yaml", FLOWS.replace("press: Enter", "pres: Enter"))
    p = write(tmp_path, "s.yaml", H + "steps:\n  - include: _shared/auth.yaml#login\n")
    assert err(p) == (f"{tmp_path}/_shared/auth.yaml:6 step submit.1 'pres': unknown step kind; "
                      "did you mean 'press'?")
    write(tmp_path, "_shared/auth.yaml", FLOWS)
    q = write(tmp_path, "q.yaml", H + "steps:\n  - include: _shared/auth.yaml#logn\n")
    assert err(q) == (f"{q}:4 step 1 'include': unknown flow 'logn' in '_shared/auth.yaml'; "
                      "did you mean 'login'? flows in '_shared/auth.yaml': login, submit")
    write(tmp_path, "_shared/only.yaml", "flows:\n  a: [goto: /]\n")
    r = write(tmp_path, "r.yaml", H + "steps:\n  - include: _shared/only.yaml\n")
    assert err(r) == (f"{r}:4 step 1 'include': '_shared/only.yaml' has no top-level 'steps'; "
                      "include one of its flows: _shared/only.yaml#a")
    write(tmp_path, "_shared/bad.yaml", "name: x\nsteps: [goto: /]\n")
    b = write(tmp_path, "b.yaml", H + "steps:\n  - include: _shared/bad.yaml\n")
    assert err(b) == (f"{tmp_path}/_shared/bad.yaml:1: unknown key 'name' in a flows file; "
                      "a flows file takes: description, flows, steps")


def test_include_cycle_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.flows.yml", "flows:\n  x:\n    - goto: /\n    - include: b.flows.yml#y\n")
    write(tmp_path, "b.flows.yml", "flows:\n  y:\n    - include: a.flows.yml#x\n")
    p = write(tmp_path, "s.yaml", H + "steps:\n  - include: a.flows.yml#x\n")
    assert err(p) == (f"{tmp_path}/b.flows.yml:3 step y.1 'include': include cycle: a.flows.yml#x -> "
                      "b.flows.yml#y -> a.flows.yml#x; a flow cannot include itself, directly or through other flows")


def test_data_files(tmp_path: Path) -> None:
    write(tmp_path, "rows.csv", "email,city\na@x.org,Oslo\nb@x.org,\"Rome, IT\"\n")
    write(tmp_path, "rows.json", '[{"email": "a@x.org", "n": 3}]')
    write(tmp_path, "rows.jsonl", '{"email": "a@x.org"}\n\n{"email": "b@x.org"}\n')
    for name, n in (("rows.csv", 2), ("rows.json", 1), ("rows.jsonl", 2)):
        p = write(tmp_path, f"s_{name}.yaml", H + f"data: {name}\nsteps: [{{type: {{into: x, text: '{{{{ data.email }}}}'}}}}]\n")
        s = load_scenario(p)
        assert s.data is not None and len(s.data.rows) == n and s.data.rows[0]["email"] == "a@x.org"
    assert load_scenario(tmp_path / "s_rows.json.yaml").data.rows[0]["n"] == "3"  # type: ignore[union-attr]


@pytest.mark.parametrize("name, content, problem", [
    ("empty.csv", "", "data file 'empty.csv' needs a header row with a name for every column; "
                      "first line: e.g. email,first_name"),
    ("noheader.csv", ",b\n1,2\n", "data file 'noheader.csv' needs a header row with a name for every column; "
                                  "first line: e.g. email,first_name"),
    ("norows.csv", "a,b\n", "data file 'norows.csv' has no rows; add at least one row"),
    ("extra.csv", "a,b\n1,2,3\n", "data file 'extra.csv' line 2: more values than columns; "
                                  "quote values that contain commas"),
    ("bad.json", "{", "data file 'bad.json' cannot be read: Expecting property name enclosed in double quotes: "
                      "line 1 column 2 (char 1)"),
    ("obj.json", '{"a": 1}', "data file 'obj.json' must hold a list of objects; e.g. [{\"email\": \"a@example.com\"}]"),
    ("nested.json", '[{"a": [1]}]', "data file 'nested.json' has a nested value; values must be text or numbers"),
    ("rows.xlsx", "x", "data file 'rows.xlsx' has an unknown type '.xlsx'; use .csv (with a header row), .tsv, "
                       ".json (a list of objects) or .jsonl"),
])
def test_data_file_errors(tmp_path: Path, name: str, content: str, problem: str) -> None:
    write(tmp_path, name, content)
    p = write(tmp_path, "s.yaml", H + f"data: {{file: {name}}}\nsteps: [goto: /]\n")
    assert err(p) == f"{p}:3: {problem}"


def test_folders_skip_underscore_and_find_yml(tmp_path: Path) -> None:
    write(tmp_path, "a/one.yaml", "name: one\napp: x\nsteps: [goto: /]\n")
    write(tmp_path, "b/two.yml", "name: two\napp: x\nsteps: [goto: /]\n")
    write(tmp_path, "_fixtures/bad.yaml", "not: [valid")
    write(tmp_path, "a/_flows.yaml", "flows: {}\n")
    write(tmp_path, "a/notes.txt", "hi")
    assert [p.name for p in scenario_files(tmp_path)] == ["one.yaml", "two.yml"]
    assert [s.name for s in load_scenarios([tmp_path])] == ["one", "two"]
    # an _-prefixed folder given directly is searched
    assert scenario_files(tmp_path / "_fixtures") == [tmp_path / "_fixtures" / "bad.yaml"]
    with pytest.raises(ScenarioError, match="no such file or folder"):
        scenario_files(tmp_path / "missing")


def test_duplicate_names_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: same\napp: x\nsteps: [goto: /]\n")
    b = write(tmp_path, "b.yaml", "name: same\napp: x\nsteps: [goto: /]\n")
    with pytest.raises(ScenarioError) as info:
        load_scenarios(tmp_path)
    assert str(info.value) == (f"{b}:1: scenario name 'same' is already used by {tmp_path / 'a.yaml'}; "
                               "give each scenario a unique name")


def test_sha_and_source(tmp_path: Path) -> None:
    import hashlib
    text = H + "steps: [goto: /]\n"
    p = write(tmp_path, "s.yaml", text)
    s = load_scenario(p)
    assert s.source == p.resolve()
    assert s.source_text_sha256 == hashlib.sha256(text.encode()).hexdigest()
