"""The cyclic collector is paused while DDL is imported and resumed afterwards, whatever the
import's outcome and however many imports overlap (dw-sim serve imports on several threads)."""

from __future__ import annotations

import gc
import threading

import pytest

from dwsim.ddl.importer import import_ddl
from dwsim.errors import SqlSyntaxError
from dwsim.gcpause import collector_paused

pytestmark = pytest.mark.unit

DDL = "".join(f"CREATE TABLE t{i} (id INT PRIMARY KEY, name VARCHAR(40), at TIMESTAMP);\n"
              for i in range(300))


def test_an_import_makes_no_collection_pass_and_leaves_the_collector_on():
    passes = []

    def count(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        experiment = import_ddl(DDL, "gc", "redshift")
    finally:
        gc.callbacks.remove(count)
    assert len(experiment.tables) == 300
    # Unpaused, these 300 tables make hundreds of passes; paused, at most the one that the
    # first allocation after the import starts.
    assert len(passes) <= 1, passes
    assert gc.isenabled()


def test_the_collector_resumes_after_a_failed_import():
    with pytest.raises(SqlSyntaxError):
        import_ddl("CREATE TABLE t (id INT,", "gc", "redshift")
    assert gc.isenabled()


def test_overlapping_pauses_resume_when_the_last_ends():
    first_in, second_done = threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait()
        with collector_paused():
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())  # the first pause is still running
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with collector_paused():
        first_in.set()
        second_done.wait(10)
    thread.join()
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
