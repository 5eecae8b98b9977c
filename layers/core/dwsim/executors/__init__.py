"""Run executors: how a run that the guard created gets executed. `local` runs the workflow
steps in this process (a thread for `dw-sim serve`, a detached process for the CLI, a process
pool for the batches); `stepfunctions` starts the state machine in AWS."""
