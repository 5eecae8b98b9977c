"""/api/experiments/{name}/runs/{run_id}/files: a run's files with a URL for each, and, for a
local store (`dw-sim serve`), the file route those URLs name. In AWS the URLs are presigned S3
GETs, so the data never passes through the API."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Query

from dwsim.api import context
from dwsim.api.errors import documented, error_response, ok
from dwsim.api.experiments import Name
from dwsim.api.models import ErrorEnvelope, RunFile, RunFiles
from dwsim.api.runs import RunId
from dwsim.download import path_parts, table_of
from dwsim.errors import InvalidInput
from dwsim.runs.layout import run_prefix

router = Router()
URL_SECONDS = 3600
MAX_PAGE = 1000  # presigned URLs are ~1.5 KB: a page stays far below Lambda's 6 MB response
CHUNK_BYTES = 4 * 1024 * 1024  # the most one file response carries; ask with Range for more
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@router.get("/api/experiments/<name>/runs/<run_id>/files",
            summary="A run's files, each with a URL to download it, a page at a time",
            responses=documented({200: ok(RunFiles, "a page of the run's files")}))
def list_files(name: Name, run_id: RunId,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="files per page")] = MAX_PAGE,
               next_token: Annotated[str | None, Query(max_length=2048,
                                                       description="the previous page's token")] = None,
               ) -> RunFiles:
    services = context.current().services
    run = services.store.get_run(name, run_id)  # 404 for an unknown experiment or run
    prefix = run_prefix(name, run_id) + "/"
    after = prefix + "/".join(path_parts(next_token)) if next_token else None
    sizes = services.objects.sizes(prefix, after, limit + 1)
    keys = list(sizes)[:limit]
    files = []
    for key in keys:
        path = key[len(prefix):]
        url = services.objects.download_url(key, URL_SECONDS) or (
            f"/api/experiments/{quote(name, safe='')}/runs/{quote(run_id, safe='')}/file"
            f"?path={quote(path, safe='')}")
        files.append(RunFile(path=path, table=table_of(path), size=sizes[key], url=url))
    more = len(sizes) > limit
    return RunFiles(experiment=name, run_id=run_id, status=run.status, expires_in=URL_SECONDS,
                    files=files, next_token=files[-1].path if more and files else None)


@router.get("/api/experiments/<name>/runs/<run_id>/file",
            summary="One of a run's files, at most 4 MiB a response (send Range for more)",
            description="What the URLs of a local store's file list name. A file over 4 MiB "
                        "is read in ranges: `Range: bytes=START-END` answers 206 with "
                        "Content-Range. Where the store presigns URLs (S3), this redirects "
                        "(303) to one.",
            responses=documented({
                200: {"description": "the file's bytes", "content": {"application/octet-stream": {}}},
                206: {"description": "a range of the file's bytes",
                      "content": {"application/octet-stream": {}}},
                303: {"description": "the presigned URL to GET instead"},
                416: {"description": "the range starts past the end of the file",
                      "content": {"application/json": {"model": ErrorEnvelope}}}}))
def read_file(name: Name, run_id: RunId,
              path: Annotated[str, Query(min_length=1, max_length=2048,
                                         description="the file's path from the file list")],
              wanted: Annotated[str | None, Header(alias="range", max_length=100,
                                                   description="bytes=START-END")] = None):
    # The Range header comes in as a parameter: a Router's current_event belongs to whichever
    # resolver included it last, not to this request (serve runs one resolver per thread).
    services = context.current().services
    services.store.get_run(name, run_id)
    key = run_prefix(name, run_id) + "/" + "/".join(path_parts(path))
    size = services.objects.size(key)  # NotFound: not a file of this run
    presigned = services.objects.download_url(key, URL_SECONDS)
    if presigned:
        return Response(status_code=303, headers={"Location": presigned}, body="")
    if not wanted:
        if size > CHUNK_BYTES:
            raise InvalidInput(f"'{path}' is {size:,} bytes; ask for at most {CHUNK_BYTES:,} at a "
                               "time with a Range header (bytes=START-END)")
        return _bytes(200, services.objects.get(key), {})
    match = _RANGE.match(wanted.strip())
    if not match:
        raise InvalidInput(f"Range '{wanted}' is not bytes=START-END")
    start = int(match[1])
    if start >= size:
        return error_response(416, "range_not_satisfiable",
                              f"'{path}' is {size:,} bytes; the range starts at {start:,}")
    end = min(int(match[2]) if match[2] else size - 1, size - 1, start + CHUNK_BYTES - 1)
    data = services.objects.get_range(key, start, end + 1)
    return _bytes(206, data, {"Content-Range": f"bytes {start}-{end}/{size}"})


def _bytes(status: int, data: bytes, headers: dict[str, str]) -> Response:
    # Powertools sends bytes base64-encoded (isBase64Encoded); `dw-sim serve` decodes them.
    return Response(status_code=status, content_type="application/octet-stream", body=data,
                    headers={"Cache-Control": "no-store", **headers})
