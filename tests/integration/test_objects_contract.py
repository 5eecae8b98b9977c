"""One contract for both object stores: a local folder and S3 (moto)."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dwsim.engine.parquet import row_count, to_parquet
from dwsim.errors import NotFound


def test_put_get_overwrite_and_size(objects):
    objects.put("a/b/c.bin", b"hello")
    assert objects.get("a/b/c.bin") == b"hello"
    objects.put("a/b/c.bin", b"bye")
    assert objects.get("a/b/c.bin") == b"bye" and objects.size("a/b/c.bin") == 3
    assert objects.exists("a/b/c.bin") and not objects.exists("a/b/zzz")


def test_missing_objects_are_not_found(objects):
    for call in (lambda: objects.get("nope"), lambda: objects.size("nope"),
                 lambda: objects.get_range("nope", 0, 2)):
        with pytest.raises(NotFound):
            call()


def test_list_and_delete_by_prefix(objects):
    for key in ("r/1/t/part-00001.parquet", "r/1/t/part-00000.parquet", "r/1/load.sql", "r/2/x"):
        objects.put(key, b"x")
    assert objects.list("r/1/t/") == ["r/1/t/part-00000.parquet", "r/1/t/part-00001.parquet"]
    assert objects.list("r/1/") == ["r/1/load.sql", "r/1/t/part-00000.parquet", "r/1/t/part-00001.parquet"]
    assert objects.list("nothing/") == []
    objects.put("r/1/t/part-00001.parquet", b"longer")
    assert objects.sizes("r/1/t/") == {"r/1/t/part-00000.parquet": 1, "r/1/t/part-00001.parquet": 6}
    assert objects.sizes("nothing/") == {}
    assert objects.delete_prefix("r/1/") == 3
    assert objects.list("r/") == ["r/2/x"]


def test_ranges_and_parquet_footer_without_reading_everything(objects):
    table = pa.table({"n": list(range(1000))})
    data = to_parquet(table)
    objects.put("p/part.parquet", data)
    assert objects.get_range("p/part.parquet", 0, 4) == b"PAR1"
    with objects.open("p/part.parquet") as file:
        assert row_count(file) == 1000
    with objects.open("p/part.parquet", size=len(data)) as file:  # size from a listing
        assert row_count(file) == 1000
    assert pq.read_table(io.BytesIO(objects.get("p/part.parquet"))).equals(table)


def test_uri_names_the_location(objects):
    uri = objects.uri("x/y.parquet")
    assert uri.endswith("x/y.parquet")
    assert uri.startswith("s3://dwsim-test/") or uri.startswith("/")


def test_local_keys_cannot_leave_the_store(local_objects):
    from dwsim.errors import InvalidInput

    with pytest.raises(InvalidInput, match="leaves the store"):
        local_objects.put("../outside.bin", b"x")


def test_sizes_list_a_page_of_keys_with_their_sizes(objects):
    for key, data in (("r/1/b/part-00000.parquet", b"xx"), ("r/1/a.sql", b"x"),
                      ("r/1/b/part-00001.parquet", b"xyz"), ("r/2/x", b"x")):
        objects.put(key, data)
    assert objects.sizes("r/1/") == {"r/1/a.sql": 1, "r/1/b/part-00000.parquet": 2,
                                     "r/1/b/part-00001.parquet": 3}
    assert objects.sizes("r/1/", limit=2) == {"r/1/a.sql": 1, "r/1/b/part-00000.parquet": 2}
    assert objects.sizes("r/1/", start_after="r/1/b/part-00000.parquet") == \
        {"r/1/b/part-00001.parquet": 3}
    assert objects.sizes("nothing/") == {}


def test_a_local_folder_has_no_download_urls(local_objects):
    local_objects.put("r/1/t/part-00000.parquet", b"x")
    assert local_objects.download_url("r/1/t/part-00000.parquet", 60) is None


def test_s3_presigns_a_sigv4_get_of_the_key(s3_objects):
    from urllib.parse import parse_qs, urlsplit

    import requests  # moto intercepts requests' HTTP calls to S3 (not urllib's)

    key = "experiments/shop/runs/01ABC/orders/part-00000.parquet"
    s3_objects.put(key, b"PAR1 data PAR1")
    url = s3_objects.download_url(key, 900)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.scheme == "https" and parts.path.endswith("/" + key)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["900"]
    assert len(query["X-Amz-Signature"][0]) == 64 and "/s3/aws4_request" in query["X-Amz-Credential"][0]
    # moto serves the presigned GET (it does not check the signature itself).
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == b"PAR1 data PAR1"
