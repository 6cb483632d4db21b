"""The load generator of `laborsign bench api`: it reads whole HTTP/1.1 answers, keeps the
connection only when the server does, and stops at the first answer that is not a 200."""

from __future__ import annotations

import asyncio

import pytest

from laborsign.web.api_bench import BadAnswer, closed_loop, read_answer, request_bytes


def answer_of(raw: bytes) -> tuple[int, bytes, bool]:
    async def read() -> tuple[int, bytes, bool]:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_answer(reader)

    return asyncio.run(read())


def test_a_body_of_known_length_is_read_whole() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
        b'{"id": "x"}'
    )
    assert answer_of(raw + b"HTTP/1.1 200 OK\r\n") == (200, b'{"id": "x"}', True)


def test_a_chunked_body_is_put_together() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n"
    )
    assert answer_of(raw) == (200, b"abcdefg", True)


def test_the_connection_is_kept_only_when_the_server_keeps_it() -> None:
    closing = b"HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno"
    assert answer_of(closing) == (503, b"no", False)
    # No length and not chunked: the body ends with the connection.
    assert answer_of(b"HTTP/1.1 200 OK\r\n\r\nuntil the end") == (200, b"until the end", False)


def test_what_is_not_http_is_refused() -> None:
    with pytest.raises(BadAnswer):
        answer_of(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(asyncio.IncompleteReadError):
        answer_of(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")


def test_request_bytes_are_a_plain_keep_alive_get() -> None:
    assert request_bytes("/x?y=1", {"Authorization": "Bearer t"}) == (
        b"GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n\r\n"
    )


def serve_then_load(answers: list[bytes], clients: int, count: int) -> tuple[int, int, int]:
    """Runs a loopback server answering `answers` in turn (then 200s) under the closed loop;
    returns (latencies measured, requests the server saw, requests seen when every client
    had been answered once)."""
    seen = 0
    when_connected: list[int] = []

    def connected() -> list[int]:
        when_connected.append(seen)
        return [clients]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal seen
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                body = answers[seen] if seen < len(answers) else b"ok"
                seen += 1
                status = b"200 OK" if body == b"ok" else b"500 Oops"
                writer.write(
                    b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)
                )
                await writer.drain()
        except asyncio.IncompleteReadError:
            writer.close()

    async def main() -> int:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            load = await closed_loop(port, request_bytes("/", {}), clients, count, connected)
        assert load.spread == [clients]
        return len(load.latencies)

    measured = asyncio.run(main())
    [at] = when_connected  # called once
    return measured, seen, at


def test_the_closed_loop_times_exactly_the_requests_asked_for() -> None:
    measured, seen, at = serve_then_load([], clients=5, count=37)
    # One untimed request per client while connecting, then the 37 timed ones.
    assert (measured, seen) == (37, 5 + 37)
    assert at == 5  # called when every client had had its first answer, before any timing


def test_the_closed_loop_stops_at_an_error_answer() -> None:
    with pytest.raises(BadAnswer, match="HTTP 500"):
        serve_then_load([b"ok", b"broken"], clients=1, count=10)
    with pytest.raises(BadAnswer, match="HTTP 500"):  # while connecting, too
        serve_then_load([b"broken"], clients=3, count=10)
