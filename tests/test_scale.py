"""`envdsl.scale`: map_shards on a loop, local processes and a local Ray give identical results;
environments in Ray actors; a missing Ray is a clear usage error.

The Ray tests start one private local Ray (2 CPUs, no dashboard) for the module.
"""

from __future__ import annotations

import json
import math
import operator
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from envdsl.runtime import Environment
from envdsl.scale import INSTALL_HINT, map_shards
from envdsl.scale.actors import EnvironmentWorker
from envdsl.scale.options import address_problem, check_ray, ray_option
from envdsl.scale.workload import EpisodeShard, episode, run_episodes

ROOT = Path(__file__).resolve().parent.parent
AIRLINE = str(ROOT / "specs" / "travel" / "airline.envdsl")
RETAIL = str(ROOT / "specs" / "commerce" / "retail.envdsl")
SHARDS = [EpisodeShard(AIRLINE, (0, 1, 2), 25), EpisodeShard(RETAIL, (0, 1, 2), 25)]


def as_bytes(results: object) -> bytes:
    return json.dumps(results, ensure_ascii=False, sort_keys=False).encode("utf-8")


@pytest.fixture(scope="module")
def serial_results() -> list:
    return map_shards(run_episodes, SHARDS, jobs=1)


# ---------------------------------------------------------------- local


def test_local_pool_keeps_shard_order_and_reraises() -> None:
    assert map_shards(operator.neg, range(7), jobs=2) == [0, -1, -2, -3, -4, -5, -6]
    assert map_shards(operator.neg, [], jobs=2) == []
    with pytest.raises(ValueError, match="math domain error"):
        map_shards(math.sqrt, [4, -1, 9], jobs=2)


def test_episodes_are_deterministic_and_exercise_the_environment(serial_results: list) -> None:
    airline, retail = serial_results
    assert [e["seed"] for e in airline] == [0, 1, 2] and {e["env"] for e in airline} == {"airline"}
    calls = [call for shard in serial_results for e in shard for call in e["trace"]]
    assert len(calls) == 2 * 3 * 25
    assert any(c["ok"] for c in calls) and any(not c["ok"] for c in calls)
    # Failures are declared errors or bad arguments, never a crash.
    assert not [c for c in calls if c.get("error") == "InternalError"]
    # The same seed gives the same episode; another seed another one.
    env = Environment.load(AIRLINE)
    assert as_bytes(episode(env, 1, 25)) == as_bytes(airline[1])
    assert airline[0]["trace"] != airline[1]["trace"]


def test_processes_give_byte_identical_results(serial_results: list) -> None:
    assert as_bytes(map_shards(run_episodes, SHARDS, jobs=2)) == as_bytes(serial_results)


def test_worker_without_ray(serial_results: list) -> None:
    worker = EnvironmentWorker([AIRLINE])
    seeded = worker.reset()
    calls = [(c["tool"], c["arguments"]) for c in serial_results[0][2]["trace"]]
    replay = worker.rollout(calls)
    assert replay["state_hash"] == serial_results[0][2]["state_hash"]
    assert replay["results"] == [
        {k: v for k, v in c.items() if k not in ("tool", "arguments")} for c in serial_results[0][2]["trace"]
    ]
    assert worker.reset() == seeded and worker.state_diff() == {}
    with pytest.raises(KeyError, match="no environment `retail` in this worker; it holds airline"):
        worker.call("get_product", {"product": "x"}, env="retail")


# ---------------------------------------------------------------- a missing Ray


@click.command()
@ray_option()
def _sharded(ray_address: str | None) -> None:
    check_ray(ray_address)
    click.echo(f"address={ray_address}")


def test_ray_flag_without_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(_sharded, []).output == "address=None\n"
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    result = runner.invoke(_sharded, ["--ray"])
    assert result.exit_code == 2
    assert result.output == f"error: --ray needs Ray, which is not installed; install it with: {INSTALL_HINT}\n"
    assert runner.invoke(_sharded, ["--ray", "auto"]).exit_code == 2


def test_ray_addresses_are_checked() -> None:
    for good in ("local", "auto", "ray://head:10001", "10.0.0.5:6379"):
        assert address_problem(good) is None
    # `envdsl verify --ray compiled/` hands the path to --ray: say so instead of dialling it.
    result = CliRunner().invoke(_sharded, ["--ray", "compiled/"])
    assert result.exit_code == 2
    assert result.output.startswith(
        "error: --ray compiled/: not a Ray address (local, auto, ray://HOST:PORT or HOST:PORT)"
    )
    assert "put --ray after the paths or write --ray local" in result.output


# ---------------------------------------------------------------- on a local Ray


@pytest.fixture(scope="module")
def ray_local() -> Iterator[object]:
    pytest.importorskip("ray", reason="needs the ray extra: pip install 'envdsl[ray]'")
    from envdsl.scale.ray_env import ray_runtime

    with ray_runtime("local", num_cpus=2) as ray:
        yield ray


