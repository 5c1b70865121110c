"""``goschedlab explore``: exhaustive interleaving exploration of the runtime's lock-free code."""

from __future__ import annotations

import os

import typer

from goschedlab.errors import UserInputError
from goschedlab.explore.execution import Instance
from goschedlab.explore.models import MODELS, ModelSpec
from goschedlab.explore.path import decode_token
from goschedlab.explore.report import format_outcome, format_table, outcome_json, replay, write_json
from goschedlab.explore.scheduler import REDUCTIONS, Config, explore


def _list() -> str:
    lines = ["model                     sc   tso  arm  params                what", "-" * 100]
    for spec in MODELS.values():
        exp = "  ".join(("ok " if spec.expect[m] == "ok" else "BUG") for m in ("sc", "tso", "arm"))
        ps = ",".join(spec.params) or "-"
        lines.append(f"{spec.name:25s} {exp}  {ps:21s} {spec.summary}")
    lines.append("")
    lines.append(
        "sc/tso/arm: expected verdict under each memory model (BUG = a violation is "
        "expected); bug-* are seeded-bug variants and must fail."
    )
    return "\n".join(lines)


def _instance(spec: ModelSpec, given: dict[str, int | None]) -> Instance:
    params = dict(spec.defaults)
    for k, v in given.items():
        if v is None:
            continue
        if k not in spec.params:
            raise UserInputError(
                f"--{k}: model {spec.name} does not take this parameter "
                f"(it takes: {', '.join(spec.params) or 'none'})"
            )
        params[k] = v
    if "capacity" in params and (params["capacity"] < 2 or params["capacity"] % 2):
        raise UserInputError(f"--capacity: expected an even number >= 2, got {params['capacity']}")
    if "threads" in params and not 1 <= params["threads"] <= 6:
        raise UserInputError(f"--threads: expected 1..6, got {params['threads']}")
    if "ops" in params and not 0 <= params["ops"] <= 64:
        raise UserInputError(f"--ops: expected 0..64, got {params['ops']}")
    return spec.build(spec.name, **params)


def explore_command(
    model: str = typer.Argument("", help="Built-in model name (see --list)."),
    memory: str = typer.Option(
        None, "--memory", help="Memory model: sc, tso or arm (default: sc)."
    ),
    threads: int = typer.Option(
        None, "--threads", help="runq models: owner + thieves (default: 3)."
    ),
    ops: int = typer.Option(None, "--ops", help="runq models: owner operations (default: 5)."),
    capacity: int = typer.Option(
        None, "--capacity", help="runq models: ring slots, even (Go: 256; default: 4)."
    ),
    preemption_bound: int = typer.Option(
        None, "--preemption-bound", help="Max preemptive context switches (default: unbounded)."
    ),
    reduction: str = typer.Option(
        None,
        "--reduction",
        help="Partial-order reduction: static (persistent + sleep sets over hashed states, "
        "the default), dpor (source-DPOR + sleep sets with a state cache; with "
        "--preemption-bound the static one is used) or none (full expansion).",
    ),
    random_walks: int = typer.Option(0, "--random", help="Random walks instead of DFS."),
    seed: int = typer.Option(0, "--seed", help="Seed of --random."),
    json_file: str = typer.Option(None, "--json", help="Write verdict, stats, counterexample."),
    replay_token: str = typer.Option(None, "--replay", help="Rerun a counterexample token."),
    list_models: bool = typer.Option(False, "--list", help="List the built-in models."),
) -> None:
    """Explore every interleaving of MODEL under a memory model and check it.

    Exit status: 0 no violation, 1 violation found (or replayed), 2 bad input.
    """
    if list_models:
        print(_list())
        return
    if not model:
        raise UserInputError("explore: expected a MODEL name (see 'goschedlab explore --list')")
    spec = MODELS.get(model)
    if spec is None:
        raise UserInputError(f"explore: unknown model {model!r} (see 'goschedlab explore --list')")
    if memory is not None and memory not in ("sc", "tso", "arm"):
        raise UserInputError(f"--memory: expected sc, tso or arm, got {memory!r}")
    if replay_token is not None:
        mem, params, path = decode_token(replay_token)
        if memory is not None and memory != mem:
            raise UserInputError(f"--memory {memory} conflicts with the token's memory {mem}")
        inst = _instance(spec, {k: v for k, v in params.items() if k in spec.params})
        if inst.params != params:
            raise UserInputError(
                f"--replay token: parameters {params} do not match model "
                f"{model} (it builds {inst.params})"
            )
        rep = replay(inst, mem, path)
        print(f"{model} [{mem}]: replaying {len(path)} steps")
        print(format_table(inst, rep))
        if rep.violation is None:
            print("replay: path ends without a violation")
            return
        print(f"replay: VIOLATION ({rep.violation[0]}): {rep.violation[1]}")
        raise typer.Exit(1)
    if preemption_bound is not None and preemption_bound < 0:
        raise UserInputError(f"--preemption-bound: expected >= 0, got {preemption_bound}")
    if reduction is not None and reduction not in REDUCTIONS:
        raise UserInputError(f"--reduction: expected {', '.join(REDUCTIONS)}, got {reduction!r}")
    if random_walks < 0:
        raise UserInputError(f"--random: expected >= 0, got {random_walks}")
    if json_file and not os.path.isdir(os.path.dirname(os.path.abspath(json_file))):
        raise UserInputError(f"--json {json_file}: directory does not exist")
    inst = _instance(spec, {"threads": threads, "ops": ops, "capacity": capacity})
    cfg = Config(
        memory=memory or "sc",
        preemption_bound=preemption_bound,
        random_walks=random_walks,
        seed=seed,
        reduction=reduction or Config.reduction,
    )
    out = explore(inst, cfg)
    print(format_outcome(out, model))
    if json_file:
        write_json(json_file, outcome_json(out, model))
    if out.violation is not None:
        raise typer.Exit(1)
