"""Two more offline news sites of different shapes than the WordPress replica (tests/replica): an Atom-only
site with relative links and a "Related" block (atom_site), and a sitemap-only site whose article bodies are
written by JavaScript (sitemap_site). Each is crawled with a TOML site config only (atom_site.toml,
sitemap_site.toml); all text is invented."""
