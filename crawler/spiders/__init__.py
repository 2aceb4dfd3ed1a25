"""Spiders, one per CMS platform; portals are rows of the registry, not code."""
