"""Replica portals: faithful copies of the CMS platforms that publish the annual reports, served
on 127.0.0.1 from real saved pages, so the crawler is proven on what the real sites serve."""
