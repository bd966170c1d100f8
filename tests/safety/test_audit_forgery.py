"""Each way to pass off a forged dataset as synthetic fails the audit: a real person in the personas table
(events and manifest edited to match), files the run never wrote, and page or data-file text typed in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from faultkit import scenario
from safety.test_audit import _keys, _rewrite_events
from synthgen.audit import audit_dataset
from synthgen.cli import app
from synthgen.schema import PERSONAS_SCHEMA

REAL = {"first_name": "Margaret", "last_name": "Hamilton", "email": "margaret.hamilton@example.org",
        "phone": "+1 617 555 0142"}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, faults_url: str) -> Path:
    """Two sessions of the quick scenario, plus one that types a captured heading and a data-file value."""
    from synthgen.runner.local import GenerateConfig, generate

    tmp = tmp_path_factory.mktemp("forgery")
    sc = tmp / "scenarios"
    sc.mkdir()
    # exact: the persona's uncorrected slips are the typo tolerance's business (tests/safety/test_audit.py),
    # not what these tests are about
    quick = scenario("quick").read_text().replace("app: faults", f"base_url: {faults_url}")
    (sc / "quick.yaml").write_text(quick.replace('first_name }}"}', 'first_name }}", exact: true}')
                                   .replace('random_int(1, 99) }}"}', 'random_int(1, 99) }}", exact: true}'))
    (sc / "people.csv").write_text("who\nAda from the data file\n")
    (sc / "vet.yaml").write_text(f"""name: faults-vet
base_url: {faults_url}
think: 300
data: {{file: people.csv}}
steps:
  - goto: /faults/
  - capture: {{name: heading, target: "css=h1"}}
  - type: {{into: "testid=name", text: "{{{{ captured.heading }}}}", exact: true}}
  - type: {{into: "testid=note", text: "{{{{ data.who }}}}", exact: true}}
""")
    out = tmp / "ds"
    s = generate(GenerateConfig(scenarios=[sc / "quick.yaml", sc / "vet.yaml"], sessions=2, seed=4, out=out,
                                personas=5))
    assert s.ok == 4, s.failures
    return out


def _copy(dataset: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(dataset, tmp_path / "ds"))


def _reseal(root: Path) -> None:
    """Rewrite the manifest over the edited files, keeping the job's config (as a forger would)."""
    old = json.loads((root / "manifest.json").read_text())
    try:
        from synthgen.dataset import Destination, write_manifest

        write_manifest(Destination.from_uri(root), job=old.get("job") or {"seed": old["seed"]}, command="forged",
                       config=old["config"])
    except ImportError:  # before synthgen.dataset
        from synthgen.runner.manifest import write_manifest as legacy

        legacy(root, command="forged", config=old["config"], seed=old["seed"])


def test_the_clean_dataset_passes_but_lists_what_to_vet(dataset: Path) -> None:
    report = audit_dataset(dataset)
    assert report.clean, (report.problems, report.untraced)
    vet = {(t.session_id.split("-s4-")[0], t.step_id): t.vet for t in report.to_vet}
    assert len(vet) == 2 and len(report.to_vet) == 4, vet  # two sessions of faults-vet, two strings each
    page, data = vet[("faults-vet", "3")], vet[("faults-vet", "4")]
    assert page[0].startswith("came from the page http://127.0.0.1:") and "/faults/" in page[0]
    assert data[0].startswith("came from a data file: ") and data[0].endswith("people.csv: its content is yours to vet")
    assert CliRunner().invoke(app, ["audit", str(dataset)]).exit_code == 0
    r = CliRunner().invoke(app, ["audit", str(dataset), "--strict"])
    assert r.exit_code == 1 and "came from a data file" in r.output and "came from the page" in r.output


def test_a_real_person_in_the_personas_table_fails(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    ppath = root / "personas" / "personas.parquet"
    rows = pq.read_table(ppath).to_pylist()
    ev = sorted((root / "events").glob("faults-quick-*.parquet"))[0]
    pid = pq.read_table(root / "sessions" / ev.name).to_pylist()[0]["persona_id"]
    for r in rows:
        if r["persona_id"] == pid:
            r.update(REAL)
    pq.write_table(pa.Table.from_pylist(rows, schema=PERSONAS_SCHEMA), ppath)

    def retype(events: list[dict]) -> list[dict]:  # step 2 types persona.first_name: make it the real name
        like = next(e for e in events if e["type"] == "keydown" and e["step_id"] == "2")
        kept = [e for e in events if not (e["step_id"] == "2" and e["type"] in ("keydown", "keyup"))]
        return kept + _keys(REAL["first_name"], "2", like["t_ms"], like)

    _rewrite_events(ev, retype)
    _reseal(root)
    report = audit_dataset(root)
    assert not report.untraced  # the typed text matches the forged table: only the re-derivation can tell
    assert any(f"personas: {pid}: first_name is 'Margaret'" in p for p in report.problems), report.problems
    assert any(f"personas: {pid}: email is" in p for p in report.problems)
    assert CliRunner().invoke(app, ["audit", str(root)]).exit_code == 1


def test_a_forged_pool_size_or_seed_fails(dataset: Path, tmp_path: Path) -> None:
    root = _copy(dataset, tmp_path)
    m = json.loads((root / "manifest.json").read_text())
    m["config"]["personas"] = 3  # personas p4-0003, p4-0004 in the table are not in a pool of 3
    (root / "manifest.json").write_text(json.dumps(m))
    report = audit_dataset(root, check_manifest=False)
    assert any("is not one of the 3 personas job seed 4 derives" in p for p in report.problems), report.problems


@pytest.mark.parametrize("extra", ["frames/faults-quick-s4-00000/000-forged.jpg", "observations/extra.parquet",
                                   "notes.txt", ".hidden"])
def test_a_file_not_in_the_manifest_fails(dataset: Path, tmp_path: Path, extra: str) -> None:
    root = _copy(dataset, tmp_path)
    (root / extra).parent.mkdir(parents=True, exist_ok=True)
    (root / extra).write_bytes(b"x")
    report = audit_dataset(root)
    assert f"{extra}: not in the manifest (added after generation?)" in report.problems, report.problems
