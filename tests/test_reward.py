"""The reward: the ground truth scores 1, doing nothing 0, each kind of mistake
strictly between; per-turn scores; penalties, tau and its schedule; the
transcript parser; live episodes; refusal of a task from another spec version.

Tasks come from the real sampler on the shipped airline spec, compiled into a
temporary folder; `write_record(..., settings={"fixture": "tests"})` stands in
for `envdsl verify` (tests/test_sample.py covers the gate itself).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from envdsl.emit.driver import Mode, apply, build_output
from envdsl.reward import (
    Episode,
    ModelCall,
    RewardError,
    Scorer,
    Weights,
    answers_from_messages,
    calls_from_messages,
    score,
    score_messages,
    tau_schedule,
)
from envdsl.reward.score import cell_overlap, diff_cells
from envdsl.sample.realize import TemplateRealizer
from envdsl.sample.sampler import SampleConfig, sample
from envdsl.sample.task import EnvRef, Task, tool_content
from envdsl.verify.status import write_record
from envdsl.workspace import load_spec

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tasks(tmp_path_factory) -> list[Task]:
    out = tmp_path_factory.mktemp("reward") / "compiled"
    spec = ROOT / "specs/travel/airline.envdsl"
    loaded = load_spec(spec)
    output = build_output(
        loaded.env, spec, spec.read_text(encoding="utf-8"), out, loaded.seed.hash, loaded.seed.count()
    )
    apply([output], out, Mode.WRITE)
    folder = out / "travel" / "airline"
    write_record(folder, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    return sample([(folder, str(folder))], SampleConfig(n=12, seed=4, question_share=0.0), TemplateRealizer()).tasks


@pytest.fixture(scope="module")
def questions(tasks) -> list[Task]:
    folder = Path(tasks[0].env.compiled)
    return sample([(folder, str(folder))], SampleConfig(n=6, seed=4, question_share=1.0), TemplateRealizer()).tasks


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


def _calls(task: Task) -> list[ModelCall]:
    return [ModelCall(c.tool, dict(c.arguments), c.turn) for c in task.calls]


def _with_lookup(tasks: list[Task]) -> Task:
    return next(t for t in tasks if len(t.calls_of_turn(0)) >= 2)


def _multi(tasks: list[Task]) -> Task:
    return next(t for t in tasks if len(t.turns) >= 2)


def test_ground_truth_scores_one_and_doing_nothing_scores_zero(tasks, scorer):
    assert len(tasks) == 12
    for task in tasks:
        truth = score_messages(task, list(task.messages), scorer=scorer)
        assert truth.reward == 1.0 and truth.exact and truth.penalty == 0.0
        assert [t.reward for t in truth.turns] == [1.0] * len(task.turns)
        assert score(task, [c.to_json() for c in task.calls], scorer=scorer).reward == 1.0  # dicts work too
        for tau in (0.0, 0.5, 0.9, 1.0):
            nothing = score(task, [], tau=tau, scorer=scorer)
            assert nothing.reward == 0.0 and nothing.state == 0.0 and nothing.trace == 0.0


def _strictly_between(task, calls, scorer, **kw) -> float:
    result = score(task, calls, scorer=scorer, **kw)
    assert 0.0 < result.reward < 1.0, result
    return result.reward


def test_each_kind_of_mistake_scores_strictly_between(tasks, scorer):
    task = _with_lookup(tasks)
    truth = _calls(task)
    lookup = truth[0]
    # skipped a lookup: the state is right, the trace is not
    skipped = score(task, truth[1:], scorer=scorer)
    assert skipped.state == 1.0 and skipped.trace < 1.0 and 0 < skipped.reward < 1
    # a redundant repeat, an unparseable call, a call the runtime rejects: penalties
    repeated = _strictly_between(task, truth + [lookup], scorer)
    unparseable = _strictly_between(task, truth + [ModelCall("list_reservations", None, 0, "not JSON")], scorer)
    rejected = _strictly_between(task, truth + [ModelCall(lookup.tool, dict(lookup.arguments, bogus=1), 0)], scorer)
    hallucinated = score(task, truth + [ModelCall("no_such_tool", {}, 0)], scorer=scorer)
    assert hallucinated.turns[0].unknown == 1 and hallucinated.turns[0].unparseable == 1
    assert hallucinated.turns[0].invalid == 0
    assert unparseable == rejected == hallucinated.reward == pytest.approx(0.95)  # each charged once, at one rate
    assert repeated < 1.0
    # the goal on the wrong row: the state misses (or partly matches), the trace partly matches
    goal = truth[len(task.calls_of_turn(0)) - 1]
    entity_args = [k for k, v in goal.arguments.items() if isinstance(v, str) and k != "reason"]
    assert entity_args
    wrong = dict(goal.arguments, **{entity_args[0]: "ZZZ-not-a-key"})
    mistaken = [c if c is not goal else ModelCall(goal.tool, wrong, 0) for c in truth]
    result = score(task, mistaken, scorer=scorer)
    assert result.state < 1.0 and 0.0 < result.reward < 1.0


def test_a_rejected_call_never_matches_the_ground_truth_and_is_charged_once(tasks, scorer):
    task = _with_lookup(tasks)
    truth = _calls(task)
    goal = truth[len(task.calls_of_turn(0)) - 1]
    # The same call with one argument too many: the runtime rejects it, yet every ground-truth argument is equal.
    refused = ModelCall(goal.tool, dict(goal.arguments, bogus=1), 0)
    assert not scorer.environment(task).call(refused.tool, refused.arguments).ok
    retried = [*truth[:-1], refused, goal] if goal is truth[-1] else [refused, *truth]
    result = score(task, retried, scorer=scorer).turns[0]
    assert (result.invalid, result.extra, result.trace, result.state) == (1, 0, 1.0, 1.0)
    assert result.penalty == pytest.approx(0.05) and result.reward == pytest.approx(0.95)
    # Alone, the refused call reaches nothing and matches nothing: no trace credit for the goal.
    alone = score(task, [c if c is not goal else refused for c in truth], scorer=scorer).turns[0]
    assert alone.trace < 1.0 and alone.state < 1.0 and alone.invalid == 1 and alone.extra == 0


def test_a_call_to_a_tool_that_does_not_exist_is_charged_live_too(tasks, scorer):
    task = _with_lookup(tasks)
    episode = Episode(task, scorer)
    episode.reset()
    reply = json.loads(episode.call("cancel_everything", {"reservation": "R1"}))
    assert reply == {
        "error": "UnknownTool",
        "message": "there is no tool named `cancel_everything`; call only the tools you were given",
    }
    assert json.loads(episode.call("x" * 200, "{}"))["message"].count("x") == 77  # a long name is cut
    for call in task.calls_of_turn(0):
        episode.call(call.tool, call.arguments)
    turn = episode.score().turns[0]
    assert turn.exact and turn.unknown == 2 and turn.unparseable == 2 and turn.penalty == pytest.approx(0.1)
    # trl answers a call to an unknown tool itself ("Tool x not found."): `observe` records it, once.
    live = Episode(task, scorer)
    live.reset()
    for call in task.calls_of_turn(0):
        live.call(call.tool, call.arguments)
    completion = [
        {"role": "assistant", "tool_calls": [{"function": {"name": "teleport", "arguments": {}}}]},
        {"role": "tool", "name": "teleport", "content": "{'error': 'Tool teleport not found.'}"},
        {"role": "assistant", "content": "All done."},
    ]
    live.observe(completion)
    live.observe(completion)
    observed = live.score().turns[0]
    assert observed.unknown == 1 and live.reward() == pytest.approx(0.95) and live.answers == {0: "All done."}


def test_a_wrong_turn_does_not_zero_the_others(tasks, scorer):
    task = _multi(tasks)
    last = len(task.turns) - 1
    partial = score(task, [c for c in _calls(task) if c.turn != last], scorer=scorer)
    assert [t.reward for t in partial.turns[:last]] == [1.0] * last
    assert partial.turns[last].reward == 0.0
    assert partial.reward == pytest.approx(last / len(task.turns))
    first_wrong = score(task, [c for c in _calls(task) if c.turn != 0], scorer=scorer)
    assert first_wrong.turns[0].reward == 0.0 and all(t.reward == 1.0 for t in first_wrong.turns[1:])


def test_partial_state_credit_counts_matching_cells():
    keys = {"R": "id"}
    expected = {"R": {"added": [], "removed": [], "changed": [{"key": "r1", "fields": {"a": [1, 2], "b": ["x", "y"]}}]}}
    half = {"R": {"added": [], "removed": [], "changed": [{"key": "r1", "fields": {"a": [1, 2]}}]}}
    wrong = {"R": {"added": [], "removed": [], "changed": [{"key": "r1", "fields": {"a": [1, 3]}}]}}
    assert cell_overlap(diff_cells(expected, keys), diff_cells(expected, keys)) == 1.0
    assert cell_overlap(diff_cells(expected, keys), diff_cells(half, keys)) == 0.5
    assert cell_overlap(diff_cells(expected, keys), diff_cells(wrong, keys)) == 0.0
    assert cell_overlap(diff_cells(expected, keys), {}) == 0.0
    added = {"R": {"added": [{"id": "r2", "a": 1}], "removed": [{"id": "r3", "a": 0}], "changed": []}}
    assert diff_cells(added, keys) == {("R", "r2", "id"): "r2", ("R", "r2", "a"): 1.0, ("R", "r3", "*"): ("<removed>",)}


def test_tau_weights_trace_against_state_and_penalties_are_capped(tasks, scorer):
    task = _with_lookup(tasks)
    skipped = _calls(task)[1:]
    only_trace = score(task, skipped, tau=1.0, scorer=scorer)
    only_state = score(task, skipped, tau=0.0, scorer=scorer)
    assert only_trace.reward == pytest.approx(only_trace.trace) and only_state.reward == 1.0
    noise = [ModelCall("x", None, 0, "bad")] * 30
    capped = score(task, _calls(task) + noise, scorer=scorer)
    assert capped.turns[0].penalty == 0.5 and capped.turns[0].unparseable == 30
    negative = score(task, noise, weights=Weights(floor=None), scorer=scorer)
    assert negative.turns[0].reward == pytest.approx(-0.5)
    assert score(task, noise, scorer=scorer).reward == 0.0  # floored by default
    assert tau_schedule(0, 11) == pytest.approx(0.9) and tau_schedule(10, 11) == pytest.approx(0.1)
    assert tau_schedule(5, 11) == pytest.approx(0.5) and tau_schedule(99, 11) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="tau must be within"):
        Weights(tau=1.5)


def test_transcripts_are_parsed_turn_by_turn():
    messages = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "one"},
        {
            "role": "assistant",
            "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": '{"x":1}'}}],
        },
        {"role": "tool", "tool_call_id": "a", "content": "1"},
        {"role": "user", "content": "two"},
        {
            "role": "assistant",
            "tool_calls": [
                {"function": {"name": "g", "arguments": {"y": 2}}},
                {"function": {"name": "h", "arguments": "{broken"}},
                {"function": {"name": "k", "arguments": "[1, 2]"}},
                {"function": {"arguments": "{}"}},
            ],
        },
    ]
    calls = calls_from_messages(messages)
    assert [(c.tool, c.arguments, c.turn) for c in calls[:2]] == [("f", {"x": 1}, 0), ("g", {"y": 2}, 1)]
    assert calls[2].arguments is None and "not JSON" in calls[2].parse_error
    assert calls[3].arguments is None and "not an object" in calls[3].parse_error
    assert calls[4].parse_error == "a tool call without a function name"
    # The final assistant text of each turn is its answer; text followed by more calls is not.
    messages += [{"role": "assistant", "content": [{"type": "text", "text": "It is "}, {"type": "text", "text": "9."}]}]
    assert answers_from_messages(messages) == {1: "It is  9."}
    assert answers_from_messages(messages[:4] + [{"role": "assistant", "content": "one"}]) == {0: "one"}


def test_an_episode_replays_live_and_scores_like_the_transcript(tasks, scorer):
    task = _multi(tasks)
    episode = Episode(task, scorer)
    assert episode.reset() == task.turns[0].user
    for number in range(len(task.turns)):
        if number:
            assert episode.next_turn() == task.turns[number].user
        for call in task.calls_of_turn(number):
            assert episode.call(call.tool, json.dumps(call.arguments)) == tool_content(call.result)
    assert episode.next_turn() is None
    assert episode.reward() == 1.0
    assert episode.call("book_reservation", "{oops").startswith('{"error":"InvalidArguments"')
    assert episode.reward() < 1.0
    assert episode.reset() == task.turns[0].user and episode.reward() == 0.0


def test_a_task_from_another_spec_version_is_refused(tasks, tmp_path):
    task = tasks[0]
    other = dataclasses.replace(task, env=dataclasses.replace(task.env, source_sha256="0" * 64))
    with pytest.raises(RewardError, match="another version of airline"):
        Scorer().score(other, [])
    missing = dataclasses.replace(task, env=EnvRef("airline", "travel", str(tmp_path / "gone"), "x", None))
    with pytest.raises(RewardError, match="cannot read"):
        Scorer().score(missing, [])


# ---------------------------------------------------------------- question turns


def test_a_question_scores_the_answer_in_an_unchanged_state(questions, scorer):
    assert len(questions) == 6
    several = next(t for t in questions if len(t.turns[0].answer_facts) >= 2)
    for task in questions:
        (turn,) = task.turns
        assert turn.kind == "question"
        truth = score_messages(task, list(task.messages), scorer=scorer)
        assert truth.reward == 1.0 and truth.exact and truth.turns[0].answer == 1.0
        nothing = score(task, [], scorer=scorer)
        assert nothing.reward == 0.0 and nothing.turns[0].state == 1.0 and nothing.turns[0].answer == 0.0
        assert not nothing.exact  # the state is right, but nothing was answered
        closing = {0: task.messages[-1]["content"]}
        looked_up = score(task, _calls(task), scorer=scorer)  # the calls, no answer
        guessed = score(task, [], answers=closing, scorer=scorer)  # the answer, no calls
        assert looked_up.reward == pytest.approx(0.5) and guessed.reward == pytest.approx(0.5)
    # Half the facts: half the answer term.
    facts = several.turns[0].answer_facts
    partial = score(several, _calls(several), answers={0: f"It is {_say(facts[0])}."}, scorer=scorer)
    assert partial.turns[0].answer == pytest.approx(1 / len(facts)) and 0.5 < partial.reward < 1.0
    # A write while answering: the state term is lost and the extra call charged, however right the answer.
    task = questions[0]
    user = scorer.environment(task).rows("User")[0]["id"]
    card = ModelCall("add_credit_card", {"user": user, "brand": "Visa", "last_four": "1234"}, 0)
    wrote = score(task, [*_calls(task), card], answers={0: task.messages[-1]["content"]}, scorer=scorer)
    assert wrote.turns[0].state == 0.0 and wrote.turns[0].extra == 1 and wrote.reward < 0.5


def _say(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def test_a_live_question_episode_takes_the_final_message_as_the_answer(questions, scorer):
    task = questions[0]
    episode = Episode(task, scorer)
    episode.reset()
    for call in task.calls:
        episode.call(call.tool, call.arguments)
    assert episode.reward() == pytest.approx(0.5)
    episode.answer("Let me check.")
    episode.observe([{"role": "assistant", "content": task.messages[-1]["content"]}])
    assert episode.answers == {0: task.messages[-1]["content"]} and episode.reward() == 1.0


def test_answer_facts_are_found_in_their_usual_spellings():
    from envdsl.reward.answer import answer_share

    found = [
        (1096.0, "The refund is $1,096.00."),
        (1096.0, "1096 in total"),
        (3, "You have three of them."),
        ("on_time", "It is on time."),
        ("delayed", "Status: DELAYED"),
        ("2026-03-06", "It leaves on March 6th, 2026."),
        ("2026-03-06", "6 Mar"),
        ("2026-03-06T21:55:00", "on 2026-03-06 at 9:55 pm"),
        ("2026-03-06T09:00:00", "March 6 at 09:00"),
        (True, "Yes, it is."),
        ("MA102-20260306", "flight MA102-20260306"),
    ]
    for fact, text in found:
        assert answer_share([fact], text) == 1.0, (fact, text)
    missed = [
        (1096.0, "1,906.00"),
        (3, "R1003"),
        (3, "13 files"),
        ("delayed", "not delayedness"),
        ("2026-03-06", "March 16, 2026"),
        ("2026-03-06T21:55:00", "March 6 at 9:55 am"),
        (False, "it is true"),
    ]
    for fact, text in missed:
        assert answer_share([fact], text) == 0.0, (fact, text)
    assert answer_share([], "") == 1.0 and answer_share([1], None) == 0.0
    assert answer_share([1, "booked"], "1 booked") == 1.0 and answer_share([1, "booked"], "one") == 0.5
