"""The workbench's pages, one module each, every one exposing `page()`: Scenario (load and edit),
Run (replications and the run's report), Compare (paired against a reference), Plan (capacity
and the sizing of one pool) and Learn (the support-desk playground); `common` holds what they
share (a job's progress, a finished job's report, a scenario's problems)."""
