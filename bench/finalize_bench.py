"""Finalize benchmark: seconds for the finalize step over a run of many small parts in moto's
S3 and DynamoDB (in process), the median of several repetitions.

Each repetition starts and plans a fresh run of one table split into --parts one-row batches,
then writes every part (off the clock, as the batch Lambdas would have) and times
`steps.finalize` alone: list the parts, check every footer against the plan, write the
manifest, load.sql and _SUCCESS, finish the run. moto answers in microseconds where S3 takes
tens of milliseconds, so the absolute figure is a floor; what it shows is the number and order
of requests (sequential HEAD, HEAD, GET per part before; one listing plus parallel ranged
GETs now). Run it against another checkout by putting that checkout's layers/core first on
PYTHONPATH.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

for variable, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench",
                        "AWS_SECRET_ACCESS_KEY": "bench"}.items():
    os.environ.setdefault(variable, value)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

TABLE, BUCKET = "dwsim-bench", "dwsim-bench"


def services():
    from dwsim.metadata.dynamodb import DynamoDBStore
    from dwsim.objects.s3 import S3ObjectStore
    from dwsim.runs.services import Services

    boto3.client("dynamodb").create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}])
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return Services(DynamoDBStore(TABLE, boto3.resource("dynamodb")), S3ObjectStore(BUCKET))


def once(svc, parts: int) -> float:
    """One run of `parts` one-row parts: seconds spent in finalize."""
    from dwsim.engine.generator import Generator
    from dwsim.engine.parquet import to_parquet
    from dwsim.metadata.records import RunStatus
    from dwsim.runs import layout, lifecycle, steps

    run = lifecycle.start_run(svc, "bench", rows={"events": parts}, batch_rows=1)
    plan = steps.plan(svc, "bench", run.run_id)
    experiment = steps.run_snapshot(svc, "bench", run.run_id)
    part = to_parquet(Generator(experiment, run.seed).table("events").generate(0, 1))
    prefix = layout.run_prefix("bench", run.run_id)
    for batch in steps.planned_batches(svc, plan):
        svc.objects.put(layout.part_key(prefix, batch.table, batch.part), part)
    started = time.perf_counter()
    final = steps.finalize(svc, "bench", run.run_id)
    seconds = time.perf_counter() - started
    assert final.status is RunStatus.COMPLETED and final.tables[0].rows == parts
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import dwsim
    from dwsim.schema.validate import prepare

    with mock_aws():
        svc = services()
        svc.store.create_experiment(prepare({"name": "bench", "tables": [{
            "name": "events", "target_rows": args.parts,
            "columns": [{"name": "id", "data_type": "INT", "is_unique": True},
                        {"name": "amount", "data_type": "FLOAT"}]}]}))
        runs = [once(svc, args.parts) for _ in range(args.repeat)]
    print(f"dwsim: {os.path.dirname(dwsim.__file__)}")
    print(f"finalize of {args.parts:,} parts: median {statistics.median(runs):.2f} s over "
          f"{len(runs)} run(s) ({', '.join(f'{s:.2f}' for s in runs)})")


if __name__ == "__main__":
    main()
