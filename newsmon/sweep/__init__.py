"""Many sites from one process or one scheduler: which sites are due, and crawling them side by side."""
