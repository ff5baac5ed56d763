"""Alerts through Apprise when a site starts failing or goes stale, and when it recovers.

See docs/operations.md."""
