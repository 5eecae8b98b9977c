"""Raw HTTP for the tests that send what no client library would (bad framing)."""

from __future__ import annotations

import socket


def raw_exchange(address: tuple[str, int], data: bytes, timeout: float = 30) -> bytes:
    """Send bytes as they are; everything the server answers until it closes (the socket's
    timeout fails the test instead of hanging it)."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
