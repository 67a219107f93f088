"""« S'identifier avec FranceConnect »: sign-up and sign-in through the State's federation.

Routes under ``/espace-candidat/franceconnect/``: ``connexion`` (POST, starts the flow),
``callback`` (the redirect URI declared to FranceConnect), ``deconnexion`` (POST, ends
the session here and at the provider) and ``deconnecte`` (the post-logout redirect URI),
``identite`` (the identity of such an account, read-only but for the nom d'usage).

Three hooks keep the rest of the candidate space unaware of FranceConnect: the context of
every page says whether the button is offered (and whether « Se déconnecter » goes through
the provider); the pages' CSP lets their forms redirect to the provider; and « Modifier
mes informations personnelles » (``account.identity``) is replaced, for an account made
from FranceConnect, by ``identite``: a POST to the general identity form is refused there.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for

from worker import mail, refdata
from worker.candidate.actions import franceconnect as actions
from worker.candidate.actions import login as signing
from worker.forms.base import ConfirmForm
from worker.forms.franceconnect import UsualNameForm
from worker.rules.franceconnect import PivotError, pivot_of
from worker.store import accounts, db
from worker.web import auth, oidc, security
from worker.web.pages import form_page, notice

blueprint = Blueprint("franceconnect", __name__, url_prefix="/espace-candidat/franceconnect")
ID_TOKEN = "franceconnect_id_token"  # in the session: the id_token_hint of the logout
RETRY_AFTER = "120"

FAILURES = {  # reason → (status, title, explanation)
    "cancelled": (
        403,
        "Connexion FranceConnect annulée",
        "Vous avez interrompu la connexion sur FranceConnect : aucun compte n'a été créé "
        "ni ouvert.",
    ),
    "provider_error": (
        400,
        "La connexion FranceConnect n'a pas abouti",
        "FranceConnect a signalé une erreur : aucun compte n'a été créé ni ouvert.",
    ),
    "state": (
        400,
        "Cette demande de connexion n'est plus valable",
        "Elle a expiré, a déjà servi ou a été commencée dans un autre navigateur : aucun "
        "compte n'a été créé ni ouvert. Recommencez depuis le bouton FranceConnect.",
    ),
    "grant": (
        400,
        "La connexion FranceConnect n'a pas abouti",
        "Le code de connexion transmis a expiré ou a déjà servi : aucun compte n'a été créé "
        "ni ouvert. Recommencez depuis le bouton FranceConnect.",
    ),
    "token": (
        403,
        "La réponse de FranceConnect a été refusée",
        "Sa signature ou son contenu ne sont pas valables : par sécurité, aucun compte n'a "
        "été créé ni ouvert. Recommencez, ou utilisez le formulaire.",
    ),
    "acr": (
        403,
        "Niveau de sécurité insuffisant",
        "Le compte choisi sur FranceConnect n'offre pas le niveau de garantie d'identité "
        "demandé par le portail : aucun compte n'a été créé ni ouvert. Choisissez un autre "
        "compte sur FranceConnect, ou utilisez le formulaire.",
    ),
}


@blueprint.app_context_processor
def button_context() -> dict:
    """Whether to offer the button; whether « Se déconnecter » goes through the provider."""
    return {
        "franceconnect_enabled": oidc.enabled(),
        "franceconnect_signed_in": ID_TOKEN in session,
    }


@blueprint.after_app_request
def allow_the_provider_in_form_action(response):
    """The FranceConnect button and the logout button post here, and we redirect to the
    provider: browsers check that redirect against the page's CSP ``form-action``."""
    if oidc.enabled() and request.path.startswith("/espace-candidat/"):
        origins = " ".join(oidc.provider_origins())
        response.headers["Content-Security-Policy"] = security.CSP.replace(
            "form-action 'self'", f"form-action 'self' {origins}"
        )
    return response


@blueprint.before_app_request
def identity_is_locked():
    """An identity that came from FranceConnect is not edited with the general form."""
    if request.endpoint != "account.identity":
        return None
    account = auth.current_account()
    if account is None or not accounts.is_franceconnect(db.get(), account.id):
        return None
    if request.method == "POST":
        return notice(
            "Ces informations ne sont pas modifiables",
            "Votre identité provient de FranceConnect, c'est-à-dire de l'état civil connu de "
            "l'État : elle ne peut pas être modifiée sur le portail. Seul le nom d'usage peut "
            "être complété.",
            status=403,
            links=[(url_for("franceconnect.identity"), "Mes informations personnelles")],
        )
    return redirect(url_for("franceconnect.identity"), code=303)


def _enabled_or_404() -> None:
    if not oidc.enabled():
        abort(404)


def _ways_back() -> list[tuple[str, str]]:
    return [
        (url_for("login.login"), "J'ai un compte, je me connecte"),
        (url_for("signup.create"), "Je n'ai pas de compte, je le crée"),
    ]


def _unavailable(error: Exception):
    current_app.logger.warning("FranceConnect unavailable: %s", error)
    html, status = notice(
        "FranceConnect est indisponible",
        "Le service FranceConnect ne répond pas pour le moment : aucun compte n'a été créé "
        "ni ouvert. Réessayez dans quelques minutes, ou utilisez votre identifiant et votre "
        "mot de passe.",
        status=503,
        links=_ways_back(),
    )
    return html, status, {"Retry-After": RETRY_AFTER}


