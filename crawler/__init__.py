"""The Scrapy project: one spider per portal platform, storing every response raw first."""
