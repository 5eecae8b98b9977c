"""The detached process behind `dw-sim experiment generate` without --wait: it runs one
run's workflow on the embedded executor and outlives the CLI that started it."""

from __future__ import annotations

import subprocess
import sys

from dwsim.composition import build_services, services_factory
from dwsim.executors.local import execute
from dwsim.metadata.records import RunStatus
from dwsim.runs.lifecycle import local_executor
from dwsim.settings import Settings, get_settings


def spawn(settings: Settings, experiment: str, run_id: str, workers: int) -> int:
    """Start the background process for a started run; returns its pid."""
    command = [sys.executable, "-m", "dwsim.background", str(settings.home), experiment, run_id,
               str(workers)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    return process.pid


def main(argv: list[str]) -> int:
    home, experiment, run_id, workers = argv
    settings = get_settings().with_home(home)
    services = build_services(settings)
    services.store.set_executor(experiment, run_id, local_executor())
    final = execute(services_factory(settings), experiment, run_id, int(workers))
    return 0 if final.status is RunStatus.COMPLETED else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