def test_ray_gives_byte_identical_results_in_shard_order(ray_local, serial_results: list) -> None:
    assert map_shards(operator.neg, range(5), ray_address="local") == [0, -1, -2, -3, -4]
    assert as_bytes(map_shards(run_episodes, SHARDS, ray_address="local")) == as_bytes(serial_results)
    with pytest.raises(ValueError, match="math domain error"):  # the shard's own exception, not Ray's wrapper
        map_shards(math.sqrt, [4, -1], ray_address="local")


def test_environment_actors_hold_isolated_environments(ray_local, serial_results: list) -> None:
    from envdsl.scale.actors import environment_actor

    ray = ray_local
    actor_class = environment_actor()
    first, second = actor_class.remote([AIRLINE]), actor_class.remote([AIRLINE])
    seeded = ray.get(first.reset.remote())
    card = {"user": "amara_okafor_4470", "brand": "Visa", "last_four": "1234"}
    added = ray.get(first.call.remote("add_credit_card", card))
    assert added["ok"] and added["value"]["label"] == "Visa ending 1234"
    assert ray.get(first.call.remote("add_credit_card", card))["error"] == "InvalidRequest"
    assert ray.get(second.state_hash.remote()) == seeded != ray.get(first.state_hash.remote())
    assert list(ray.get(first.state_diff.remote())) == ["Instrument"]
    # A whole episode in one round trip, as a rollout worker would run it.
    recorded = serial_results[0][0]
    replay = ray.get(second.rollout.remote([(c["tool"], c["arguments"]) for c in recorded["trace"]]))
    assert replay["state_hash"] == recorded["state_hash"]
    assert ray.get(first.reset.remote()) == seeded
    schemas = ray.get(first.tool_schemas.remote())
    assert [s["function"]["name"] for s in schemas] == Environment.load(AIRLINE).tool_names


def compile_into(out: Path, specs: list[Path]) -> list[Path]:
    """What `envdsl compile SPECS --out OUT` writes; the compiled folders."""
    from envdsl.emit.driver import Mode, apply, build_output
    from envdsl.workspace import load_spec

    outputs = []
    for spec in specs:
        loaded = load_spec(spec)
        assert loaded.ok and loaded.env is not None
        outputs.append(
            build_output(loaded.env, spec, spec.read_text(encoding="utf-8"), out, loaded.seed.hash, loaded.seed.count())
        )
    apply(outputs, out, Mode.WRITE)
    return [out / output.domain / output.name for output in outputs]


def test_verify_on_ray_writes_the_same_records_as_a_local_run(ray_local, tmp_path: Path) -> None:
    from envdsl.verify.cli import verify_command

    folders = compile_into(tmp_path / "compiled", [Path(AIRLINE), Path(RETAIL)])
    common = [*map(str, folders), "--examples", "3", "--steps", "4", "--seed", "7"]
    runner = CliRunner()
    local = runner.invoke(verify_command, common)
    assert local.exit_code == 0, local.output
    records = [(folder / "verification.json").read_bytes() for folder in folders]
    for folder in folders:
        (folder / "verification.json").unlink()
    on_ray = runner.invoke(verify_command, [*common, "--ray", "local"])
    assert on_ray.exit_code == 0, on_ray.output
    assert [(folder / "verification.json").read_bytes() for folder in folders] == records
    # Each environment was a shard; the verdicts are reported in the order given.
    verdicts = [line.split(":")[0] for line in on_ray.output.splitlines() if line.startswith("ok")]
    assert verdicts == ["ok      travel/airline", "ok      commerce/retail"]


def test_sample_on_ray_writes_the_same_bytes_as_a_local_run(ray_local, tmp_path: Path) -> None:
    from envdsl.sample.cli import sample_command
    from envdsl.verify.status import write_record

    folders = compile_into(tmp_path / "compiled", [Path(AIRLINE), Path(RETAIL)])
    for folder in folders:
        write_record(folder, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    runner = CliRunner()
    outputs = {}
    for name, extra in (("local", []), ("ray", ["--ray", "local"])):
        out = tmp_path / name / "tasks.jsonl"
        done = runner.invoke(sample_command, [*map(str, folders), "--n", "8", "--seed", "3", "--out", str(out), *extra])
        assert done.exit_code == 0, done.output
        outputs[name] = [
            out.read_bytes(),
            *(out.with_name(f"tasks.{p}").read_bytes() for p in ("summary.json", "drops.jsonl")),
        ]
    assert outputs["ray"] == outputs["local"]
    assert outputs["local"][0].count(b"\n") == 8


def test_sample_ray_flag_without_ray_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from envdsl.sample.cli import sample_command

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    result = CliRunner().invoke(sample_command, ["compiled/", "--n", "1", "--out", str(tmp_path / "t.jsonl"), "--ray"])
    assert result.exit_code == 2
    assert result.output == f"error: --ray needs Ray, which is not installed; install it with: {INSTALL_HINT}\n"
    assert not (tmp_path / "t.jsonl").exists()
