"""nianbao (年报): the command-line tool that drives the crawler, the extractor and the archive."""
