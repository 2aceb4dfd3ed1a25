"""Polite defaults for every spider: robots.txt obeyed, one request at a time per host with a
delay that AutoThrottle stretches when a server slows down, an honest user agent, size and time
limits per response, retries with backoff."""

import shutil

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; open archive of annual reports)"
ROBOTSTXT_OBEY = True
# Servers crawled at once: each gets one request at a time (below), and the scheduler hands
# the downloader requests for the servers it is least busy with, so one column of many pages
# does not hold every slot while it waits out its delays (Scrapy's broad-crawl advice).
CONCURRENT_REQUESTS = 32
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# What one response yields is a handful of requests: Scrapy starts this many tasks per response.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%, so requests do not beat in step
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024  # a scanned report can be large; a bomb cannot
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each next one
RETRY_AFTER_MAX = 300  # a server asking to wait longer is given up on for this run
# Only the transfer encodings the capture undoes before storing (crawler/capture.py).
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Accept-Encoding": "gzip, deflate",
}
# Every request sent as if the archive were empty (a full crawl): `nianbao crawl --full`.
NIANBAO_FULL = False
# Requests a run may send over all its portals (0: no limit): `--budget`.
NIANBAO_BUDGET = 0
COOKIES_ENABLED = True  # some portals set a session cookie before they serve lists
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
# Nearest the network, so every response is recorded as received (crawler/capture.py).
# A request made from a portal's page belongs to that portal (crawler/spiders/base.py).
# What an unchanged page links to is asked again only in its turn (crawler/revisit.py).
SPIDER_MIDDLEWARES = {
    "crawler.spiders.base.PortalMiddleware": 600,
    "crawler.revisit.PruneMiddleware": 700,
}
DOWNLOADER_MIDDLEWARES = {
    "crawler.polite.HostSlotMiddleware": 50,  # one slot per host and port (crawler/polite.py)
    # Conditional requests, stored answers for 304s, a resumed run's answers from the archive.
    "crawler.revisit.RevisitMiddleware": 900,
    # What goes to the network past the archive's answers counts against the run's budget.
    "crawler.polite.BudgetMiddleware": 920,
    "crawler.capture.CaptureMiddleware": 950,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.polite.BackoffRetryMiddleware": 550,  # Scrapy's retry, waiting as asked
}
# A page that needs a browser (meta "playwright") is rendered in Debian's chromium, headless;
# Playwright starts only when the first such page is asked for (crawler/browser.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.browser.LazyPlaywrightHandler",
    "https": "crawler.browser.LazyPlaywrightHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_ABORT_REQUEST = "crawler.browser.unneeded"
