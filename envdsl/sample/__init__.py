"""`envdsl.sample`: calibrated tasks from verified environments (docs/sampling.md).

- `task.py`: the task format (`Task`, `load_tasks`, `dump_tasks`; docs/tasks.md);
- `sampler.py`: the run (`sample`, `EnvSampler`, `SampleConfig`): independent streams per
  environment (`run_stream`), run by `envdsl.scale.map_shards` and merged in a fixed order;
- `plan.py`: goal binding and upstream resolution, by execution;
- `question.py`: question turns: which facts of a read-only result are the answer;
- `calibrate.py`: unique goal state, refinement, minimisation;
- `facts.py`: what a user can say about a row, and which rows facts allow;
- `values.py`: candidate values for scalar parameters;
- `realize.py`: the `Realizer` protocol and the template realizer;
- `report.py`: the run's summary and picture; `cli.py`: `envdsl sample`.
"""
