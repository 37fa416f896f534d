"""The runtime on embedded SQLite: calls, atomicity, validation, hashing, diffs, snapshots."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_support import ROOT, SHIPPED, random_calls

from envdsl.runtime import Environment, LoadError

CASE = ROOT / "tests" / "cases" / "compile" / "airline" / "airline.envdsl"
ALWAYS = {"InvalidArguments"}


def pages(env: Environment) -> bytes:
    """The database image minus the header fields SQLite rewrites on every
    write transaction, rolled back or not (file change counter at 24,
    version-valid-for and the writer's library version at 92-99): every page
    of the state, byte for byte."""
    image = bytearray(env.backend.snapshot())
    image[24:28] = b"\0" * 4
    image[92:100] = b"\0" * 8
    return bytes(image)


@pytest.fixture(scope="module", params=SHIPPED, ids=lambda p: p.stem)
def shipped(request: pytest.FixtureRequest) -> Environment:
    return Environment.load(request.param)


@pytest.fixture
def airline() -> Environment:
    return Environment.load(CASE)


# ------------------------------------------------------------------ the shipped specs


def test_random_calls_fail_only_with_declared_errors_and_change_nothing_when_they_fail(shipped: Environment) -> None:
    shipped.reset()
    outcomes: dict[str, int] = {}
    for tool, args in random_calls(shipped, 300, seed=7):
        image = pages(shipped)
        before = shipped.state_hash()
        result = shipped.call(tool, args)
        json.dumps(result.to_json())  # results always serialize
        key = "ok" if result.ok else result.error
        outcomes[key] = outcomes.get(key, 0) + 1
        if not result.ok:
            declared = set(shipped.env.tool(tool).raises) | ALWAYS
            assert result.error in declared, (tool, args, result)
            assert result.message
            assert pages(shipped) == image, (tool, args, result)  # byte-for-byte
            assert shipped.state_hash() == before
        assert shipped.state_hash() == shipped.state_hash(full=True), (tool, args)
    assert outcomes.get("ok", 0) > 30, outcomes


def test_every_tool_succeeds_somewhere(shipped: Environment) -> None:
    shipped.reset()
    succeeded = set()
    for tool, args in random_calls(shipped, 1500, seed=11):
        if shipped.call(tool, args).ok:
            succeeded.add(tool)
        if len(succeeded) == len(shipped.tool_names):
            break
        if len(succeeded) % 5 == 0:
            shipped.reset()
    missing = set(shipped.tool_names) - succeeded
    assert len(missing) <= len(shipped.tool_names) // 3, f"never succeeded with random arguments: {sorted(missing)}"


def test_same_calls_from_the_same_state_give_the_same_results_and_hash(shipped: Environment) -> None:
    calls = random_calls(shipped, 150, seed=3)
    runs = []
    for _ in range(2):
        shipped.reset()
        results = [shipped.call(tool, args).to_json() for tool, args in calls]
        runs.append((results, shipped.state_hash(), shipped.state_diff()))
    assert runs[0] == runs[1]


def test_reset_snapshot_and_restore(shipped: Environment) -> None:
    shipped.reset()
    seeded = shipped.state_hash()
    calls = random_calls(shipped, 120, seed=5)
    for tool, args in calls[:60]:
        shipped.call(tool, args)
    middle = shipped.state_hash()
    snap = shipped.snapshot()
    for tool, args in calls[60:]:
        shipped.call(tool, args)
    shipped.restore(snap)
    assert shipped.state_hash() == middle == shipped.state_hash(full=True)
    shipped.reset()
    assert shipped.state_hash() == seeded == shipped.state_hash(full=True)
    assert shipped.state_diff() == {}


def test_bad_arguments_never_raise(shipped: Environment) -> None:
    junk = [None, 0, -1, 2**70, 1.5, float("nan"), float("inf"), "", "x" * 1000, True, [], {}, [1, "a"], {"a": 1}, "2026-02-30", "1.001"]
    for tool in shipped.tool_names:
        params = [p.name for p in shipped.env.tool(tool).params]
        for value in junk:
            for name in params or ["nope"]:
                result = shipped.call(tool, {name: value})
                assert result.ok or result.error in set(shipped.env.tool(tool).raises) | ALWAYS, (tool, name, value, result)
        for arguments in (None, [], "[]", "{", 42, {"__class__": 1}, {1: 2}):
            result = shipped.call(tool, arguments)
            assert result.ok or result.error in set(shipped.env.tool(tool).raises) | ALWAYS
    assert shipped.call("no_such_tool", {}).error == "InvalidArguments"
    shipped.reset()


# ------------------------------------------------------------------ the airline case


def test_results_and_errors(airline: Environment) -> None:
    booked = airline.call("book", {"user": "u1", "flight": "UA100"})
    assert booked.ok and booked.value["id"] == "R2" and booked.value["paid"] == 120.0
    assert booked.value["booked_at"] == "2026-03-01T09:00:00"  # the spec's clock
    poor = airline.call("book", {"user": "u2", "flight": "UA100"})
    assert (poor.error, poor.message) == ("InsufficientFunds", "Bob has 80.50, needs 120.00")
    full = airline.call("book", {"user": "u1", "flight": "UA200"})
    assert (full.error, full.message) == ("SoldOut", "flight UA200 is full")
    missing = airline.call("book", {"user": "u1", "flight": "UA999"})
    assert (missing.error, missing.message) == ("NotFound", 'no Flight has number "UA999"')
    search = airline.call("search_flights", {"origin": "SFO", "destination": "JFK", "max_price": None, "limit": None})
    assert [f["number"] for f in search.value] == ["UA200", "UA100"]  # cheapest first
    stats = airline.call("stats", {"user": "u1"})
    assert stats.value == {"trips": 2, "spent": 270.25, "avg": 1.0, "vip": False}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"user": "u1"}, "`book` is missing required argument `flight`"),
        ({"user": "u1", "flite": "UA100"}, "`book` has no parameter `flite`; did you mean `flight`?"),
        ({"user": 7, "flight": "UA100"}, "argument `user` of `book` must be the key of a User (a string), got 7"),
        ({"user": "u1", "flight": "UA100", "cabin": "first"}, 'argument `cabin` of `book` must be one of "economy", "business", got \'first\''),
        ({"user": "u1", "flight": "UA100", "note": 3}, "argument `note` of `book` must be a string or null, got 3"),
    ],
)
def test_invalid_arguments_messages(airline: Environment, arguments: dict, message: str) -> None:
    result = airline.call("book", arguments)
    assert (result.ok, result.error, result.message) == (False, "InvalidArguments", message)


def test_money_arguments(airline: Environment) -> None:
    assert airline.call("charge_all", {"amount": 1.005}).message == "argument `amount` of `charge_all` must have at most 2 decimal places, got 1.005"
    assert airline.call("charge_all", {"amount": "abc"}).error == "InvalidArguments"
    assert airline.call("charge_all", {"amount": 0.1}).ok
    assert [u["balance"] for u in airline.rows("User")] == [499.9, 80.4]


def test_a_failed_require_after_updates_leaves_the_state_byte_identical(airline: Environment) -> None:
    image = pages(airline)
    before = airline.state_hash()
    # charge_all updates users one by one; the second cannot pay: the first is rolled back too.
    result = airline.call("charge_all", {"amount": 80.51})
    assert result.error in ("InsufficientFunds", "ConstraintViolated")
    assert pages(airline) == image
    assert airline.state_hash() == before == airline.state_hash(full=True)
    assert airline.state_diff() == {}


def test_a_broken_check_constraint_is_a_result(airline: Environment) -> None:
    result = airline.call("charge_all", {"amount": 100})
    assert result.error == "ConstraintViolated" and "User_balance_check" in result.message


def test_state_diff_between_and_from_seed(airline: Environment) -> None:
    other = airline.clone()
    assert airline.state_diff(other) == {}
    other.call("cancel", {"reservation": "R1"})
    diff = airline.state_diff(other)
    assert diff["Reservation"]["changed"] == [{"key": "R1", "fields": {"status": ["booked", "cancelled"]}}]
    assert diff["User"]["changed"] == [{"key": "u1", "fields": {"balance": [500.0, 650.25]}}]
    assert other.state_diff() == diff
    assert airline.state_hash() != other.state_hash()
    assert other.state_diff(airline)["Flight"]["changed"] == [{"key": "UA300", "fields": {"seats": [11, 10]}}]


def test_inserted_rows_appear_as_added(airline: Environment) -> None:
    airline.call("book", {"user": "u1", "flight": "UA100", "note": "window"})
    added = airline.state_diff()["Reservation"]["added"]
    assert [(r["id"], r["note"], r["status"]) for r in added] == [("R2", "window", "booked")]


def test_incremental_hash_matches_rescan_through_rollbacks(airline: Environment) -> None:
    calls = [
        ("book", {"user": "u1", "flight": "UA100"}),
        ("book", {"user": "u2", "flight": "UA100"}),
        ("charge_all", {"amount": 100}),
        ("cancel", {"reservation": "R2"}),
        ("cancel", {"reservation": "R2"}),
        ("book", {"user": "u1", "flight": "UA100"}),
    ]
    for tool, args in calls:
        airline.call(tool, args)
        assert airline.state_hash() == airline.state_hash(full=True)


def test_next_id_continues_after_rollback(airline: Environment) -> None:
    assert airline.call("book", {"user": "u2", "flight": "UA100"}).error == "InsufficientFunds"
    assert airline.call("book", {"user": "u1", "flight": "UA100"}).value["id"] == "R2"


def test_load_from_compiled_folder_matches_load_from_spec(tmp_path: Path) -> None:
    specs = tmp_path / "specs" / "travel"
    shutil.copytree(CASE.parent, specs, ignore=shutil.ignore_patterns("expected"))
    main = "import sys; from envdsl.cli import entry; sys.argv[0] = 'envdsl'; entry()"
    assert subprocess.run([sys.executable, "-c", main, "compile", "specs/"], cwd=tmp_path, capture_output=True).returncode == 0
    from_folder = Environment.load(tmp_path / "compiled" / "travel" / "airline")
    from_spec = Environment.load(specs / "airline.envdsl")
    for env in (from_folder, from_spec):
        env.call("book", {"user": "u1", "flight": "UA100"})
        env.call("cancel", {"reservation": "R1"})
    assert from_folder.state_hash() == from_spec.state_hash()
    assert from_folder.state_diff() == from_spec.state_diff()
    spec = specs / "airline.envdsl"
    spec.write_text(spec.read_text() + "\n// changed\n")
    with pytest.raises(LoadError, match="stale"):
        Environment.load(tmp_path / "compiled" / "travel" / "airline")


def test_load_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such compiled folder or spec"):
        Environment.load(tmp_path / "nothing")
    bad = tmp_path / "bad.envdsl"
    bad.write_text('env bad { title "B" domain x entity A { key id: Nope } }')
    with pytest.raises(LoadError, match="has errors"):
        Environment.load(bad)
    with pytest.raises(LoadError, match="not a compiled environment"):
        Environment.load(tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tool=st.sampled_from(["book", "cancel", "search_flights", "stats", "charge_all", "get_user"]),
    arguments=st.one_of(
        st.none(),
        st.lists(st.integers()),
        st.dictionaries(
            st.sampled_from(["user", "flight", "cabin", "note", "amount", "reservation", "origin", "destination", "limit", "max_price", "x"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.lists(st.integers(), max_size=2)),
        ),
    ),
)
def test_any_arguments_give_a_result(airline: Environment, tool: str, arguments: object) -> None:
    before = airline.state_hash()
    result = airline.call(tool, arguments)
    assert result.ok or result.error in set(airline.env.tool(tool).raises) | ALWAYS, result
    if not result.ok:
        assert airline.state_hash() == before
    assert airline.state_hash() == airline.state_hash(full=True)


def test_optional_entity_parameter_narrowed_inside_a_query(tmp_path) -> None:
    """`clinic == none or d.clinic == clinic`: the second `clinic` is narrowed by the checker, but
    query parameters are computed before the statement runs, so it must be bound None-safely."""
    from envdsl.runtime import Environment

    spec = tmp_path / "optq.envdsl"
    spec.write_text(
        'env optq {\n  title "t"\n  domain testing\n  seed "optq.seed.yaml"\n'
        "  entity Clinic { key id: str }\n  entity Doctor { key id: str  clinic: Clinic }\n"
        '  tool find_doctors(clinic: Clinic? = none) -> list<Doctor> "Doctors, of one clinic or all." {\n'
        "    return find d in Doctor where clinic == none or d.clinic == clinic\n  }\n}\n"
    )
    (tmp_path / "optq.seed.yaml").write_text(
        'Clinic:\n  - {id: "c1"}\n  - {id: "c2"}\nDoctor:\n  - {id: "d1", clinic: "c1"}\n  - {id: "d2", clinic: "c2"}\n'
    )
    env = Environment.load(spec)
    assert [d["id"] for d in env.call("find_doctors", {}).value] == ["d1", "d2"]
    assert [d["id"] for d in env.call("find_doctors", {"clinic": None}).value] == ["d1", "d2"]
    assert [d["id"] for d in env.call("find_doctors", {"clinic": "c2"}).value] == ["d2"]


def test_strings_with_nul_or_lone_surrogates_are_invalid_arguments() -> None:
    """SQLite's length() stops at NUL (Python's len does not), and a lone surrogate cannot be
    stored: such strings would give an expression two meanings, so the validator refuses them.
    (Found by `envdsl verify` on specs/finance/banking: `len(x) == 4` held in Python, failed in SQL.)"""
    from envdsl.runtime import Environment

    env = Environment.load(ROOT / "compiled" / "finance" / "banking")
    for bad, why in (("ab\x00c", "without NUL characters"), ("\ud800abc", "no lone surrogates")):
        result = env.call("report_card_lost", {"customer": "x", "card": "y", "new_last_four": bad})
        assert result.error == "InvalidArguments" and why in (result.message or "")


NOT_IN_SPEC = """
env not_in {
  title "Not in"
  domain testing
  description "`not in` over an optional field, in SQL (find, count) and in Python (a parameter)."
  seed "not_in.seed.yaml"
  entity Note {
    key id: int
    tag: str? = none
  }
  tool untagged_or_other_count() -> int {
    return count(n in Note where n.tag not in ["a"])
  }
  tool untagged_or_other() -> list<Note> {
    return find n in Note where n.tag not in ["a"] order by n.id
  }
  tool negated_in(tags: list<str>) -> int {
    return count(n in Note where not (n.tag in tags))
  }
  tool allowed(tag: str?) -> bool {
    return tag not in ["a", "b"]
  }
}
"""


def test_not_in_is_two_valued_in_sql_and_python(tmp_path: Path) -> None:
    (tmp_path / "not_in.envdsl").write_text(NOT_IN_SPEC)
    (tmp_path / "not_in.seed.yaml").write_text("Note:\n  - {id: 1, tag: a}\n  - {id: 2, tag: b}\n  - {id: 3}\n")
    env = Environment.load(tmp_path / "not_in.envdsl")
    assert env.call("untagged_or_other_count", {}).value == 2  # b and the untagged note
    assert [row["id"] for row in env.call("untagged_or_other", {}).value] == [2, 3]
    assert env.call("negated_in", {"tags": ["a"]}).value == 2
    assert [env.call("allowed", {"tag": tag}).value for tag in ("a", "c", None)] == [False, True, True]
