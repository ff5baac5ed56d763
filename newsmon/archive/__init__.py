"""Archive output: every fetched response in WARC files (warc.py: the middleware, writer.py: the files)."""
