"""`newsmon schedule`: send each due site to the least busy of several scrapyd nodes, never twice at once.

`plan` decides (pure: sites, the nodes' job lists and the time in, assignments out), `scrapyd` talks to the
nodes (stdlib urllib, basic auth, timeouts), `command` is the subcommand that joins them.
"""
