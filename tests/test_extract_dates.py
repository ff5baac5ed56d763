"""Visible dates in any digits and any month spelling: the date AND its time of day, in the site's zone.

Invented texts (no real page's words): digits of other scripts (Persian, Devanagari, Bengali, Thai,
full-width), month names dateparser knows only from a regional locale (Levantine/Iraqi Arabic), month names
of two words, and a month written twice ("<name> (<other name>)", "<name>/<other name>")."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from newsmon.extract.date_words import ascii_digits
from newsmon.extract.dates import parse_machine_date, parse_relative_date, parse_text_date
from newsmon.extract.html import parse_html
from newsmon.extract.metadata import extract_metadata
from newsmon.extract.types import ExtractOptions

BEIRUT = ZoneInfo("Asia/Beirut")


def test_ascii_digits_maps_every_decimal_digit_and_keeps_other_text() -> None:
    assert ascii_digits("۱۲:۳۴ ١٢ १२ ১২ ๑๒ １２ ߁߂") == "12:34 12 12 12 12 12 12"
    assert ascii_digits("２０２６／０３／１４　０９：０５") == "2026/03/14\u300009:05"  # full-width forms
    assert ascii_digits("plain 2026") == "plain 2026"
    assert ascii_digits("март ²") == "март ²"  # a superscript is no decimal digit


TEXT_DATES = [
    # other digits, a month name dateparser has in the page's language
    ("۱۴ فوریه ۲۰۲۶ - ۰۹:۱۵", ("fa", "en"), datetime(2026, 2, 14, 9, 15)),  # Persian digits
    ("अद्यतन: १४ फ़रवरी २०२६, ०९:१५", ("hi", "en"), datetime(2026, 2, 14, 9, 15)),  # Devanagari
    ("१४ फेब्रुवारी २०२६ १७:४०", ("mr", "en"), datetime(2026, 2, 14, 17, 40)),  # Marathi
    ("প্রকাশ: ১৪ ফেব্রুয়ারি ২০২৬, ০৯:১৫", ("bn", "en"), datetime(2026, 2, 14, 9, 15)),  # Bengali
    ("๑๔ กุมภาพันธ์ ๒๐๒๖ ๐๙:๑๕ น.", ("th", "en"), datetime(2026, 2, 14, 9, 15)),  # Thai digits
    ("٢٢ أكتوبر ٢٠٢٦ | ١١:٠٨", ("ar", "en"), datetime(2026, 10, 22, 11, 8)),  # Arabic-Indic digits
    ("٢٢ أكتوبر ٢٠٢٦ ٠٣:٠٨ م", ("ar", "en"), datetime(2026, 10, 22, 15, 8)),  # an Arabic "pm"
    # month names only a regional locale of the language knows (Levantine, Iraqi), of two words
    ("الأحد ٨ تشرين الثاني ٢٠٢٦، الساعة ١٧:٠٥", ("ar", "en"), datetime(2026, 11, 8, 17, 5)),
    ("نشر في 3 حزيران 2026 - 08:30", ("ar", "en"), datetime(2026, 6, 3, 8, 30)),
    ("١ كانون الأول ٢٠٢٦", ("ar", "en"), datetime(2026, 12, 1)),
    # a month written twice: the common name and the regional one, bracketed or after a slash
    ("٩ أغسطس (آب) ٢٠٢٦ - ٢٣:٥٩", ("ar", "en"), datetime(2026, 8, 9, 23, 59)),
    ("٩ آب/أغسطس ٢٠٢٦ ٢٣:٥٩", ("ar", "en"), datetime(2026, 8, 9, 23, 59)),
    # the page's language unknown: the month word itself tells
    ("٥ نيسان ٢٠٢٦ ١٠:٢٠", None, datetime(2026, 4, 5, 10, 20)),
    ("১৪ ফেব্রুয়ারি ২০২৬, ০৯:১৫", None, datetime(2026, 2, 14, 9, 15)),
    # Thai dates count years in the Buddhist era (2569 is 2026), months abbreviated with dots
    ("๑๔ ก.พ. ๒๕๖๙ ๐๙:๑๕ น.", ("th", "en"), datetime(2026, 2, 14, 9, 15)),
    ("14 กุมภาพันธ์ 2569 เวลา 17:45 น.", None, datetime(2026, 2, 14, 17, 45)),
    ("14/02/2569 17:45", ("th", "en"), datetime(2026, 2, 14, 17, 45)),
    ("14/02/2569 17:45", ("en",), None),  # no Thai page: no such year
    # a Solar Hijri (Persian) or Hijri date is not read as a Gregorian one
    ("۲۳ آبان ۱۴۰۵ - ۱۰:۳۰", ("fa", "en"), None),
    ("١٥ رمضان ١٤٤٧ هـ", ("ar", "en"), None),
    # ... and the Gregorian date written beside it is read
    ("الأحد ١٥ رمضان ١٤٤٧ هـ الموافق ١ مارس ٢٠٢٦ - ١٠:٠٠", ("ar", "en"), datetime(2026, 3, 1, 10, 0)),
    ("١٥/٠٩/١٤٤٧ هـ الموافق ٠١/٠٣/٢٠٢٦ ١٠:٠٠", ("ar", "en"), datetime(2026, 3, 1, 10, 0)),
    # more scripts: Myanmar, Khmer, Lao digits; Tamil, Georgian, Armenian month names
    ("၁၄ ဖေဖော်ဝါရီ ၂၀၂၆ ၀၉:၁၅", ("my", "en"), datetime(2026, 2, 14, 9, 15)),
    ("១៤ កុម្ភៈ ២០២៦ ០៩:១៥", ("km", "en"), datetime(2026, 2, 14, 9, 15)),
    ("໑໔ ກຸມພາ ໒໐໒໖ ໐໙:໑໕", ("lo", "en"), datetime(2026, 2, 14, 9, 15)),
    ("14 ஜனவரி 2026 09:15", None, datetime(2026, 1, 14, 9, 15)),
    ("14 თებერვალი 2026, 09:15", ("ka", "en"), datetime(2026, 2, 14, 9, 15)),
    ("14 փետրվարի 2026 09:15", ("hy", "en"), datetime(2026, 2, 14, 9, 15)),
    # full-width digits and punctuation (ja, zh)
    ("更新：２０２６年１１月３日 ２１時０７分", None, datetime(2026, 11, 3, 21, 7)),
    ("２０２６年１１月３日（火）午後９時７分", None, datetime(2026, 11, 3, 21, 7)),
    ("２０２６／１１／０３ ２１：０７", None, datetime(2026, 11, 3, 21, 7)),
    ("２０２６．１１．０３ ２１：０７", None, datetime(2026, 11, 3, 21, 7)),
    # numbers only, any punctuation before the time (an Arabic comma); a Solar Hijri year is no Gregorian
    ("١٤/١١/٢٠٢٦، ١٩:٣٠", ("ar", "en"), datetime(2026, 11, 14, 19, 30)),
    ("۱۴۰۵/۰۸/۲۳ ۱۰:۳۰", ("fa", "en"), None),
    ("१४-११-२०२६ • १९:३०", ("hi", "en"), datetime(2026, 11, 14, 19, 30)),
    # the page's own am/pm word after a numeric date's time (dateparser's data)
    ("١٤/١١/٢٠٢٦ ٠٧:٣٠ م", ("ar", "en"), datetime(2026, 11, 14, 19, 30)),
    ("14/11/2026 12:10 ص", ("ar", "en"), datetime(2026, 11, 14, 0, 10)),
    ("14/11/2026 07:30 μμ", ("el", "en"), datetime(2026, 11, 14, 19, 30)),
    ("14/11/2026 07:30", ("ar", "en"), datetime(2026, 11, 14, 7, 30)),
    # Maghreb month names, known to dateparser's ar-DZ/ar-MA locales only
    ("السبت 4 جويلية 2026 على الساعة 21:10", ("ar", "en"), datetime(2026, 7, 4, 21, 10)),
    ("الخميس 17 شتنبر 2026 - 09:05", ("ar", "en"), datetime(2026, 9, 17, 9, 5)),
    # Latin pages keep working, with and without a time
    ("12. März 2026 um 14:05 Uhr", ("de", "en"), datetime(2026, 3, 12, 14, 5)),
    ("Published March 12, 2026", ("en",), datetime(2026, 3, 12)),
    ("12 de marzo de 2026, 14:05 h", ("es", "en"), datetime(2026, 3, 12, 14, 5)),
]


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    TEXT_DATES,
    ids=[f"{i}-{(languages or ('any',))[0]}" for i, (_, languages, _) in enumerate(TEXT_DATES)],
)
def test_dates_in_any_digits_and_month_spelling(
    text: str, languages: tuple[str, ...] | None, expected: datetime | None
) -> None:
    value = parse_text_date(text, BEIRUT, languages=languages)
    assert value == (expected.replace(tzinfo=BEIRUT) if expected else None)


def test_relative_dates_and_machine_dates_in_other_digits() -> None:
    now = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    assert parse_relative_date("منذ ٣ ساعات", BEIRUT, now, ("ar", "en")) == now - timedelta(hours=3)
    assert parse_relative_date("۳ ساعت پیش", BEIRUT, now, ("fa", "en")) == now - timedelta(hours=3)
    assert parse_relative_date("३ घंटे पहले", BEIRUT, now, ("hi", "en")) == now - timedelta(hours=3)
    assert parse_relative_date("３時間前", BEIRUT, now, ("ja", "en")) == now - timedelta(hours=3)
    # the page's language unknown: the languages dateparser writes the text's script in
    assert parse_relative_date("منذ ٣ ساعات", BEIRUT, now) == now - timedelta(hours=3)
    assert parse_relative_date("３時間前", BEIRUT, now) == now - timedelta(hours=3)
    assert parse_relative_date("३ घंटे पहले", BEIRUT, now) == now - timedelta(hours=3)
    assert parse_relative_date("לפני 3 שעות", BEIRUT, now) == now - timedelta(hours=3)
    assert parse_machine_date("２０２６-１１-０３T２１:０７:００+02:00", UTC) == datetime(
        2026, 11, 3, 21, 7, tzinfo=timezone(timedelta(hours=2))
    )


@pytest.mark.parametrize(
    ("lang", "header", "expected"),
    [
        ("ar", "<span class='date'>السبت ٧ تشرين الثاني ٢٠٢٦ - ٠٦:٤٥</span>", "2026-11-07T06:45:00+02:00"),
        ("fa", "<span class='date'>۷ نوامبر ۲۰۲۶، ساعت ۰۶:۴۵</span>", "2026-11-07T06:45:00+02:00"),
        ("ja", "<p class='posted'>２０２６年１１月７日 ６時４５分</p>", "2026-11-07T06:45:00+02:00"),
        ("hi", "<div>प्रकाशित: ७ नवंबर २०२६, ०६:४५</div>", "2026-11-07T06:45:00+02:00"),
        (None, "<span class='date'>٧ تشرين الثاني ٢٠٢٦ - ٠٦:٤٥</span>", "2026-11-07T06:45:00+02:00"),
    ],
)
def test_article_pages_get_the_visible_instant(lang: str | None, header: str, expected: str) -> None:
    """The record's published_at from a page whose only date is visible text (no JSON-LD, meta, <time>)."""
    html_lang = f" lang='{lang}'" if lang else ""
    page = (
        f"<html{html_lang}><body><article><h1>Orchard frost warning</h1>{header}"
        "<p>Growers covered the young trees overnight as the temperature fell below zero.</p>"
        "<p>The cooperative said the damage would be known only after the weekend.</p>"
        "</article></body></html>"
    )
    options = ExtractOptions(default_timezone="Asia/Beirut")
    meta = extract_metadata(parse_html(page.encode()), "https://orchard.example/news/frost/", options)
    assert meta.published_at == expected
