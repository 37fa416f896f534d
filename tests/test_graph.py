"""The tool graph: exact type and state edges from the IR, and every output form."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from envdsl.graph.build import produced_types, producers, to_json, tool_graph
from envdsl.graph.render import layout, render
from envdsl.workspace import load_spec

ROOT = Path(__file__).resolve().parents[1]

MINI = """\
env mini {
  title "Mini"
  domain testing
  clock "2026-03-01T09:00:00"

  enum Color { red, blue }

  entity Box {
    key id: str
    label: str
    color: Color = red
    count: int = 0
  }

  entity Tag {
    key id: str = next_id("T")
    box: Box
    note: str
  }

  tool find_boxes(label: str) -> list<Box> "Boxes with a label." {
    return find b in Box where b.label == label order by b.id
  }

  tool box_info(box: Box) -> { box: Box, total: int } "A box and its count." {
    return { box: box, total: box.count }
  }

  tool paint(box: Box, color: Color) "Paint a box." {
    update box set color = color
  }

  tool bump(box: Box) -> int "Add one to a box's count." {
    update box set count = count + 1
    return box.count
  }

  tool tag(box: Box, note: str) -> Tag "Tag a box." {
    return insert Tag { box: box, note: note }
  }

  tool tags_of(box: Box) -> list<Tag> "Tags of a box." {
    return find t in Tag where t.box == box order by t.id
  }
}
"""


def _env(path: Path):
    loaded = load_spec(path, with_seed=False)
    assert loaded.ok, loaded.diagnostics
    return loaded.env


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("graph") / "mini.envdsl"
    path.write_text(MINI, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def airline():
    return tool_graph(_env(ROOT / "specs/travel/airline.envdsl"))


def _edges(graph, kind):
    return {(a, b): d for a, b, k, d in graph.edges(keys=True, data=True) if k == kind}


def test_type_edges_of_a_small_spec_are_exactly_the_shared_entity_and_enum_types(mini):
    graph = tool_graph(_env(mini))
    typed = _edges(graph, "type")
    # find_boxes returns list<Box>: it feeds every tool taking a Box, directly.
    for consumer in ("box_info", "paint", "bump", "tag", "tags_of"):
        links = typed[("find_boxes", consumer)]["links"]
        assert {"type": "Box", "kind": "entity", "via": "", "param": "box"} in links
        assert typed[("find_boxes", consumer)]["direct"] is True
    # ... and a returned row's enum field feeds paint's color.
    assert {"type": "Color", "kind": "enum", "via": "color", "param": "color"} in typed[("find_boxes", "paint")][
        "links"
    ]
    # A record result's field and a returned row's reference field count, marked by `via`.
    assert typed[("box_info", "bump")]["links"] == [{"type": "Box", "kind": "entity", "via": "box", "param": "box"}]
    assert typed[("tags_of", "paint")]["direct"] is False
    # bump returns an int and paint nothing: scalars make no edges, and no tool feeds itself.
    assert not any(a in ("bump", "paint") for a, _ in typed)
    assert not any(a == b for a, b in typed)
    # nothing takes a Tag, and nothing takes a label string from a result
    assert not any(link["type"] == "Tag" for d in typed.values() for link in d["links"])


def test_state_edges_follow_the_checker_effects(mini):
    graph = tool_graph(_env(mini))
    state = _edges(graph, "state")
    assert state[("bump", "box_info")]["fields"] == ["Box.count"]
    assert state[("paint", "find_boxes")]["fields"] == ["Box.color"]  # find returns whole rows
    assert "Tag.box" in state[("tag", "tags_of")]["fields"]  # an insert touches every field
    assert ("paint", "bump") not in state  # bump reads count, paint writes color
    assert ("find_boxes", "box_info") not in state  # read-only tools change nothing
    assert graph.nodes["paint"]["read_only"] is False and graph.nodes["find_boxes"]["read_only"] is True


def test_airline_graph_links_search_to_booking_and_booking_to_cancelling(airline):
    typed, state = _edges(airline, "type"), _edges(airline, "state")
    assert {"type": "Flight", "kind": "entity", "via": "", "param": "flight"} in typed[
        ("search_flights", "book_reservation")
    ]["links"]
    assert {"type": "Airport", "kind": "entity", "via": "", "param": "origin"} in typed[
        ("search_airports", "search_flights")
    ]["links"]
    cancelling = state[("book_reservation", "cancel_reservation")]["fields"]
    assert {"Reservation.status", "Fare.seats_left", "Instrument.balance"} <= set(cancelling)
    found = producers(airline, "book_reservation", "payment_method")
    assert [name for name, _ in found] == [
        "add_credit_card",
        "issue_certificate",
        "list_payment_methods",
        "add_insurance",
        "list_payments",
    ]  # results of the parameter's type first, then rows reached through a field (via)
    assert [link["via"] for _, link in found] == ["", "", "", "instrument", "instrument"]
    assert airline.number_of_nodes() == 17


def test_produced_types_read_through_lists_records_and_row_references(mini):
    env = _env(mini)
    offers = produced_types(env, env.tool("box_info").returns)
    assert {(o.type, o.kind, o.via) for o in offers} == {("Box", "entity", "box"), ("Color", "enum", "box.color")}
    assert produced_types(env, env.tool("paint").returns) == []


def test_json_and_dot_are_complete_and_deterministic(mini, airline):
    first = render(airline, "json")
    assert first == render(tool_graph(_env(ROOT / "specs/travel/airline.envdsl")), "json")
    data = json.loads(first)
    assert data["env"] == "airline" and len(data["nodes"]) == 17
    assert len(data["edges"]) == airline.number_of_edges()
    assert data == to_json(airline)
    dot = render(tool_graph(_env(mini)), "dot").decode()
    assert dot.startswith('digraph "mini" {') and dot.rstrip().endswith("}")
    assert '"find_boxes" -> "paint" [label="Box->box, Color.color->color"];' in dot
    assert '"bump" -> "box_info" [style=dashed, color=red, label="Box.count"];' in dot


def test_pictures_render_deterministically(mini, airline):
    small = tool_graph(_env(mini))
    svg = render(small, "svg")
    assert svg.startswith(b"<?xml") and b"find_boxes" in svg
    assert svg == render(small, "svg")
    png = render(small, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # columns follow the flow: a tool sits right of the tools that feed it directly
    positions = layout(airline)
    assert positions["search_airports"][0] < positions["search_flights"][0] < positions["book_reservation"][0]


@pytest.fixture
def cli_run(monkeypatch, capsys):
    """The CLI in process (as tests/test_cli.py runs it): (exit code, stdout, stderr)."""
    from envdsl import cli

    def run(*args: str):
        monkeypatch.chdir(ROOT)
        monkeypatch.setattr(sys, "argv", ["envdsl", *args])
        code = cli.run()
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err)

    return run


def test_cli_writes_each_format_and_reports_bad_input(tmp_path, mini, cli_run):
    _cli = cli_run
    out = tmp_path / "g.svg"
    done = _cli("graph", "specs/travel/airline.envdsl", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"<?xml") and "wrote" in done.stderr
    as_json = _cli("graph", str(mini))
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["env"] == "mini"
    missing = _cli("graph", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such compiled folder or spec" in missing.stderr
    binary = _cli("graph", str(mini), "--format", "png")
    assert binary.returncode == 2 and "give --out FILE.png" in binary.stderr
    broken = tmp_path / "broken.envdsl"
    broken.write_text(MINI.replace("-> int", "-> Nope"), encoding="utf-8")
    failed = _cli("graph", str(broken))
    assert failed.returncode == 1 and "has errors" in failed.stderr and "Traceback" not in failed.stderr
