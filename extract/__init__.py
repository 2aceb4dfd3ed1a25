"""bytes → report: the pure heart of nianbao. Imports nothing of the crawler or the archive."""

from extract.model import Report
from extract.report import extract, from_document

__all__ = ["Report", "extract", "from_document"]
