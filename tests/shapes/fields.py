"""Field shapes (issue 24): eight invented sites in eight languages whose article pages test the article fields
only: dates written as text with their time (no JSON-LD on every other story, a DST change inside the
stories' span, relative dates on the newest), byline labels in the site's language beside microdata, a
comments widget inside the article, an agency line, a lead named in the CMS's own words or set apart only
by its position, and a visible tag list to the site's own tag hub.

Invented after the rules of newsmon/extract/{dates,authors,tags,scope}.py were chosen; read by
tests/test_shapes_fields.py in-process (no server, no crawl): only article pages are served.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from .common import Reply, Words, esc, html, slugify
from .kit import Shape, Story

# Stories run from 2026-03-24 to 2026-04-01: Europe's clocks change on 2026-03-29.
START = (2026, 3, 24)
# The moment the scorer says the pages were fetched: the newest stories show relative dates against it.
FETCHED = datetime(2026, 4, 1, 22, 0, tzinfo=ZoneInfo("UTC"))


class FieldShape(Shape):
    """Article pages only; each subclass writes `article` (its markup) and the month names it prints."""

    START = START
    HIDDEN = 0
    COUNT = 18
    READ_ALSO = "-"
    AGENCY: ClassVar[str] = ""  # the agency line's text ("Fuente: EFE"); truth of the `source` field
    HAND_TOML = 'name = "{name}"\norigin = "{origin}"\ntimezone = "{zone}"\n'
    RELATIVE: ClassVar[int] = 0  # the newest N stories show a relative date ("vor 3 Stunden")

    def __init__(self) -> None:
        super().__init__()
        newest = sorted(self.stories, key=lambda s: s.published, reverse=True)[: self.RELATIVE]
        for hours, story in enumerate(newest, start=2):  # whole hours before the fetch: the exact instant
            story.published = (FETCHED - timedelta(hours=hours)).astimezone(self.zone)

    def hand_toml(self, origin: str) -> str:
        return self.HAND_TOML.format(name=type(self).__name__.lower(), origin=origin, zone=self.ZONE)

    def hub_paths(self) -> list[str]:
        return []

    def path_of(self, story: Story) -> str:
        return f"/{story.section}/{story.slug}-{story.id}"

    def local(self, story: Story) -> datetime:
        return story.published.astimezone(self.zone)

    def relative(self, story: Story) -> bool:
        return (FETCHED - story.published) <= timedelta(hours=self.RELATIVE + 1)

    def structured(self, story: Story) -> bool:
        """Every other story has JSON-LD; the others only what the page shows."""
        return story.id % 2 == 0

    def jsonld_of(self, story: Story) -> str:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.published.isoformat(),
            "author": {"@type": "Person", "name": story.author},
            "keywords": list(story.tags),
        }
        return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'

    def route(self, base: str, path: str, query: dict[str, str]) -> Reply | None:
        story = self.find(path)
        if story is None:
            return None
        head = self.jsonld_of(story) if self.structured(story) else ""
        body = self.article(story)
        return html(
            f'<!DOCTYPE html><html lang="{self.LANGUAGE}"><head><meta charset="utf-8">'
            f"<title>{esc(story.title)} | {esc(self.NAME)}</title>{head}</head><body>"
            f"<nav class=menu>{self.menu()}</nav>{body}</body></html>"
        )

    def menu(self) -> str:
        return "".join(f'<a href="/{key}/">{esc(name)}</a>' for key, name in self.SECTIONS.items())

    def paras(self, story: Story, tag: str = "p") -> str:
        return "".join(f"<{tag}>{esc(p)}</{tag}>" for p in story.paragraphs)

    def article(self, story: Story) -> str:
        raise NotImplementedError


def _words(
    subjects: list[str], verbs: list[str], objects: list[str], places: list[str], sentences: list[str]
) -> Words:
    return Words(subjects=subjects, verbs=verbs, objects=objects, places=places, sentences=sentences)


class MesetaSite(FieldShape):
    """Spanish, a Drupal-like theme: "12 de marzo de 2026, 14:05 h", "Por" before a linked author,
    lead in `.entradilla`, tags under "Temas:" to /temas/<slug>, agency line "Fuente: Europa Press"."""

    NAME = "Diario de la Meseta"
    FAMILY = "fields: Spanish Drupal-like"
    LANGUAGE = "es"
    ZONE = "Europe/Madrid"
    SEED = 301
    SECTIONS: ClassVar[dict[str, str]] = {"local": "Local", "cultura": "Cultura"}
    AUTHORS = ("Marta Gil Ortega", "Andrés Peña", "Lucía Ibáñez")
    TAGS = ("Sequía", "Vivienda", "Transporte", "Patrimonio", "Empleo")
    AGENCY = "Europa Press"
    MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre")  # fmt: skip
    WORDS = _words(
        ["El ayuntamiento", "La diputación", "Los vecinos", "La consejería", "El sindicato", "La universidad"],
        ["aprueba", "aplaza", "critica"],
        ["el nuevo puente", "el plan de riego", "la reforma del mercado", "el carril bici", "el museo"],
        ["en Soria", "en Segovia", "en Ávila", "en Cuenca"],
        ["{subject} calcula que {object} {place} costará {number} euros.",
         "Según {subject}, {object} recibió {number} alegaciones.",
         "La votación sobre {object} {place} reunió a {number} personas."],
    )  # fmt: skip

    def article(self, story: Story) -> str:
        when = self.local(story)
        date = f"{when.day} de {self.MONTHS[when.month - 1]} de {when.year}, {when:%H:%M} h"
        slugs = "".join(f'<li><a href="/temas/{slugify(t)}">{esc(t)}</a></li>' for t in story.tags)
        return (
            f'<div class="node node--article"><h1 class="titular">{esc(story.title)}</h1>'
            f'<p class="entradilla">{esc(story.lead)}</p>'
            f'<div class="firma">Por <a href="/firmas/{slugify(story.author)}">{esc(story.author)}</a>'
            f' <span class="fecha">{date}</span></div>'
            f'<div class="cuerpo">{self.paras(story)}<p class="fuente"><em>Fuente: {self.AGENCY}</em></p></div>'
            f'<div class="temas"><span>Temas:</span><ul>{slugs}</ul></div>'
            f'<section id="comentarios"><h3>Comentarios</h3><div class="c"><b class="author">Pepe R.</b>'
            f" hace 2 horas</div><p>Ya era hora.</p></section></div>"
        )


class RheingauSite(FieldShape):
    """German, a custom CMS: "12. März 2026 um 14:05 Uhr", relative "vor 3 Stunden" on the newest, byline
    "Von <name>" in microdata (itemprop=author > itemprop=name), lead in `.vorspann`, tags as rel=tag-less
    chips under `/schlagwort/`, a "Leserkommentare" widget with itemprop=author names."""

    NAME = "Rheingauer Tageblatt"
    FAMILY = "fields: German custom CMS"
    LANGUAGE = "de"
    ZONE = "Europe/Berlin"
    SEED = 302
    RELATIVE = 3
    SECTIONS: ClassVar[dict[str, str]] = {"region": "Region", "wirtschaft": "Wirtschaft"}
    AUTHORS = ("Jonas Weidmann", "Petra Kühn", "Elif Aydın")
    TAGS = ("Weinbau", "Verkehr", "Schulen", "Rheinufer", "Haushalt")
    MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
              "November", "Dezember")  # fmt: skip
    WORDS = _words(
        ["Der Stadtrat", "Die Winzer", "Der Kreistag", "Die Bürgerinitiative", "Das Land", "Die Kammer"],
        ["billigt", "verschiebt", "kritisiert"],
        ["die neue Fähre", "den Radweg", "die Sanierung der Halle", "das Parkhaus", "den Haushalt"],
        ["in Eltville", "in Geisenheim", "in Rüdesheim", "in Oestrich"],
        ["{subject} rechnet damit, dass {object} {place} {number} Euro kostet.",
         "Zu {object} gingen bislang {number} Einwendungen ein.",
         "An der Sitzung über {object} {place} nahmen {number} Gäste teil."],
    )  # fmt: skip

    def article(self, story: Story) -> str:
        when = self.local(story)
        if self.relative(story):
            hours = round((FETCHED - story.published).total_seconds() / 3600)
            date = f"vor {hours} Stunden"
        else:
            date = f"{when.day}. {self.MONTHS[when.month - 1]} {when.year} um {when:%H:%M} Uhr"
        chips = " ".join(f'<a class="chip" href="/schlagwort/{slugify(t)}/">{esc(t)}</a>' for t in story.tags)
        return (
            f'<main><article itemscope itemtype="https://schema.org/NewsArticle">'
            f'<h1 itemprop="headline">{esc(story.title)}</h1>'
            f'<div class="vorspann"><strong>{esc(story.lead)}</strong></div>'
            f'<div class="autorzeile">Von <span itemprop="author" itemscope itemtype="https://schema.org/Person">'
            f'<span itemprop="name">{esc(story.author)}</span></span> · <span class="zeit">{date}</span></div>'
            f'<div class="text">{self.paras(story)}</div>'
            f'<div class="schlagworte">{chips}</div>'
            f'<div class="leserkommentare"><div itemscope itemtype="https://schema.org/Comment">'
            f'<span itemprop="author">Klaus M.</span> gestern</div></div>'
            f"</article></main>"
        )


class PodilSite(FieldShape):
    """Ukrainian, a WordPress-like theme without JSON-LD dates: "30 березня 2026, 07:01" (genitive month),
    "Автор: <name>" in `.post-author`, a lead set apart only by its position (a bold div before the text
    container), tags under "Теги:" to /tag/<slug>/, agency line "Джерело: Укрінформ"."""

    NAME = "Подільські новини"
    FAMILY = "fields: Ukrainian WordPress-like"
    LANGUAGE = "uk"
    ZONE = "Europe/Kyiv"
    SEED = 303
    SECTIONS: ClassVar[dict[str, str]] = {"misto": "Місто", "kultura": "Культура"}
    AUTHORS = ("Оксана Мельничук", "Тарас Гнатюк", "Ірина Бойко")
    TAGS = ("Транспорт", "Освіта", "Бюджет", "Медицина", "Дороги")
    AGENCY = "Укрінформ"
    MONTHS = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
              "листопада", "грудня")  # fmt: skip
    WORDS = _words(
        ["Міська рада", "Обласна адміністрація", "Мешканці", "Університет", "Лікарня", "Громада"],
        ["схвалила", "відклала", "розкритикувала"],
        ["новий міст", "ремонт дороги", "реконструкцію ринку", "шкільний автобус", "нову поліклініку"],
        ["у Вінниці", "у Хмельницькому", "у Кам'янці", "у Жмеринці"],
        ["{subject} повідомила, що {object} {place} коштуватиме {number} гривень.",
         "Щодо {object} надійшло {number} звернень.",
         "Голосування про {object} {place} зібрало {number} людей."],
    )  # fmt: skip

    def structured(self, story: Story) -> bool:
        return False

    def article(self, story: Story) -> str:
        when = self.local(story)
        date = f"{when.day} {self.MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"
        tags = ", ".join(f'<a href="/tag/tema-{self.TAGS.index(t)}/">{esc(t)}</a>' for t in story.tags)
        return (
            f'<div id="content"><div class="post"><h1 class="post-title">{esc(story.title)}</h1>'
            f'<div class="post-meta"><span class="post-author">Автор: {esc(story.author)}</span>'
            f' <span class="post-date">{date}</span></div>'
            f'<div class="top-text"><b>{esc(story.lead)}</b></div>'
            f'<div class="post-content">{self.paras(story)}<p>Джерело: {self.AGENCY}</p></div>'
            f'<div class="post-tags">Теги: {tags}</div></div></div>'
        )


class LagunaSite(FieldShape):
    """Italian, a custom portal: "14 mar 2026 - 10:32 CET/CEST" (abbreviated month, zone written), "Di"
    byline with two spaces and an author page link, the lead in an `h2` right after the headline (no class),
    tags in `ul.argomenti` to /argomenti/<slug>, an "Ultime notizie" sidebar aside with other tags."""

    NAME = "Gazzetta della Laguna"
    FAMILY = "fields: Italian custom portal"
    LANGUAGE = "it"
    ZONE = "Europe/Rome"
    SEED = 304
    SECTIONS: ClassVar[dict[str, str]] = {"cronaca": "Cronaca", "economia": "Economia"}
    AUTHORS = ("Giulia Esposito", "Marco De Luca", "Chiara Fontana")
    TAGS = ("Acqua alta", "Turismo", "Trasporti", "Scuola", "Porto")
    MONTHS = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")
    WORDS = _words(
        ["Il consiglio comunale", "La regione", "I residenti", "Il porto", "La prefettura", "L'università"],
        ["approva", "rinvia", "contesta"],
        ["il nuovo ponte", "il piano casa", "il restauro del mercato", "la linea del vaporetto", "il museo"],
        ["a Chioggia", "a Mestre", "a Burano", "a Murano"],
        ["{subject} stima che {object} {place} costerà {number} euro.",
         "Su {object} sono arrivate {number} osservazioni.",
         "Alla riunione su {object} {place} hanno partecipato {number} persone."],
    )  # fmt: skip

    def article(self, story: Story) -> str:
        when = self.local(story)
        zone = when.tzname()
        date = f"{when.day:02d} {self.MONTHS[when.month - 1]} {when.year} - {when:%H:%M} {zone}"
        tags = "".join(f'<li><a href="/argomenti/{slugify(t)}">{esc(t)}</a></li>' for t in story.tags)
        others = "".join(f'<li><a href="/argomenti/{slugify(t)}">{esc(t)}</a></li>' for t in self.TAGS)
        return (
            f'<div class="wrapper"><div class="col-main"><article class="art">'
            f"<h1>{esc(story.title)}</h1><h2>{esc(story.lead)}</h2>"
            f'<p class="info">Di  <a href="/autori/{slugify(story.author)}">{esc(story.author)}</a>'
            f" | {date}</p>"
            f'<div class="art-body">{self.paras(story)}</div>'
            f'<ul class="argomenti">{tags}</ul></article></div>'
            f'<aside class="col-side"><h3>Argomenti caldi</h3><ul>{others}</ul></aside></div>'
        )


class WislaSite(FieldShape):
    """Polish, a Next.js-like front end with JSON-LD on every other story: "Opublikowano: 30.03.2026,
    07:01" (numeric date, worded label), "Autor: <name>" and a teaser-card grid inside the article whose
    cards carry "Autor: <other name>", the lead in `.lead` inside the text container, tags as `#tag`
    chips to /tagi/<slug>."""

    NAME = "Kurier Nadwiślański"
    FAMILY = "fields: Polish Next.js-like"
    LANGUAGE = "pl"
    ZONE = "Europe/Warsaw"
    SEED = 305
    SECTIONS: ClassVar[dict[str, str]] = {"kraj": "Kraj", "region": "Region"}
    AUTHORS = ("Anna Zielińska", "Piotr Wójcik", "Katarzyna Lis")
    TAGS = ("Komunikacja", "Edukacja", "Zdrowie", "Wisła", "Mieszkania")
    WORDS = _words(
        ["Rada miasta", "Urząd marszałkowski", "Mieszkańcy", "Szpital", "Uczelnia", "Wojewoda"],
        ["zatwierdza", "odkłada", "krytykuje"],
        ["nowy most", "remont bulwarów", "przebudowę rynku", "linię tramwajową", "nowe muzeum"],
        ["w Toruniu", "w Płocku", "we Włocławku", "w Grudziądzu"],
        ["{subject} szacuje, że {object} {place} będzie kosztować {number} złotych.",
         "W sprawie {object} wpłynęło {number} uwag.",
         "Na spotkanie o {object} {place} przyszło {number} osób."],
    )  # fmt: skip

    def article(self, story: Story) -> str:
        when = self.local(story)
        others = [s for s in self.stories if s.id != story.id][:2]
        cards = "".join(
            f'<article class="card"><h3><a href="{self.path_of(o)}">{esc(o.title)}</a></h3>'
            f'<span class="author">Autor: {esc(o.author)}</span></article>'
            for o in others
        )
        chips = "".join(f'<a class="chip" href="/tagi/{slugify(t)}">#{esc(t)}</a>' for t in story.tags)
        return (
            f'<div id="__next"><article class="story"><header><h1>{esc(story.title)}</h1>'
            f'<div class="meta"><span class="author">Autor: {esc(story.author)}</span>'
            f"<span>Opublikowano: {when:%d.%m.%Y, %H:%M}</span></div></header>"
            f'<div class="story-body"><p class="lead">{esc(story.lead)}</p>{self.paras(story)}</div>'
            f'<div class="chips">{chips}</div>'
            f'<section class="more"><h2>Zobacz też</h2>{cards}</section></article></div>'
        )


class TejoSulSite(FieldShape):
    """Portuguese, a news portal whose meta declares the tags (article:tag) and whose visible list adds one
    tag more than the meta on every third story; "Texto: <name>" byline; dates "30/03/2026 às 07h01"; the
    lead in `.olho` (the Brazilian newsroom word) and a comments widget with "Responder" links."""

    NAME = "Jornal do Tejo Sul"
    FAMILY = "fields: Portuguese portal"
    LANGUAGE = "pt"
    ZONE = "Europe/Lisbon"
    SEED = 306
    SECTIONS: ClassVar[dict[str, str]] = {"pais": "País", "sociedade": "Sociedade"}
    AUTHORS = ("Inês Carvalho", "João Matos", "Beatriz Sousa Lopes")
    TAGS = ("Habitação", "Transportes", "Saúde", "Rio Tejo", "Escolas")
    WORDS = _words(
        ["A câmara municipal", "O governo regional", "Os moradores", "O hospital", "A universidade", "A junta"],
        ["aprova", "adia", "critica"],
        ["a nova ponte", "o plano de habitação", "a obra do mercado", "a linha de autocarro", "o museu"],
        ["no Barreiro", "no Seixal", "em Almada", "no Montijo"],
        ["{subject} estima que {object} {place} custará {number} euros.",
         "Sobre {object} chegaram {number} reclamações.",
         "A reunião sobre {object} {place} juntou {number} pessoas."],
    )  # fmt: skip

    def tags_of(self, story: Story) -> tuple[str, ...]:
        return (*story.tags, self.SECTIONS[story.section]) if story.id % 3 == 0 else story.tags

    def structured(self, story: Story) -> bool:
        return False

    def article(self, story: Story) -> str:
        when = self.local(story)
        meta = "".join(f'<meta property="article:tag" content="{esc(t)}">' for t in story.tags)
        tags = "".join(f'<a href="/assunto/{slugify(t)}">{esc(t)}</a> ' for t in self.tags_of(story))
        return (
            f'{meta}<div class="materia"><h1>{esc(story.title)}</h1>'
            f'<div class="olho">{esc(story.lead)}</div>'
            f'<div class="assinatura">Texto: {esc(story.author)} · {when:%d/%m/%Y} às {when:%Hh%M}</div>'
            f'<div class="texto">{self.paras(story)}</div>'
            f'<div class="assuntos">Assuntos: {tags}</div>'
            f'<div id="comentarios"><div class="comentario"><span class="autor">Rui P.</span> há 3 horas'
            f' <a href="#r1">Responder</a></div></div></div>'
        )


class BrabantSite(FieldShape):
    """Invented after the rules were settled (see LATE): Dutch, "maandag 30 maart 2026, 07:01", "Door
    <strong>name</strong>", the lead an unnamed paragraph right after the headline in the header, tags in
    `div.trefwoorden` to /onderwerp/<slug>."""

    NAME = "Brabants Dagblad Oost"
    FAMILY = "fields: Dutch regional"
    LANGUAGE = "nl"
    ZONE = "Europe/Amsterdam"
    SEED = 307
    SECTIONS: ClassVar[dict[str, str]] = {"regio": "Regio", "sport": "Sport"}
    AUTHORS = ("Sanne van Dijk", "Bram de Wit", "Fatima El Amrani")
    TAGS = ("Verkeer", "Woningbouw", "Onderwijs", "Zorg", "Natuur")
    DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
    MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december")  # fmt: skip
    WORDS = _words(
        ["De gemeenteraad", "De provincie", "Omwonenden", "Het waterschap", "De wethouder", "De school"],
        ["keurt goed", "stelt uit", "bekritiseert"],
        ["de nieuwe brug", "het fietspad", "de renovatie van de markt", "de buslijn", "het museum"],
        ["in Oss", "in Uden", "in Veghel", "in Boxtel"],
        ["{subject} verwacht dat {object} {place} {number} euro kost.",
         "Over {object} kwamen {number} bezwaren binnen.",
         "Bij de avond over {object} {place} waren {number} mensen."],
    )  # fmt: skip

    def article(self, story: Story) -> str:
        when = self.local(story)
        date = (
            f"{self.DAYS[when.weekday()]} {when.day} {self.MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"
        )
        tags = "".join(f'<a href="/onderwerp/{slugify(t)}">{esc(t)}</a>' for t in story.tags)
        return (
            f'<article class="artikel"><header><h1>{esc(story.title)}</h1><p class="kop-tekst">{esc(story.lead)}</p>'
            f'<div class="artikel-info">Door <strong>{esc(story.author)}</strong> <span>{date}</span></div></header>'
            f'<section class="artikel-tekst">{self.paras(story)}</section>'
            f'<div class="trefwoorden">{tags}</div></article>'
        )


class GaronneSite(FieldShape):
    """Invented after the rules were settled (see LATE): French, "Publié le lundi 30 mars 2026 à 07h01 · Mis à
    jour le ...", "Par <a href=/journalistes/...>", the lead in `p.article-chapeau`, tags in `ul.mots-cles`
    to /sujet/<slug>, and a "Réactions" widget whose entries carry `span.comment-author`."""

    NAME = "La Dépêche de Garonne"
    FAMILY = "fields: French regional"
    LANGUAGE = "fr"
    ZONE = "Europe/Paris"
    SEED = 308
    SECTIONS: ClassVar[dict[str, str]] = {"toulouse": "Toulouse", "region": "Région"}
    AUTHORS = ("Camille Rouquette", "Julien Fabre", "Nadia Benali")
    TAGS = ("Transports", "Logement", "Garonne", "Écoles", "Santé")
    DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")  # fmt: skip
    WORDS = _words(
        ["Le conseil municipal", "La région", "Les riverains", "La métropole", "Le syndicat", "L'université"],
        ["adopte", "reporte", "conteste"],
        ["le nouveau pont", "la piste cyclable", "la rénovation des halles", "la ligne de tram", "le musée"],
        ["à Blagnac", "à Muret", "à Colomiers", "à Balma"],
        ["{subject} estime que {object} {place} coûtera {number} euros.",
         "Sur {object}, {number} observations ont été déposées.",
         "La réunion sur {object} {place} a réuni {number} personnes."],
    )  # fmt: skip

    def article(self, story: Story) -> str:
        when = self.local(story)
        later = when + timedelta(hours=26)
        day = f"{self.DAYS[when.weekday()]} {when.day} {self.MONTHS[when.month - 1]} {when.year}"
        updated = f"{later.day} {self.MONTHS[later.month - 1]} {later.year} à {later:%Hh%M}"
        tags = "".join(f'<li><a href="/sujet/{slugify(t)}">{esc(t)}</a></li>' for t in story.tags)
        return (
            f'<main><article><h1 class="article-titre">{esc(story.title)}</h1>'
            f'<p class="article-chapeau">{esc(story.lead)}</p>'
            f'<div class="article-signature">Par <a href="/journalistes/{slugify(story.author)}">'
            f"{esc(story.author)}</a><br>Publié le {day} à {when:%Hh%M} · Mis à jour le {updated}</div>"
            f'<div class="article-corps">{self.paras(story)}</div>'
            f'<ul class="mots-cles">{tags}</ul>'
            f'<section id="reactions"><h2>Réactions</h2><div class="reaction"><span class="comment-author">'
            f"Jean D.</span> il y a 3 heures<p>Enfin !</p></div></section></article></main>"
        )


FIELD_SHAPES: dict[str, type[FieldShape]] = {
    "meseta": MesetaSite,
    "rheingau": RheingauSite,
    "podil": PodilSite,
    "laguna": LagunaSite,
    "wisla": WislaSite,
    "tejosul": TejoSulSite,
    "brabant": BrabantSite,
    "garonne": GaronneSite,
}
# Invented after the rules were settled, as a held-out check; their first scores (authors 0.89 and 0.50: a
# headline starting with "De" read as a byline, commenters in a "Réactions" box) led to two generic fixes, so
# they are no longer held out: the next shapes should be.
LATE = ("brabant", "garonne")
