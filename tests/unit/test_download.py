"""Writing a downloaded file: whole or not at all, inside the target folder only."""

from __future__ import annotations

import pytest

from dwsim.download import DownloadFailed, RunFile, table_of, write_file
from dwsim.errors import InvalidInput


def test_a_file_is_renamed_into_place_only_at_its_listed_size(tmp_path):
    file = RunFile("orders/part-00000.parquet", "orders", 6)
    written = write_file(tmp_path, file, iter([b"abc", b"def"]))
    assert written == tmp_path / "orders" / "part-00000.parquet" and written.read_bytes() == b"abcdef"
    for chunks in ([b"abc"], [b"abcdefg"]):  # cut off, or longer than listed
        with pytest.raises(DownloadFailed, match="orders/part-00000.parquet"):
            write_file(tmp_path, file, iter(chunks))
        assert written.read_bytes() == b"abcdef", "the earlier copy stays whole"
    assert sorted(p.name for p in (tmp_path / "orders").iterdir()) == ["part-00000.parquet"]


def test_a_failing_source_leaves_no_temporary_file(tmp_path):
    def broken():
        yield b"ab"
        raise ConnectionResetError("peer went away")

    with pytest.raises(ConnectionResetError):
        write_file(tmp_path, RunFile("load.sql", None, 10), broken())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../x", "a//b", "a\\b", "a/./b", "a\nb"])
def test_paths_that_leave_the_folder_are_refused(tmp_path, path):
    with pytest.raises(InvalidInput, match="not a path inside a run's output"):
        write_file(tmp_path / "in", RunFile(path, None, 1), iter([b"x"]))
    assert not (tmp_path / "in").exists() and not (tmp_path / "x").exists()


def test_parts_name_their_table():
    assert table_of("orders/part-00012.parquet") == "orders"
    assert table_of("_manifests/orders.manifest") is None and table_of("load.sql") is None
