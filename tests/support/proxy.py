"""A fault-injecting HTTP proxy in front of a local AWS API (moto_server), on 127.0.0.1 only:
added latency, a share of throttled answers (as AWS spells them for each protocol), or no
answer at all. Started and stopped by the test or benchmark that uses it.

    with FaultProxy(server.url, throttle=0.1, seed=1) as proxy:
        ... AWS_ENDPOINT_URL=proxy.url ...

The proxy is a process of its own (``python -m tests.support.proxy``), on one asyncio loop,
with keep-alive connections to the upstream: a real API's round trip costs the caller no CPU,
so the proxy must not share the caller's interpreter (its lock and its cores' time) either.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

#: What a throttled call gets: the JSON protocols (ECR, STS and IAM speak query/XML).
JSON_THROTTLE = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
XML_THROTTLE = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                b"<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                b"</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
                b"</ErrorResponse>")
#: The proxy's own path: its request and throttle counts, as JSON.
COUNTS_PATH = "/_fault_proxy/counts"
#: Hop-by-hop headers, not forwarded.
HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-connection", "transfer-encoding"))
ROOT = Path(__file__).resolve().parents[2]


class FaultProxy:
    """Forward every request to ``upstream`` after ``latency`` seconds; answer a share
    ``throttle`` of them (0 to 1, drawn from ``seed``) with a throttling error instead; with
    ``hang``, never answer (the connection is held until :meth:`stop`), or with
    ``hang_on``, never answer calls of that one API operation (``GetLifecyclePolicy``)."""

    def __init__(self, upstream: str, *, latency: float = 0.0, throttle: float = 0.0,
                 hang: bool = False, hang_on: str | None = None, seed: int = 0) -> None:
        self.command = [sys.executable, "-m", "tests.support.proxy", "--upstream", upstream,
                        "--latency", repr(latency), "--throttle", repr(throttle),
                        "--seed", str(seed)]
        if hang:
            self.command.append("--hang")
        if hang_on is not None:
            self.command += ["--hang-on", hang_on]
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def counts(self) -> dict[str, int]:
        """``{"requests": n, "throttled": m}`` so far."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", COUNTS_PATH)
            counts: dict[str, int] = json.loads(connection.getresponse().read())
            return counts
        finally:
            connection.close()

    @property
    def requests(self) -> int:
        return self.counts()["requests"]

    @property
    def throttled(self) -> int:
        return self.counts()["throttled"]

    def start(self) -> FaultProxy:
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.PIPE,
                                        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "port N" once listening
        if not line.startswith("port "):
            self.stop()
            raise RuntimeError(f"the fault proxy did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


async def _read_message(reader: asyncio.StreamReader
                        ) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """One HTTP/1.1 message: its first line, headers and body (Content-Length, chunked, or up
    to the end for an answer without either); ``None`` at the end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    first, *lines = head[:-4].decode("latin-1").split("\r\n")
    headers = [(k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in lines)]
    fields = {k.lower(): v for k, v in headers}
    if "content-length" in fields:
        body = await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if not size:
                break
            chunks.append(chunk[:-2])
        body = b"".join(chunks)
    elif first.startswith("HTTP/") and " 204 " not in first and " 304 " not in first:
        body = await reader.read()
    else:
        body = b""
    return first, headers, body


class _Proxy:
    def __init__(self, options: argparse.Namespace) -> None:
        target = urlsplit(options.upstream)
        self.host, self.port = target.hostname or "127.0.0.1", target.port or 80
        self.options = options
        self.random = random.Random(options.seed)
        self.requests = self.throttled = 0
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def forward(self, first: str, headers: list[tuple[str, str]], body: bytes
                      ) -> tuple[int, bytes, str]:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers if k.lower() not in HOP_BY_HOP
                       and k.lower() != "content-length")
        request = (f"{first}\r\n{head}Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
        for _ in range(2):  # an idle connection the upstream has closed: once more, anew
            reused = bool(self.idle)
            reader, writer = (self.idle.pop() if reused
                              else await asyncio.open_connection(self.host, self.port))
            try:
                writer.write(request + body)
                await writer.drain()
                answer = await _read_message(reader)
            except ConnectionError:
                answer = None
            if answer is None:
                writer.close()
                if reused:
                    continue
                raise ConnectionError("the upstream closed the connection")
            status_line, answer_headers, data = answer
            fields = {k.lower(): v for k, v in answer_headers}
            if "content-length" in fields and fields.get("connection", "").lower() != "close":
                self.idle.append((reader, writer))
            else:
                writer.close()
            return (int(status_line.split()[1]), data,
                    fields.get("content-type", "text/plain"))
        raise ConnectionError("the upstream closed the connection")

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (message := await _read_message(reader)) is not None:
                first, headers, body = message
                if first.split()[1:2] == [COUNTS_PATH]:
                    counts = json.dumps({"requests": self.requests,
                                         "throttled": self.throttled}).encode()
                    self.answer(writer, 200, counts, "application/json")
                    continue
                fields = {k.lower(): v for k, v in headers}
                self.requests += 1
                throttled = self.random.random() < self.options.throttle
                self.throttled += throttled
                hang_on = self.options.hang_on
                if self.options.hang or (hang_on is not None and (
                        fields.get("x-amz-target", "").rsplit(".", 1)[-1] == hang_on
                        or f"Action={hang_on}&".encode() in body + b"&")):
                    await asyncio.Event().wait()  # held until the process ends
                if self.options.latency:
                    await asyncio.sleep(self.options.latency)
                if throttled:
                    json_protocol = "json" in fields.get("content-type", "")
                    self.answer(writer, 400, JSON_THROTTLE if json_protocol else XML_THROTTLE,
                                "application/x-amz-json-1.1" if json_protocol else "text/xml")
                else:
                    self.answer(writer, *await self.forward(first, headers, body))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    @staticmethod
    def answer(writer: asyncio.StreamWriter, status: int, body: bytes, content_type: str
               ) -> None:
        # status line, headers and body in one write: two small writes meet the peer's
        # delayed ACK (Nagle), a 40 ms stall per call that no real endpoint adds
        writer.write(f"HTTP/1.1 {status} {http.client.responses.get(status, 'Status')}\r\n"
                     f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
                     .encode("latin-1") + body)


async def _main(options: argparse.Namespace) -> None:
    proxy = _Proxy(options)
    server = await asyncio.start_server(proxy.serve, "127.0.0.1", 0, backlog=512)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    os._exit(0)  # connections held by --hang end with the process, not one by one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--throttle", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--hang-on")
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
