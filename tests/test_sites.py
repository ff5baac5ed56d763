import pytest

from newsmon.sites import SiteConfigError, load_site_config, parse_site_config


def test_bundled_euromaidan_config():
    site = load_site_config("euromaidan")
    assert site.origin == "https://euromaidanpress.com"
    assert "/feed/" in site.feeds
    assert "/category/news-ukraine/" in site.categories
    assert site.is_article_path("/2026/02/27/some-slug/")
    for hub in (
        "/category/news-ukraine/",
        "/category/news-ukraine/page/3/",
        "/tags/kupiansk/",
        "/author/x/",
        "/feed/",
    ):
        assert site.is_hub_path(hub), hub
        assert not site.is_article_path(hub)
    options = site.extract_options()
    assert "read also" in options.read_also_labels
    assert "news feed" in options.news_feed_labels


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"origin": "https://x.org"}, "'name'"),
        ({"name": "x"}, "'origin'"),
        ({"name": "x", "origin": "x.org"}, "'origin'"),
        ({"name": "x", "origin": "https://x.org", "feeds": "/feed/"}, "'feeds'"),
        ({"name": "x", "origin": "https://x.org", "article_pattern": "(["}, "'article_pattern'"),
        ({"name": "x", "origin": "https://x.org", "timezone": "Mars/Olympus"}, "'timezone'"),
        ({"name": "x", "origin": "https://x.org", "related": {"read_also": [1]}}, "'read_also'"),
        ({"name": "x", "origin": "https://x.org", "tier_mode": "turbo"}, "'tier_mode'"),
    ],
)
def test_invalid_configs_name_the_key(data, key):
    with pytest.raises(SiteConfigError, match=key):
        parse_site_config(data)


def test_config_from_path(tmp_path):
    path = tmp_path / "mysite.toml"
    path.write_text('name = "mysite"\norigin = "https://my.site"\nfeeds = ["/rss"]\n', encoding="utf-8")
    site = load_site_config(str(path))
    assert site.name == "mysite" and site.feeds == ("/rss",)
    bad = tmp_path / "bad.toml"
    bad.write_text("name = ", encoding="utf-8")
    with pytest.raises(SiteConfigError, match="invalid TOML"):
        load_site_config(str(bad))
    with pytest.raises(SiteConfigError, match="no site named"):
        load_site_config("nosuchsite")


def test_site_tier_mode_reaches_the_policy():
    site = parse_site_config({"name": "x", "origin": "https://x.org", "tier_mode": "stealthy"})
    assert site.tier_mode == "stealthy"


def test_crawl_with_a_bad_config_stops_with_one_line(tmp_path):
    import sys

    from tests.forkserver import run_python

    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\norigin = "https://x.example"\nsitemap = ["/s.xml"]\n', encoding="utf-8")
    proc = run_python(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            f"site={bad}",
            "-s",
            f"NEWSMON_STATE_DIR={tmp_path}",
        ],
        timeout=60,
    )
    assert proc.returncode == 2
    assert "unknown key 'sitemap'" in proc.stderr
    assert "Traceback" not in proc.stderr
