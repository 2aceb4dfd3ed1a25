"""Processes of one crawl sharing a Redis queue end together: one whose queue is empty while
another still has requests under way waits for what their pages add, rather than ending with
the first lull (Scrapy closes a spider the moment it has nothing to do)."""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from twisted.internet.task import LoopingCall

# A process says it is busy for this long, again every BEAT while it is: one that was killed
# stops holding the others after STALE seconds.
BEAT = 10.0
STALE = 60
logger = logging.getLogger(__name__)


class Together:
    """Extension (set by crawler/run.py's `shared`): each process of the run marks itself busy
    in Redis while it has requests under way, per spider, and an idle one stays open while any
    other is busy."""

    def __init__(self, crawler: Crawler) -> None:
        import redis

        s = crawler.settings
        self.server = redis.Redis.from_url(s["REDIS_URL"])
        self.prefix = f"nianbao:{s['NIANBAO_RUN']}:%s:busy:"
        self.me = f"{socket.gethostname()}-{os.getpid()}"
        self.busy = False
        self.key = ""
        self.beat = LoopingCall(self._beat)
        for handler, signal in (
            (self.opened, signals.spider_opened),
            (self.active, signals.request_reached_downloader),
            (self.active, signals.response_received),
            (self.idle, signals.spider_idle),
            (self.closed, signals.spider_closed),
        ):
            crawler.signals.connect(handler, signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Together:
        return cls(crawler)

    def opened(self, spider: Any) -> None:
        self.prefix %= spider.name
        self.key = self.prefix + self.me
        self.active()
        self.beat.start(BEAT, now=False)

    def active(self, *_: Any, **__: Any) -> None:
        if not self.busy:
            self.busy = True
            self._beat()

    def _beat(self) -> None:
        if self.busy:
            try:
                self.server.set(self.key, 1, ex=STALE)
            except Exception:  # a Redis hiccup: the next beat says it again
                logger.warning("could not mark %s busy in Redis", self.key, exc_info=True)

    def idle(self, spider: Any) -> None:
        self.busy = False
        self.server.delete(self.key)
        if next(self.server.scan_iter(self.prefix + "*", count=1000), None) is not None:
            raise DontCloseSpider  # another is at work: its pages may add to the queue

    def closed(self, spider: Any) -> None:
        if self.beat.running:
            self.beat.stop()
        self.server.delete(self.key)
