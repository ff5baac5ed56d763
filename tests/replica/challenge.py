"""The replica's bot wall: a JavaScript cookie challenge (as Cloudflare's "Just a moment..."), and pages whose
text only JavaScript can show."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

from .model import Article, Site

CLEARANCE_COOKIE = "replica_clearance"
CLEARANCE_VALUE = "passed-js-check-7f3a"

CHALLENGE_PAGE = f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"></head>
<body><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title">Checking your browser before you reach the newsroom</h1>
<div id="challenge-stage"><noscript>Enable JavaScript and cookies to continue</noscript></div>
</div></div>
<script>window._cf_chl_opt = {{cType: 'managed', cRay: 'replica'}};
setTimeout(function () {{
  document.cookie = '{CLEARANCE_COOKIE}={CLEARANCE_VALUE}; path=/; SameSite=Lax';
  location.reload();
}}, 300);</script>
</body></html>
"""


def has_clearance(headers: Mapping[str, str]) -> bool:
    cookies = next((v for k, v in headers.items() if k.lower() == "cookie"), "")
    return f"{CLEARANCE_COOKIE}={CLEARANCE_VALUE}" in cookies.replace(" ", "")


def challenge_status(site: Site, path: str, headers: Mapping[str, str]) -> int | None:
    """The status of the challenge page to serve instead of ``path`` (403 or 200), or None to serve it."""
    if has_clearance(headers):
        return None
    for slug in site.challenged_categories:
        if path.startswith(f"/category/{slug}/"):
            return 403
    article = site.by_path(path)
    if article is not None and article.protection == "cookie":
        return 403
    if article is not None and article.protection == "challenge_200":
        return 200
    return None


def body_script(article: Article, body_html: str) -> str:
    """A script that writes the article body into its (empty) container from an encoded string."""
    if article.protection == "js_probe":
        return (
            "<script>(function () {"
            "var c = document.querySelector('.td-post-content, .article__text');"
            "var gl = document.createElement('canvas').getContext('webgl');"
            "var ext = gl && gl.getExtension('WEBGL_debug_renderer_info');"
            "var report = {webdriver: navigator.webdriver, userAgent: navigator.userAgent,"
            " platform: navigator.platform, vendor: navigator.vendor, languages: navigator.languages,"
            " brands: navigator.userAgentData ? navigator.userAgentData.brands.map(function (b) {"
            " return b.brand + ' ' + b.version; }) : null,"
            " webgl: ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : null};"
            "c.innerHTML = '<p>This page was written by the browser itself so that tests can read what it "
            "reports about its own identity, platform and automation flags.</p>';"
            "var p = document.createElement('p'); p.id = 'browser-report';"
            "p.textContent = 'BROWSER-REPORT ' + JSON.stringify(report); c.appendChild(p);"
            "})();</script>"
        )
    encoded = base64.b64encode(body_html.encode("utf-8")).decode("ascii")
    return (
        "<script>(function () {"
        f"var bytes = Uint8Array.from(atob({json.dumps(encoded)}), function (ch) {{ return ch.charCodeAt(0); }});"
        "document.querySelector('.td-post-content, .article__text').innerHTML ="
        " new TextDecoder('utf-8').decode(bytes);"
        "})();</script>"
    )
