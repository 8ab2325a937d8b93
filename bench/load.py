"""A bounded asyncio load client: fixed concurrency, fixed duration, loopback only."""

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import aiohttp


@dataclass
class Result:
    name: str
    concurrency: int
    elapsed: float = 0.0
    latencies: list = field(default_factory=list)
    errors: int = 0
    error_samples: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.latencies)

    @property
    def rps(self):
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p):
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


class Client:
    """One virtual user: its own cookies (kept even when marked Secure, as over plain HTTP a
    test client must) and the CSRF token of the last form it fetched."""

    def __init__(self, session, base):
        if urlsplit(base).hostname not in {"127.0.0.1", "localhost"}:
            raise ValueError("the benchmark only sends traffic to this machine (loopback)")
        self.session = session
        self.base = base
        self.cookies = {}

    def _remember(self, response):
        for header in response.headers.getall("Set-Cookie", []):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def _headers(self, extra=None):
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    async def request(self, method, path, *, headers=None, **kwargs):
        """Return (status, body text)."""
        async with self.session.request(
            method,
            self.base + path,
            headers=self._headers(headers),
            allow_redirects=False,
            **kwargs,
        ) as response:
            body = (await response.read()).decode(errors="replace")  # exports are binary
            self._remember(response)
            return response.status, body

    def csrf(self):
        return self.cookies.get("csrftoken", "")


async def _run(name, base, concurrency, duration, action, setup, max_requests):
    result = Result(name=name, concurrency=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        clients = [Client(session, base) for _ in range(concurrency)]
        if setup is not None:
            await asyncio.gather(*(setup(c, i) for i, c in enumerate(clients)))
        stop_at = time.monotonic() + duration
        counter = iter(range(max_requests or 10**12))

        async def user(client):
            while time.monotonic() < stop_at:
                try:
                    n = next(counter)
                except StopIteration:
                    return
                started = time.perf_counter()
                try:
                    ok, detail = await action(client, n)
                except (TimeoutError, aiohttp.ClientError) as e:
                    ok, detail = False, repr(e)
                if ok:
                    result.latencies.append(time.perf_counter() - started)
                else:
                    result.errors += 1
                    if len(result.error_samples) < 3:
                        result.error_samples.append(str(detail)[:200])

        began = time.monotonic()
        await asyncio.gather(*(user(c) for c in clients))
        result.elapsed = time.monotonic() - began
    return result


def run_load(name, base, *, concurrency, duration, action, setup=None, max_requests=None):
    """Run `action(client, n) -> (ok, detail)` from `concurrency` users for `duration` s."""
    return asyncio.run(_run(name, base, concurrency, duration, action, setup, max_requests))
