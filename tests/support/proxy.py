"""A fault-injecting HTTP proxy in front of a local AWS API (moto_server), on 127.0.0.1 only:
added latency, a share of throttled answers (as AWS spells them for each protocol), or no
answer at all. Started and stopped by the test or benchmark that uses it.

    with FaultProxy(server.url, throttle=0.1, seed=1) as proxy:
        ... AWS_ENDPOINT_URL=proxy.url ...
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

#: What a throttled call gets: the JSON protocols (ECR, STS and IAM speak query/XML).
JSON_THROTTLE = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
XML_THROTTLE = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                b"<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                b"</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
                b"</ErrorResponse>")


class FaultProxy:
    """Forward every request to ``upstream`` after ``latency`` seconds; answer a share
    ``throttle`` of them (0 to 1, drawn from ``seed``) with a throttling error instead; with
    ``hang``, never answer (the connection is held until :meth:`stop`), or with
    ``hang_on``, never answer calls of that one API operation (``GetLifecyclePolicy``)."""

    def __init__(self, upstream: str, *, latency: float = 0.0, throttle: float = 0.0,
                 hang: bool = False, hang_on: str | None = None, seed: int = 0) -> None:
        target = urlsplit(upstream)
        self.host, self.port = target.hostname or "127.0.0.1", target.port or 80
        self.latency, self.throttle, self.hang, self.hang_on = latency, throttle, hang, hang_on
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.requests = self.throttled = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy.lock:
                    proxy.requests += 1
                    throttled = proxy.random.random() < proxy.throttle
                    proxy.throttled += throttled
                if proxy.hang or (proxy.hang_on is not None and proxy.hang_on in (
                        self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1:]) or (
                        proxy.hang_on is not None and f"Action={proxy.hang_on}&".encode()
                        in body + b"&"):
                    proxy.stopping.wait()
                    return
                if proxy.latency:
                    time.sleep(proxy.latency)
                if throttled:
                    json_protocol = "json" in (self.headers.get("Content-Type") or "")
                    self._answer(400, JSON_THROTTLE if json_protocol else XML_THROTTLE,
                                 "application/x-amz-json-1.1" if json_protocol else "text/xml")
                    return
                upstream = http.client.HTTPConnection(proxy.host, proxy.port, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in ("connection", "keep-alive")}
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                    self._answer(response.status, data,
                                 response.getheader("Content-Type") or "text/plain")
                finally:
                    upstream.close()

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                # headers and body in one write: two small writes meet the peer's delayed
                # ACK (Nagle), a 40 ms stall per call that no real endpoint adds
                self._headers_buffer.append(b"\r\n" + body)  # type: ignore[attr-defined]
                self.flush_headers()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