def _refused(refused: oidc.Refused):
    """The page of a refused answer; logged, since a bad signature or nonce is an alert."""
    current_app.logger.warning("FranceConnect answer refused: %s", refused)
    status, title, text = FAILURES[refused.reason]
    return notice(title, text, status=status, links=_ways_back())


@blueprint.post("/connexion")
def start():
    _enabled_or_404()
    if not ConfirmForm.from_request().validate():
        return _refused(oidc.Refused("state", "no valid CSRF token on the button's form"))
    try:
        return oidc.authorize_redirect(mail.base_url() + url_for("franceconnect.callback"))
    except oidc.Unavailable as error:
        return _unavailable(error)


@blueprint.get("/callback")
def callback():
    _enabled_or_404()
    try:
        identity = oidc.finish_sign_in()
        pivot = pivot_of(identity.claims)
    except oidc.Unavailable as error:
        return _unavailable(error)
    except oidc.Refused as refused:
        return _refused(refused)
    except PivotError as error:
        return notice(
            "Votre identité FranceConnect ne permet pas de créer un compte",
            f"{error} Aucun compte n'a été créé : créez votre compte avec le formulaire.",
            status=422,
            links=_ways_back(),
        )
    result = actions.sign_in_or_create(db.get(), identity.issuer, pivot)
    return _answer(result, identity, pivot.email)


def _answer(result: actions.SignIn, identity: oidc.Identity, email: str):
    if result.outcome is actions.Outcome.SIGNED_IN:
        auth.remember(result.account, result.session_id)
        session[ID_TOKEN] = identity.id_token
        return redirect(url_for("home.home"), code=303)
    if result.outcome is actions.Outcome.EMAIL_TAKEN:
        return notice(
            "Cette adresse électronique a déjà un compte",
            f"L'adresse {email}, transmise par FranceConnect, sert déjà d'identifiant de "
            "connexion à un compte du portail. Un compte existant ne peut pas être rattaché à "
            "FranceConnect, et aucun nouveau compte n'a été créé.",
            "S'il s'agit de votre compte, connectez-vous avec votre identifiant et votre mot "
            "de passe (ou « Mot de passe oublié »).",
            status=409,
            links=[
                (url_for("login.login"), "J'ai un compte, je me connecte"),
                (url_for("login.forgotten"), "Mot de passe oublié"),
            ],
        )
    first = result.outcome is actions.Outcome.CREATED
    return notice(
        "Votre compte est en cours de création" if first else "Votre compte n'est pas activé",
        f"Votre compte a été créé à partir de votre identité FranceConnect. Un courriel "
        f"vient d'être envoyé à l'adresse {result.account.email} pour vérifier qu'elle est "
        "bien la vôtre : c'est elle qui recevra les messages du portail.",
        "Ouvrez-le et cliquez sur le lien « Activer mon compte » dans les 48 heures, puis "
        "connectez-vous de nouveau avec FranceConnect. Passé ce délai, le compte non activé "
        "est supprimé.",
        status=201 if first else 200,
        links=[(url_for("login.login"), "J'ai un compte, je me connecte")],
    )


@blueprint.post("/deconnexion")
def logout():
    """Signed out here first, then at the provider, which comes back to ``deconnecte``."""
    if not ConfirmForm.from_request().validate():
        return redirect(url_for("login.login"), code=303)
    id_token = session.get(ID_TOKEN)
    signing.log_out(db.get(), auth.session_id())
    auth.forget()
    if not id_token or not oidc.enabled():
        flash("Vous êtes déconnecté.")
        return redirect(url_for("login.login"), code=303)
    try:
        return oidc.logout_redirect(id_token, mail.base_url() + url_for("franceconnect.logged_out"))
    except oidc.Unavailable:
        return notice(
            "Vous êtes déconnecté du portail",
            "FranceConnect ne répond pas : pour fermer aussi votre session FranceConnect, "
            "fermez votre navigateur.",
            links=[(url_for("login.login"), "Revenir à la connexion")],
        )


@blueprint.get("/deconnecte")
def logged_out():
    _enabled_or_404()
    try:
        oidc.finish_logout()
    except oidc.Refused:
        return notice(
            "Ce retour de déconnexion n'est pas valable",
            "Il ne correspond à aucune déconnexion demandée depuis ce navigateur. Votre "
            "session sur le portail, elle, est bien fermée.",
            status=400,
            links=[(url_for("login.login"), "Revenir à la connexion")],
        )
    flash("Vous êtes déconnecté du portail et de FranceConnect.")
    return redirect(url_for("login.login"), code=303)


@blueprint.route("/identite", methods=["GET", "POST"])
@auth.login_required
def identity():
    """The locked identity, shown read-only, and the nom d'usage, editable until applying."""
    account = auth.current_account()
    database = db.get()
    if not accounts.is_franceconnect(database, account.id):
        return redirect(url_for("account.identity"), code=303)
    locked = accounts.has_application(database, account.id)
    form = UsualNameForm.from_request(data={"usual_name": account.usual_name})
    if form.submitted() and not locked:
        if actions.set_usual_name(database, account.id, (form.usual_name.data or "").strip()):
            flash("Votre nom d'usage a été enregistré.")
        else:
            flash("Vos informations ne sont plus modifiables : une candidature existe.")
        return redirect(url_for("account.overview"), code=303)
    if locked and request.method == "POST":
        return redirect(url_for("account.overview"), code=303)
    return form_page(
        "candidate/franceconnect_identity.html",
        form,
        "Mes informations personnelles",
        account=account,
        locked=locked,
        country_name=dict(refdata.countries()).get(account.birth_country, account.birth_country),
    )
