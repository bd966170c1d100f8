"""Typing and key chords: replay correctness, timing distributions, typos, Shift, chords."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from synthgen.motor.keyboard import plan_keys, plan_typing, replay_text, typing_wpm
from synthgen.motor.layout import key_for_char, neighbours
from synthgen.motor.params import KeyboardParams, MotorProfile
from synthgen.motor.types import KeyAction
from synthgen.schema import MOD_CTRL, MOD_SHIFT

SENTENCES = [
    "I walked down to the harbour before breakfast and watched the boats come in.",
    "Could you send me the report by Friday? We need it for the quarterly review.",
    "She said the meeting moved to room 214 at half past three.",
    "The recipe calls for two cups of flour, a pinch of salt and three eggs.",
    "Thanks for your help with the move last weekend; I owe you dinner!",
    "My new address is 42 Elm Street, Springfield (apartment 7B).",
]

_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:'\"!?@#$%^&*()-_=+[]{}\\|/<>`~\n\t"),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_text, seed=st.integers(0, 2**32 - 1), wpm=st.floats(15, 130))
def test_replay_gives_back_the_text(text: str, seed: int, wpm: float) -> None:
    # High typo rates so corrections are exercised on short texts too.
    p = KeyboardParams(wpm=wpm, typo_substitution=0.05, typo_omission=0.03, typo_insertion=0.03,
                       typo_transposition=0.03)
    acts = plan_typing(np.random.default_rng(seed), p, text, 500.0, allow_uncorrected=False)
    assert replay_text(acts) == text
    if text:
        assert acts[0].t_down > 500.0
    assert all(a.t_up > a.t_down for a in acts)
    assert [a.t_down for a in acts] == sorted(a.t_down for a in acts)


@settings(max_examples=100, deadline=None)
@given(text=_text, seed=st.integers(0, 2**32 - 1))
def test_shift_state_is_consistent(text: str, seed: int) -> None:
    """Every shifted char is inside a Shift press, and no unshifted key goes down while Shift is held."""
    acts = plan_typing(np.random.default_rng(seed), KeyboardParams(rollover=0.9), text, 0.0)
    shifts = [(a.t_down, a.t_up) for a in acts if a.key == "Shift"]
    for a in acts:
        if a.key == "Shift":
            continue
        held = any(d < a.t_down < u for d, u in shifts)
        assert held == bool(a.modifiers & MOD_SHIFT), a
        if a.modifiers & MOD_SHIFT:
            # Pressed inside a Shift press; like most people (Aalto data), Shift may come up before the key.
            assert any(d < a.t_down < u for d, u in shifts), a


@settings(max_examples=100, deadline=None)
@given(text=_text, seed=st.integers(0, 2**32 - 1))
@example(text="000000000000000", seed=749)  # found by CI: a repeat 8 ms after the press held 10 ms
def test_same_key_never_overlaps_itself(text: str, seed: int) -> None:
    acts = plan_typing(np.random.default_rng(seed), KeyboardParams(rollover=0.9, wpm=120), text, 0.0)
    by_code: dict[str, list[KeyAction]] = {}
    for a in acts:
        by_code.setdefault(a.code or a.key, []).append(a)
    for same in by_code.values():
        for a, b in zip(same, same[1:]):
            assert a.t_up < b.t_down


def test_deterministic(rng: np.random.Generator) -> None:
    a = plan_typing(np.random.default_rng(7), KeyboardParams(), SENTENCES[0], 0.0)
    b = plan_typing(np.random.default_rng(7), KeyboardParams(), SENTENCES[0], 0.0)
    c = plan_typing(np.random.default_rng(8), KeyboardParams(), SENTENCES[0], 0.0)
    assert a == b and a != c


def test_capitals_and_symbols_use_shift(rng: np.random.Generator) -> None:
    acts = plan_typing(rng, KeyboardParams(typo_substitution=0, typo_omission=0, typo_insertion=0,
                                           typo_transposition=0), "Hi!", 0.0)
    assert [a.key for a in acts] == ["Shift", "H", "i", "Shift", "!"]
    h, bang = acts[1], acts[4]
    assert (h.code, h.modifiers) == ("KeyH", MOD_SHIFT) and (bang.code, bang.modifiers) == ("Digit1", MOD_SHIFT)
    # Shift on the hand opposite the character: H is a right-hand key, ! (1) a left-hand key
    assert acts[0].code == "ShiftLeft" and acts[3].code == "ShiftRight"
    assert acts[0].t_down < h.t_down < acts[0].t_up


def test_newline_unicode_and_tab(rng: np.random.Generator) -> None:
    acts = plan_typing(rng, KeyboardParams(), "a\nb é😀\tc", 0.0, allow_uncorrected=False)
    keys = [(a.key, a.code) for a in acts if a.key != "Shift"]
    assert ("Enter", "Enter") in keys and ("é", "") in keys and ("😀", "") in keys
    assert replay_text(acts) == "a\nb é😀\tc"


def test_think_first_waits_longer(rng: np.random.Generator) -> None:
    p = KeyboardParams()
    a = np.median([plan_typing(rng, p, "ok", 0.0)[0].t_down for _ in range(200)])
    b = np.median([plan_typing(rng, p, "ok", 0.0, think_first=True)[0].t_down for _ in range(200)])
    assert b > a + 300


def test_empty_text() -> None:
    assert plan_typing(np.random.default_rng(0), KeyboardParams(), "", 0.0) == []


def _stats(profiles: list[KeyboardParams], seed: int = 0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    wpm, roll, holds, n_bs, n_keys, iki = [], [], [], 0, 0, []
    for i, kb in enumerate(profiles):
        text = SENTENCES[i % len(SENTENCES)] + " " + SENTENCES[(i + 1) % len(SENTENCES)]
        acts = plan_typing(rng, kb, text, 0.0, compose=False)  # copying, like the reference task
        ks = [a for a in acts if a.key != "Shift"]
        d = np.array([a.t_down for a in ks])
        u = np.array([a.t_up for a in ks])
        wpm.append(typing_wpm(acts, len(text)))
        roll.append(np.mean(u[:-1] > d[1:]))
        holds.extend(u - d)
        iki.extend(np.diff(d))
        n_bs += sum(a.key == "Backspace" for a in ks)
        n_keys += len(ks)
    return {"wpm_mean": float(np.mean(wpm)), "wpm_sd": float(np.std(wpm)), "rollover": float(np.mean(roll)),
            "hold_mean": float(np.mean(holds)), "bs_share": n_bs / n_keys, "iki_mean": float(np.mean(iki)),
            "roll_by_wpm": float(np.corrcoef([p.wpm for p in profiles], roll)[0, 1])
            if len({p.wpm for p in profiles}) > 1 else float("nan")}


def test_population_typing_figures(population: list[MotorProfile]) -> None:
    s = _stats([p.keyboard for p in population])
    assert 45 <= s["wpm_mean"] <= 60          # Dhakal: 52 WPM
    assert 14 <= s["wpm_sd"] <= 26            # SD about 20
    assert 0.1 <= s["rollover"] <= 0.4        # about a quarter of pairs
    assert s["roll_by_wpm"] > 0.4             # more in fast typists
    assert 95 <= s["hold_mean"] <= 135        # about 115 ms
    assert 0.03 <= s["bs_share"] <= 0.08      # 5.6 % of keystrokes in the Aalto raw data
    assert 200 <= s["iki_mean"] <= 290        # about 240 ms


def test_uncorrected_errors_are_rare(population: list[MotorProfile]) -> None:
    import difflib

    rng = np.random.default_rng(3)
    err, n = 0, 0
    for prof in population:
        for text in SENTENCES[:3]:
            out = replay_text(plan_typing(rng, prof.keyboard, text, 0.0))
            sm = difflib.SequenceMatcher(None, out, text, autojunk=False)
            err += sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
            n += len(text)
    assert 0.002 <= err / n <= 0.02           # about 1 %


def test_speed_follows_wpm() -> None:
    slow = _stats([KeyboardParams(wpm=30.0)] * 20)["wpm_mean"]
    fast = _stats([KeyboardParams(wpm=100.0)] * 20)["wpm_mean"]
    # The other traits stay at the population centre (real fast typists also err less and vary less),
    # and these sentences hold more digits and symbols than the Aalto ones the speed line was fitted on.
    assert 24 < slow < 36 and 78 < fast < 115


def test_bigram_and_hand_effects() -> None:
    """Alternating-hand bigrams are faster than same-finger ones; common bigrams faster than rare."""
    rng = np.random.default_rng(5)
    p = KeyboardParams(typo_substitution=0, typo_omission=0, typo_insertion=0, typo_transposition=0)

    def gap(text: str) -> float:
        g = []
        for _ in range(400):
            a = plan_typing(rng, p, text, 0.0)
            g.append(a[1].t_down - a[0].t_down)
        return float(np.median(g))

    assert gap("th") < gap("ed") * 0.9  # t-h alternates hands and is common; e-d is the same finger
    assert gap("he") < gap("qz") * 0.9


def test_substitution_mostly_uses_neighbouring_keys() -> None:
    p = KeyboardParams(typo_substitution=0.2, typo_omission=0, typo_insertion=0, typo_transposition=0,
                       correct_prob=0.0)
    rng = np.random.default_rng(2)
    near = far = 0
    for _ in range(2000):
        out = replay_text(plan_typing(rng, p, "go", 0.0))[0]  # a lone char's error is always seen: two
        assert out == "g" or out.isalpha(), out
        near += out in neighbours("g")
        far += out != "g" and out not in neighbours("g")
    # The Aalto Backspace runs: about 40% of the fixed substitutions hit a neighbouring key.
    assert near > 0.25 * (near + far) and far > 0


def test_corrections_delete_back_to_the_error() -> None:
    p = KeyboardParams(typo_substitution=0.2, correct_prob=1.0)
    rng = np.random.default_rng(9)
    seen_multi = False
    for _ in range(100):
        acts = plan_typing(rng, p, "hello world", 0.0)
        keys = [a.key for a in acts]
        run = 0
        for k in keys:
            run = run + 1 if k == "Backspace" else 0
            seen_multi |= run >= 2
        assert replay_text(acts) == "hello world"
    assert seen_multi  # a correction may delete several chars


def test_key_for_char() -> None:
    assert key_for_char("a") == ("a", "KeyA", False)
    assert key_for_char("A") == ("A", "KeyA", True)
    assert key_for_char("?") == ("?", "Slash", True)
    assert key_for_char("\n") == ("Enter", "Enter", False)
    assert key_for_char(" ") == (" ", "Space", False)
    assert key_for_char("ß") == ("ß", "", False)


@pytest.mark.parametrize("chord,expected", [
    ("Enter", [("Enter", "Enter", 0)]),
    ("Tab", [("Tab", "Tab", 0)]),
    ("Shift+Tab", [("Shift", "ShiftLeft", MOD_SHIFT), ("Tab", "Tab", MOD_SHIFT)]),
    ("Control+A", [("Control", "ControlLeft", MOD_CTRL), ("a", "KeyA", MOD_CTRL)]),
    ("Control+Shift+K", [("Control", "ControlLeft", MOD_CTRL), ("Shift", "ShiftLeft", MOD_CTRL | MOD_SHIFT),
                         ("K", "KeyK", MOD_CTRL | MOD_SHIFT)]),
    ("ArrowDown", [("ArrowDown", "ArrowDown", 0)]),
    ("Backspace", [("Backspace", "Backspace", 0)]),
    ("Escape", [("Escape", "Escape", 0)]),
    ("a", [("a", "KeyA", 0)]),
    ("?", [("Shift", "ShiftLeft", MOD_SHIFT), ("?", "Slash", MOD_SHIFT)]),
    ("Control++", [("Control", "ControlLeft", MOD_CTRL), ("Shift", "ShiftLeft", MOD_CTRL | MOD_SHIFT),
                   ("+", "Equal", MOD_CTRL | MOD_SHIFT)]),
    ("KeyB", [("b", "KeyB", 0)]),
    ("F5", [("F5", "F5", 0)]),
])
def test_plan_keys_chords(chord: str, expected: list[tuple[str, str, int]]) -> None:
    acts = plan_keys(np.random.default_rng(0), KeyboardParams(), chord, 100.0)
    assert [(a.key, a.code, a.modifiers) for a in acts] == expected
    assert acts[0].t_down > 100.0
    main = [a for a in acts if a.key == expected[-1][0]][0]
    for m in acts:
        if m is not main:  # modifiers down first, up last
            assert m.t_down < main.t_down and m.t_up > main.t_up


def test_plan_keys_unknown_names_the_chord() -> None:
    with pytest.raises(ValueError, match="Control\\+Bogus"):
        plan_keys(np.random.default_rng(0), KeyboardParams(), "Control+Bogus", 0.0)
    with pytest.raises(ValueError, match="Hyper"):
        plan_keys(np.random.default_rng(0), KeyboardParams(), "Hyper+A", 0.0)


def test_replay_select_all_and_editing() -> None:
    rng = np.random.default_rng(1)
    p = KeyboardParams()
    acts = plan_keys(rng, p, "Control+A", 0.0)
    t = max(a.t_up for a in acts)
    acts += plan_typing(rng, p, "new", t, allow_uncorrected=False)
    assert replay_text(acts, "old text") == "new"
    acts = plan_keys(rng, p, "Control+A", 0.0)
    acts += plan_keys(rng, p, "Backspace", 1000.0)
    assert replay_text(acts, "old") == ""
    k = lambda t, key, code, m=0: KeyAction(t, t + 1, key, code, m)  # noqa: E731
    assert replay_text([k(0, "ArrowLeft", "ArrowLeft"), k(2, "x", "KeyX"), k(4, "Delete", "Delete")], "ab") == "ax"
    assert replay_text([k(0, "Tab", "Tab"), k(2, "Escape", "Escape")], "ab") == "ab"


def test_a_one_char_text_is_never_left_untyped() -> None:
    # Seed 2320 draws an unnoticed omission of the only char (found by hypothesis: nothing was typed).
    for seed in (2320, *range(200)):
        acts = plan_typing(np.random.default_rng(seed), KeyboardParams(typo_omission=0.2, correct_prob=0.5), "0", 0.0)
        assert any(a.key == "0" for a in acts), seed
