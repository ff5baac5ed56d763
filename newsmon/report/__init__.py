"""What the crawls left, shown to people: the runs of the state stores as a table or JSON (runs.py), each
site's health (sites.py) drawn as one HTML page (html.py), and records rendered as Markdown (markdown.py).
Read-only: nothing here writes a store or starts a crawl; the `newsmon` command line (newsmon/cli/) and
the alerts (newsmon/alerts/) use it."""
