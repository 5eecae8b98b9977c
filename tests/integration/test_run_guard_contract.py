"""The run records and the one-active-run guard, against both metadata stores."""

from __future__ import annotations

import threading

import pytest

from dwsim.errors import Conflict, NotFound, RunActive
from dwsim.metadata.records import RunRecord, RunStatus, new_run_id, utc_now
from dwsim.schema.validate import prepare

SCHEMA = {"name": "shop", "tables": [{"name": "t", "target_rows": 10,
                                      "columns": [{"name": "id", "data_type": "INT"}]}]}


def make_run(experiment: str = "shop") -> RunRecord:
    return RunRecord(run_id=new_run_id(), experiment=experiment, started_at=utc_now(), seed=1,
                     requested_rows={"t": 10}, batch_rows=5)


@pytest.fixture
def shop(store):
    store.create_experiment(prepare(dict(SCHEMA)))
    return store


def test_start_creates_the_run_and_claims_the_experiment(shop):
    run = make_run()
    shop.start_run(run)
    assert shop.active_run_id("shop") == run.run_id
    loaded = shop.get_run("shop", run.run_id)
    assert loaded.status is RunStatus.RUNNING and loaded.requested_rows == {"t": 10}


def test_second_start_is_refused_with_the_active_run_id(shop):
    first = make_run()
    shop.start_run(first)
    second = make_run()
    with pytest.raises(RunActive) as info:
        shop.start_run(second)
    assert info.value.run_id == first.run_id
    with pytest.raises(NotFound):
        shop.get_run("shop", second.run_id)


def test_concurrent_starts_make_exactly_one_run(shop):
    runs = [make_run() for _ in range(8)]
    barrier = threading.Barrier(8)
    started, refused, errors = [], [], []

    def start(run):
        barrier.wait()
        try:
            shop.start_run(run)
            started.append(run.run_id)
        except RunActive as exc:
            refused.append(exc.run_id)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(started) == 1 and len(refused) == 7
    assert set(refused) == set(started)
    assert [r.run_id for r in shop.list_runs("shop")] == started


def test_finish_releases_the_claim_once(shop):
    run = make_run()
    shop.start_run(run)
    run.status = RunStatus.COMPLETED
    assert shop.finish_run(run) is True
    assert shop.active_run_id("shop") is None
    run.status = RunStatus.FAILED
    assert shop.finish_run(run) is False, "a finished run cannot change again"
    assert shop.get_run("shop", run.run_id).status is RunStatus.COMPLETED
    shop.start_run(make_run())  # the experiment can run again


def test_finishing_an_old_run_does_not_release_a_newer_claim(shop):
    old = make_run()
    shop.start_run(old)
    old.status = RunStatus.ABORTED
    shop.finish_run(old)
    new = make_run()
    shop.start_run(new)
    old.status = RunStatus.FAILED
    shop.finish_run(old)
    assert shop.active_run_id("shop") == new.run_id


def test_batches_are_counted_once(shop):
    run = make_run()
    shop.start_run(run)
    assert shop.record_batch("shop", run.run_id, 0, 5) is True
    assert shop.record_batch("shop", run.run_id, 0, 5) is False
    assert shop.record_batch("shop", run.run_id, 1, 5) is True
    progress = shop.get_run("shop", run.run_id).progress
    assert (progress.batches_done, progress.rows_done) == (2, 10)


def test_update_keeps_counters_and_list_is_newest_first(shop):
    first = make_run()
    shop.start_run(first)
    shop.record_batch("shop", first.run_id, 0, 5)
    shop.set_totals("shop", first.run_id, 2, 10)
    shop.set_executor("shop", first.run_id, {"kind": "test"})
    loaded = shop.get_run("shop", first.run_id)
    assert loaded.progress.batches_done == 1 and loaded.progress.batches_total == 2
    assert loaded.executor == {"kind": "test"}
    first.status = RunStatus.COMPLETED
    shop.finish_run(first)
    second = make_run()
    shop.start_run(second)
    assert [r.run_id for r in shop.list_runs("shop")] == [second.run_id, first.run_id]
    newest = shop.last_run("shop")
    assert newest.run_id == second.run_id and newest.model_dump() == shop.get_run(
        "shop", second.run_id).model_dump()
    assert shop.last_run("ghost") is None


def test_unknown_experiments_and_runs(shop):
    with pytest.raises(NotFound):
        shop.start_run(make_run("ghost"))
    with pytest.raises(NotFound):
        shop.list_runs("ghost")
    with pytest.raises(NotFound):
        shop.get_run("shop", "NOPE")


def test_delete_refuses_while_a_run_is_active_then_removes_runs(shop):
    run = make_run()
    shop.start_run(run)
    with pytest.raises(Conflict, match="active run"):
        shop.delete_experiment("shop")
    run.status = RunStatus.COMPLETED
    shop.finish_run(run)
    shop.delete_experiment("shop")
    shop.create_experiment(prepare(dict(SCHEMA)))
    assert shop.list_runs("shop") == []


def test_concurrent_field_updates_lose_nothing(shop):
    """The API records the executor while the plan step records totals: both survive, in any
    interleaving (each writes its own fields, never the whole record)."""
    import threading

    for _ in range(6):
        run = make_run()
        shop.start_run(run)
        barrier = threading.Barrier(2)

        def executor(run=run, barrier=barrier):
            barrier.wait()
            shop.set_executor("shop", run.run_id, {"kind": "stepfunctions", "execution_arn": run.run_id})

        def totals(run=run, barrier=barrier):
            barrier.wait()
            shop.set_totals("shop", run.run_id, 7, 70)

        threads = [threading.Thread(target=executor), threading.Thread(target=totals)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        loaded = shop.get_run("shop", run.run_id)
        assert loaded.executor == {"kind": "stepfunctions", "execution_arn": run.run_id}
        assert (loaded.progress.batches_total, loaded.progress.rows_total) == (7, 70)
        run.status = RunStatus.COMPLETED
        shop.finish_run(run)
        finished = shop.get_run("shop", run.run_id)
        assert finished.executor == loaded.executor, "finishing keeps the recorded executor"


def test_active_runs_lists_every_claim_and_only_claims(shop):
    shop.create_experiment(prepare({**SCHEMA, "name": "other"}))
    assert shop.active_runs() == []
    first, second = make_run(), make_run("other")
    shop.start_run(first)
    shop.start_run(second)
    assert sorted(shop.active_runs()) == [("other", second.run_id), ("shop", first.run_id)]
    first.close(RunStatus.COMPLETED)
    assert shop.finish_run(first)
    assert shop.active_runs() == [("other", second.run_id)], "a finished run's claim is gone"
