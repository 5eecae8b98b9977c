"""Requests resolved at the same time on their own resolvers (as `dw-sim serve`'s threads do)
each see their own event, although Powertools keeps the event on a class attribute."""

from __future__ import annotations

import threading

from dwsim.api.app import build_resolver, handle
from tests.support.aws import LambdaContext, rest_event


def test_concurrent_requests_each_see_their_own_event():
    both_inside = threading.Barrier(2, timeout=10)
    seen: dict[str, str] = {}

    def resolver_for(name: str):
        resolver = build_resolver()

        @resolver.get(f"/api/{name}", include_in_schema=False)
        def echo() -> dict:
            both_inside.wait()  # the other request has now been resolved too
            return {"path": resolver.current_event.path}

        return resolver

    def call(name: str) -> None:
        response = handle(resolver_for(name), rest_event("GET", f"/api/{name}"), LambdaContext("api"))
        seen[name] = response["body"]

    threads = [threading.Thread(target=call, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen == {"first": '{"path":"/api/first"}', "second": '{"path":"/api/second"}'}
