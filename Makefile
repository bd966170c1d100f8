# The two commands of the README. Both set everything up first (idempotent).
.PHONY: setup demo test test-fast fuzz bench lock

setup:
	bash scripts/setup.sh

# 1. Set up and run the main job: a small corpus from every bundled scenario into output/demo.
demo: setup
	.venv/bin/synthgen generate --scenario scenarios --sessions 2 --seed 7 --out output/demo --workers 2

# 2. Set up and run the whole test suite (CI runs exactly this, through .ci/run).
test: setup
	.venv/bin/python -m pytest -q

test-fast: setup
	.venv/bin/python -m pytest -q -m "not browser and not slow"

# Property tests with fresh random examples (the suite replays a fixed set); add what it finds as @example.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest -q -p no:cacheprovider $$(grep -rl '@given' tests)

# Throughput (sessions/s, events/s, real-time factor, peak memory; 1 vs N workers, with/without frames).
bench: setup
	.venv/bin/python benchmarks/throughput.py --repeat 3

# Refresh requirements.lock from pyproject.toml (the newest versions its ranges allow, with hashes). Review the
# diff, run `make test`, and commit both; tests/test_lock.py fails while the two disagree.
lock: setup
	.venv/bin/python -m pip install -q pip-tools
	.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	    --no-emit-find-links --extra test --extra ray -o requirements.lock pyproject.toml
