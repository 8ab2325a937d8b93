"""The Redis cache, degraded to misses while Redis is down.

The cache holds only what can be recomputed or forgotten: throttle counters and cached counts.
A Redis outage must not turn every filing into a 500 (SPEC §7: Redis down, work goes on), so
reads miss and writes are dropped until Redis answers again; throttling then fails open.
`add` and `incr` still raise: a lock or a counter must not be granted on a guess.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# One warning per process per this many seconds, not one per request, while Redis is down.
WARN_EVERY_SECONDS = 30


def _redis_errors():
    import redis

    return (redis.ConnectionError, redis.TimeoutError)


class FailSoftRedisCache(RedisCache):
    _last_warning = 0.0

    def _failed(self, operation, error):
        now = time.monotonic()
        if now - FailSoftRedisCache._last_warning > WARN_EVERY_SECONDS:
            FailSoftRedisCache._last_warning = now
            log.warning("cache unavailable (%s): %s; serving without it", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _redis_errors() as error:
            self._failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _redis_errors() as error:
            self._failed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _redis_errors() as error:
            self._failed("has_key", error)
            return False

    def set(self, *args, **kwargs):
        try:
            return super().set(*args, **kwargs)
        except _redis_errors() as error:
            self._failed("set", error)
            return None

    def set_many(self, *args, **kwargs):
        try:
            return super().set_many(*args, **kwargs)
        except _redis_errors() as error:
            self._failed("set_many", error)
            return []

    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except _redis_errors() as error:
            self._failed("touch", error)
            return False

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        except _redis_errors() as error:
            self._failed("delete", error)
            return False

    def delete_many(self, *args, **kwargs):
        try:
            return super().delete_many(*args, **kwargs)
        except _redis_errors() as error:
            self._failed("delete_many", error)
            return None
