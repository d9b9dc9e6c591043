"""Anonymous readers hammering pages for a while: requests per second and latency."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from bench.common import percentile
from bench.http import Session


@dataclass
class ReadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 1),
                "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": round(1000 * percentile(self.latencies, 50), 1),
                "p95_ms": round(1000 * percentile(self.latencies, 95), 1)}


async def read_for(port: int, paths: list[str], readers: int, seconds: float) -> ReadResult:
    result = ReadResult()
    deadline = time.perf_counter() + seconds

    async def reader(index: int) -> None:
        session = Session("127.0.0.1", port)
        n = index
        while time.perf_counter() < deadline:
            path = paths[n % len(paths)]
            n += 1
            try:
                response = await session.request("GET", path, timeout=30)
            except (TimeoutError, OSError):
                result.errors += 1
                continue
            result.requests += 1
            result.latencies.append(response.seconds)
            if response.status != 200:
                result.errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(reader(i) for i in range(readers)))
    result.seconds = time.perf_counter() - started
    return result
