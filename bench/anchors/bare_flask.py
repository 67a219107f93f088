"""Anchor (a) of bench/worker_bench.py: a bare Flask app rendering a login-like form page.

    gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench/anchors 'bare_flask:create_app()'

One GET route rendering, through a base template (Jinja inheritance, like the worker's
layout), a page of about the size of the worker's « Me connecter » page: header with
navigation, breadcrumb, a two-field form with a hidden token, help text, footer links.
No session, no database, no security headers: the floor of Flask + Jinja for such a page.
"""

from __future__ import annotations

import secrets

from flask import Flask, render_template
from jinja2 import DictLoader

BASE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} - Portail candidat</title>
<link rel="stylesheet" href="/static/portail.css">
<script src="/static/portail.js" defer></script>
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
  <p class="brand"><a href="/">Portail candidat</a></p>
  <p class="tagline">Examens et concours de l'Éducation nationale</p>
  <nav aria-label="Menu principal"><ul>
  {%- for href, label in nav %}
    <li><a href="{{ href }}"
      {%- if href == current %} aria-current="page"{% endif %}>{{ label }}</a></li>
  {%- endfor %}
  </ul></nav>
</header>
<nav class="breadcrumb" aria-label="Fil d'Ariane"><ol>
{%- for href, label in breadcrumb %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}
</ol></nav>
<main id="contenu">
{% block page %}{% endblock %}
</main>
<footer class="site-footer">
  <ul>
  {%- for href, label in footer %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}
  </ul>
  <p>Ministère de l'Éducation nationale — académies de France.</p>
</footer>
</body>
</html>
"""

LOGIN = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block page %}
<h1>{{ title }}</h1>
<p>Connectez-vous avec votre adresse électronique ou votre numéro de candidat.</p>
<form method="post" action="/espace-candidat/connexion" novalidate>
  <input id="csrf_token" name="csrf_token" type="hidden" value="{{ token }}">
  {%- for name, label, kind, hint in fields %}
  <div class="field">
    <label for="{{ name }}">{{ label }}</label>
    {%- if hint %}<p class="hint" id="{{ name }}-hint">{{ hint }}</p>{% endif %}
    <input id="{{ name }}" name="{{ name }}" type="{{ kind }}" required
      {%- if hint %} aria-describedby="{{ name }}-hint"{% endif %} autocomplete="{{ name }}">
  </div>
  {%- endfor %}
  <button type="submit">Me connecter</button>
</form>
<ul class="links">
{%- for href, label in links %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}
</ul>
{%- for paragraph in help %}
<p>{{ paragraph }}</p>
{%- endfor %}
{% endblock %}
"""

NAV = [
    ("/", "Accueil"),
    ("/ouverture-des-services/", "Ouverture des services"),
    ("/guides/", "Guides"),
    ("/espace-candidat/", "Espace candidat"),
    ("/contact/", "Nous contacter"),
]
FIELDS = [
    ("login", "Adresse électronique ou numéro de candidat", "text", "Exemple : nom@exemple.fr"),
    ("password", "Mot de passe", "password", ""),
]
LINKS = [
    ("/espace-candidat/mot-de-passe-oublie", "Mot de passe oublié"),
    ("/espace-candidat/creer-un-compte", "Je n'ai pas de compte, je le crée"),
]
HELP = [
    "Votre compte est personnel : ne communiquez jamais votre mot de passe. Après plusieurs "
    "essais infructueux, chaque nouvelle tentative doit attendre quelques minutes."
] * 3
FOOTER = [(f"/academies/academie-{n}/", f"Académie n° {n}") for n in range(18)]


def create_app() -> Flask:
    app = Flask(__name__, static_folder=None)
    app.jinja_loader = DictLoader({"base.html": BASE, "login.html": LOGIN})

    @app.get("/espace-candidat/connexion")
    def login() -> str:
        return render_template(
            "login.html",
            title="Me connecter",
            nav=NAV,
            current="/espace-candidat/",
            breadcrumb=[("/", "Accueil"), ("/espace-candidat/", "Espace candidat")],
            token=secrets.token_urlsafe(32),
            fields=FIELDS,
            links=LINKS,
            help=HELP,
            footer=FOOTER,
        )

    return app
