"""The candidate account in a real Chromium, driven as a person would.

Create the account from the home page, activate it with the link received by mail, log in
(address or candidate number), read the messages, log out, reset a forgotten password,
edit the account, delete it, and do it with the keyboard only. Every page is audited with
axe-core (WCAG 2.1 A and AA): zero violations.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.mailbox import Mailbox, link_in

pytestmark = pytest.mark.browser

PASSWORD = "Bonjour.2026"
BIRTH_DATE = "15/03/1990"
CANDIDATE_NUMBER = re.compile(r"0\d{10}")
WRONG_LOGIN = "Identifiant ou mot de passe incorrect"


@dataclass
class Account:
    email: str
    password: str
    number: str


# --- helpers -------------------------------------------------------------------------------


def unique_email(prefix: str = "pierre.dubois") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@example.fr"


def field(page: Page, label: str):
    """The form control whose label reads exactly `label` (the asterisk is aria-hidden)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def heading(page: Page, text: str):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def audited(page: Page, axe) -> None:
    """The page as it is now has no WCAG 2.1 A/AA violation."""
    assert axe() == []


def body_text(page: Page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def flat(text: str) -> str:
    return " ".join(text.split())


def fill_signup_form(page: Page, email: str, password: str, first_names: str = "Pierre") -> None:
    page.get_by_role("radio", name="Monsieur").check()
    field(page, "Nom de famille").fill("Dubois")
    field(page, "Confirmation du nom de famille").fill("Dubois")
    field(page, "Prénoms").fill(first_names)
    field(page, "Date de naissance").fill(BIRTH_DATE)
    field(page, "Confirmation de la date de naissance").fill(BIRTH_DATE)
    expect(field(page, "Pays de naissance")).to_have_value("FR")  # France, left as it is
    field(page, "Département, DOM ou COM de naissance").select_option(label="010 - AUBE")
    field(page, "Commune de naissance").fill("Troyes")
    field(page, "Adresse électronique").fill(email)
    field(page, "Confirmation de l'adresse électronique").fill(email)
    field(page, "Mot de passe").fill(password)
    field(page, "Confirmation du mot de passe").fill(password)


def create_account(page: Page, live_server: str, mailbox: Mailbox, axe=None) -> Account:
    """From the home page to the activated account; audits each page when axe is given."""
    check = (lambda: audited(page, axe)) if axe else (lambda: None)
    email, password = unique_email(), PASSWORD
    page.goto(live_server + "/")
    page.get_by_role("link", name="Je n'ai pas de compte, je le crée").click()
    expect(heading(page, "Créer mon compte candidat")).to_be_visible()
    check()

    fill_signup_form(page, email, password)
    before = mailbox.count()
    page.get_by_role("button", name="Enregistrer").click()
    expect(heading(page, "Votre compte est en cours de création")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        f"Un courriel vient d'être envoyé à l'adresse {email}"
    )
    check()

    mail = mailbox.last_to(email, "Activer mon compte", after=before)
    page.goto(link_in(mail))
    expect(heading(page, "Activer mon compte")).to_be_visible()
    expect(page.locator("main")).to_contain_text(email)
    check()
    page.get_by_role("button", name="Activer mon compte").click()
    expect(heading(page, "Votre compte est activé")).to_be_visible()
    found = CANDIDATE_NUMBER.search(body_text(page))
    assert found, body_text(page)
    check()
    return Account(email, password, found.group(0))


def log_in(page: Page, live_server: str, login: str, password: str) -> None:
    """Open the login page from the home page and submit the form."""
    page.goto(live_server + "/")
    page.get_by_role("link", name="J'ai un compte, je me connecte").click()
    expect(heading(page, "Me connecter")).to_be_visible()
    submit_login(page, login, password)


def submit_login(page: Page, login: str, password: str) -> None:
    field(page, "Adresse électronique ou numéro de candidat").fill(login)
    field(page, "Mot de passe").fill(password)
    page.get_by_role("button", name="Me connecter").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(heading(page, "Me connecter")).to_be_visible()


def expect_candidate_home(page: Page, account: Account) -> None:
    expect(heading(page, "Mon espace candidat")).to_be_visible()
    expect(page.locator("main")).to_contain_text(account.number)


def expect_login_error(page: Page) -> None:
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    summary = page.get_by_role("alert").filter(has=page.locator("#resume-erreurs-titre"))
    expect(summary).to_contain_text(WRONG_LOGIN)
    expect(page.locator("#resume-erreurs")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"


def definition(page: Page, term: str):
    """The <dd> that follows the <dt> `term` in a summary list."""
    return (
        page.locator("dl.summary-list > div")
        .filter(has=page.locator("dt", has_text=re.compile(rf"^{re.escape(term)}$")))
        .locator("dd")
    )


# --- the journeys --------------------------------------------------------------------------


def test_create_and_activate_an_account_from_the_home_page(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox, axe)
    assert CANDIDATE_NUMBER.fullmatch(account.number)
    expect(page.locator("main")).to_contain_text(
        f"Votre numéro de candidat est le {account.number}."
    )
    # The candidate number is mailed too, for later.
    mail = mailbox.last_to(account.email, "Votre compte est activé")
    assert account.number in mail.get_content()


def test_log_in_with_the_address_read_messages_and_log_out(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    page.get_by_role("link", name="J'ai un compte, je me connecte").click()
    expect(heading(page, "Me connecter")).to_be_visible()
    audited(page, axe)
    submit_login(page, account.email.upper(), account.password)  # the case does not matter

    expect(heading(page, "Mon espace candidat")).to_be_visible()
    identity = page.locator("main .candidate-id")
    expect(identity).to_contain_text("N°Candidat")
    expect(identity).to_contain_text(account.number)
    expect(identity).to_contain_text("DUBOIS Pierre")
    expect(identity).to_contain_text(f"Né le {BIRTH_DATE}")
    expect(page.locator("main")).to_contain_text("Vous n'avez aucune candidature active.")
    expect(page.get_by_role("link", name="Ajouter une nouvelle candidature")).to_be_visible()
    header = page.get_by_role("banner")
    expect(header).to_contain_text("DUBOIS Pierre")
    expect(header.get_by_role("link", name="Modifier mon compte")).to_be_visible()
    expect(header.get_by_role("link", name="Consulter mes messages")).to_be_visible()
    audited(page, axe)

    header.get_by_role("link", name="Consulter mes messages").click()
    expect(heading(page, "Mes messages")).to_be_visible()
    activation = mailbox.last_to(account.email, "Activer mon compte")
    activated = mailbox.last_to(account.email, "Votre compte est activé")
    for mail in (activation, activated):
        subject = mail["Subject"]
        article = page.get_by_role("article", name=subject)
        expect(article).to_have_count(1)
        assert flat(mail.get_content()) in flat(article.inner_text())
    audited(page, axe)

    log_out(page)
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté.")
    audited(page, axe)
    page.goto(live_server + "/espace-candidat/")
    expect(heading(page, "Me connecter")).to_be_visible()
    assert "/espace-candidat/connexion" in page.url


def test_log_in_with_the_candidate_number(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    log_in(page, live_server, account.number, account.password)
    expect_candidate_home(page, account)
    expect(page.locator("main")).to_contain_text("DUBOIS Pierre")
    audited(page, axe)


def test_failed_login_shows_the_error_summary(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    log_in(page, live_server, account.email, "Mauvais.2026")
    expect_login_error(page)
    expect(field(page, "Mot de passe")).to_have_value("")
    expect(field(page, "Adresse électronique ou numéro de candidat")).to_have_value(account.email)
    expect(field(page, "Adresse électronique ou numéro de candidat")).to_have_attribute(
        "aria-invalid", "true"
    )
    audited(page, axe)
    # A second try on the same page, with the right password this time.
    field(page, "Mot de passe").fill(account.password)
    page.get_by_role("button", name="Me connecter").click()
    expect_candidate_home(page, account)


def test_signup_errors_are_summarised_and_values_kept(page, axe, live_server):
    page.goto(live_server + "/espace-candidat/creer-un-compte")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Créer mon compte candidat"))
    summary = page.locator("#resume-erreurs")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert links.count() >= 10
    expect(summary).to_contain_text("Indiquez votre civilité.")
    expect(summary).to_contain_text("Saisissez votre nom de famille (nom de naissance).")
    expect(summary).to_contain_text("Choisissez un mot de passe.")
    expect(field(page, "Nom de famille")).to_have_attribute("aria-invalid", "true")
    audited(page, axe)

    # Part of the form filled in, the rest still wrong: what was typed stays, not passwords.
    email = unique_email()
    page.get_by_role("radio", name="Monsieur").check()
    field(page, "Nom de famille").fill("Dubois")
    field(page, "Confirmation du nom de famille").fill("Dupont")
    field(page, "Prénoms").fill("Pierre")
    field(page, "Date de naissance").fill("15/03/90")
    field(page, "Département, DOM ou COM de naissance").select_option(label="010 - AUBE")
    field(page, "Commune de naissance").fill("Troyes")
    field(page, "Adresse électronique").fill(email)
    field(page, "Mot de passe").fill("court")
    field(page, "Confirmation du mot de passe").fill("court")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_title(re.compile(r"^Erreur : "))
    expect(page.locator("#resume-erreurs")).to_be_focused()
    summary = page.locator("#resume-erreurs")
    expect(summary).to_contain_text("Les deux noms de famille saisis sont différents.")
    expect(summary).to_contain_text("au format JJ/MM/AAAA")
    expect(summary).to_contain_text("Saisissez à nouveau votre adresse électronique.")
    expect(summary).to_contain_text("Le mot de passe doit contenir")
    expect(summary).not_to_contain_text("Indiquez votre civilité.")
    expect(page.get_by_role("radio", name="Monsieur")).to_be_checked()
    expect(field(page, "Nom de famille")).to_have_value("Dubois")
    expect(field(page, "Confirmation du nom de famille")).to_have_value("Dupont")
    expect(field(page, "Prénoms")).to_have_value("Pierre")
    expect(field(page, "Date de naissance")).to_have_value("15/03/90")
    expect(field(page, "Pays de naissance")).to_have_value("FR")
    expect(field(page, "Département, DOM ou COM de naissance")).to_have_value("10")
    expect(field(page, "Commune de naissance")).to_have_value("Troyes")
    expect(field(page, "Adresse électronique")).to_have_value(email)
    expect(field(page, "Mot de passe")).to_have_value("")
    expect(field(page, "Confirmation du mot de passe")).to_have_value("")
    # Each field shows its own message, tied to it.
    last_name_confirm = field(page, "Confirmation du nom de famille")
    expect(last_name_confirm).to_have_attribute("aria-invalid", "true")
    expect(last_name_confirm).to_have_accessible_description(
        re.compile("Les deux noms de famille saisis sont différents.")
    )
    audited(page, axe)


def test_error_summary_links_move_focus_to_their_field(page, live_server):
    """Each link of the summary takes the keyboard to its field (GOV.UK / DSFR pattern)."""
    page.goto(live_server + "/espace-candidat/creer-un-compte")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.locator("#resume-erreurs")
    expect(summary).to_be_focused()

    # A text field: the second link (nom de famille).
    summary.get_by_role("link", name="Saisissez votre nom de famille (nom de naissance).").click()
    expect(field(page, "Nom de famille")).to_be_focused()

    # The first link: civilité, a group of radio buttons. Focus must land on the group's
    # first radio button, so that typing/arrow keys answer the question at once.
    summary.get_by_role("link").first.click()
    focused = page.evaluate(
        "() => { const el = document.activeElement;"
        " return el.closest('#civility') ? el.id || el.tagName : el.tagName; }"
    )
    assert focused in {"civility-0", "civility"}, f"focus is on {focused}"


def test_forgotten_password_reset(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    page.get_by_role("link", name="J'ai un compte, je me connecte").click()
    page.get_by_role("link", name="Mot de passe oublié").click()
    expect(heading(page, "Mot de passe oublié")).to_be_visible()
    audited(page, axe)
    field(page, "Adresse électronique ou numéro de candidat").fill(account.email)
    before = mailbox.count()
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(heading(page, "Vérifiez votre messagerie")).to_be_visible()
    expect(page.locator("main")).to_contain_text("un courriel vient d'être envoyé à l'adresse p")
    expect(page.locator("main")).not_to_contain_text(account.email)  # masked
    audited(page, axe)

    mail = mailbox.last_to(account.email, "Choisir un nouveau mot de passe", after=before)
    link = link_in(mail)
    page.goto(link)
    expect(heading(page, "Choisir un nouveau mot de passe")).to_be_visible()
    audited(page, axe)
    new_password = "Nouveau!2027x"
    field(page, "Nouveau mot de passe").fill(new_password)
    field(page, "Confirmation du nouveau mot de passe").fill(new_password)
    before = mailbox.count()
    page.get_by_role("button", name="Enregistrer").click()
    expect(heading(page, "Me connecter")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié")
    audited(page, axe)
    changed = mailbox.last_to(account.email, "Votre mot de passe a été modifié", after=before)
    assert account.number in changed.get_content()

    submit_login(page, account.email, new_password)
    expect_candidate_home(page, account)
    log_out(page)

    submit_login(page, account.email, account.password)  # the old one no longer works
    expect_login_error(page)

    page.goto(link)  # the link served once
    expect(heading(page, "Ce lien n'est plus valable")).to_be_visible()
    expect(page.locator("main")).to_contain_text("a déjà servi")
    expect(page.get_by_role("link", name="Mot de passe oublié")).to_be_visible()
    audited(page, axe)


def test_edit_the_account(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    log_in(page, live_server, account.email, account.password)
    expect_candidate_home(page, account)

    # Personal information.
    page.get_by_role("banner").get_by_role("link", name="Modifier mon compte").click()
    expect(heading(page, "Modifier mon compte")).to_be_visible()
    expect(definition(page, "Prénoms")).to_have_text("Pierre")
    expect(definition(page, "Numéro de candidat")).to_have_text(account.number)
    expect(definition(page, "Lieu de naissance")).to_contain_text("Troyes")
    audited(page, axe)
    page.get_by_role("link", name="Modifier mes informations personnelles").click()
    expect(heading(page, "Modifier mes informations personnelles")).to_be_visible()
    expect(field(page, "Nom de famille")).to_have_value("Dubois")
    expect(field(page, "Commune de naissance")).to_have_value("Troyes")
    audited(page, axe)
    field(page, "Prénoms").fill("Pierre Marie")
    page.get_by_role("button", name="Enregistrer").click()
    expect(heading(page, "Modifier mon compte")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Vos informations personnelles ont été enregistrées."
    )
    expect(definition(page, "Prénoms")).to_have_text("Pierre Marie")
    expect(page.get_by_role("banner")).to_contain_text("DUBOIS Pierre Marie")
    audited(page, axe)

    # Password.
    page.get_by_role("link", name="Modifier mon mot de passe").click()
    expect(heading(page, "Modifier mon mot de passe")).to_be_visible()
    audited(page, axe)
    new_password = "Changé-2027"
    field(page, "Mot de passe actuel").fill(account.password)
    field(page, "Nouveau mot de passe").fill(new_password)
    field(page, "Confirmation du nouveau mot de passe").fill(new_password)
    before = mailbox.count()
    page.get_by_role("button", name="Enregistrer").click()
    expect(heading(page, "Modifier mon compte")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié.")
    mailbox.last_to(account.email, "Votre mot de passe a été modifié", after=before)

    # Address: it changes only once the new one is confirmed.
    new_email = unique_email("p.dubois")
    page.get_by_role("link", name="Modifier mon adresse électronique").click()
    expect(heading(page, "Modifier mon adresse électronique")).to_be_visible()
    audited(page, axe)
    field(page, "Nouvelle adresse électronique").fill(new_email)
    field(page, "Confirmation de la nouvelle adresse").fill(new_email)
    field(page, "Mot de passe actuel").fill(new_password)
    before = mailbox.count()
    page.get_by_role("button", name="Enregistrer").click()
    expect(heading(page, "Confirmez votre nouvelle adresse")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Un courriel vient d'être envoyé à {new_email}")
    expect(page.locator("main")).to_contain_text(f"votre identifiant reste {account.email}")
    audited(page, axe)

    mail = mailbox.last_to(new_email, "Confirmer votre nouvelle adresse", after=before)
    page.goto(link_in(mail))
    expect(heading(page, "Confirmer ma nouvelle adresse")).to_be_visible()
    expect(page.locator("main")).to_contain_text(new_email)
    audited(page, axe)
    page.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(heading(page, "Votre adresse électronique est modifiée")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Votre identifiant est désormais {new_email}.")
    audited(page, axe)
    # The old address is told.
    mailbox.last_to(account.email, "Votre adresse électronique a été modifiée", after=before)

    log_out(page)
    submit_login(page, account.email, new_password)  # the old address is no identifier now
    expect_login_error(page)
    submit_login(page, new_email, new_password)
    expect_candidate_home(page, account)
    expect(page.locator("main")).to_contain_text("DUBOIS Pierre Marie")


def test_delete_the_account(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    log_in(page, live_server, account.email, account.password)
    expect_candidate_home(page, account)
    page.get_by_role("banner").get_by_role("link", name="Modifier mon compte").click()
    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(heading(page, "Supprimer mon compte")).to_be_visible()
    expect(page.locator("main")).to_contain_text(account.email)
    audited(page, axe)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(heading(page, "Votre compte est supprimé")).to_be_visible()
    audited(page, axe)
    page.goto(live_server + "/espace-candidat/")  # signed out
    expect(heading(page, "Me connecter")).to_be_visible()

    log_in(page, live_server, account.email, account.password)
    expect_login_error(page)
    submit_login(page, account.number, account.password)
    expect_login_error(page)


def test_deleted_account_page_no_longer_shows_the_signed_in_bar(page, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    log_in(page, live_server, account.email, account.password)
    expect_candidate_home(page, account)
    page.get_by_role("banner").get_by_role("link", name="Modifier mon compte").click()
    page.get_by_role("link", name="Supprimer mon compte").click()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(heading(page, "Votre compte est supprimé")).to_be_visible()
    header = page.get_by_role("banner")
    expect(header.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    expect(header.get_by_role("link", name="Modifier mon compte")).to_have_count(0)
    expect(header).not_to_contain_text("DUBOIS Pierre")


def test_log_in_with_the_keyboard_only(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    page.goto(live_server + "/espace-candidat/connexion")
    expect(heading(page, "Me connecter")).to_be_visible()

    def tab_to(element_id: str, limit: int = 30) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"#{element_id} not reached with Tab")

    tab_to("login")
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    expect_candidate_home(page, account)
    audited(page, axe)


def test_signup_page_fits_a_320_px_screen(page, axe, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server + "/espace-candidat/creer-un-compte")
    expect(heading(page, "Créer mon compte candidat")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    audited(page, axe)
    # Also with the errors shown.
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    audited(page, axe)


def test_show_what_was_typed_in_a_password_field(page, axe, live_server, mailbox):
    account = create_account(page, live_server, mailbox)
    page.goto(live_server + "/espace-candidat/connexion")
    password = field(page, "Mot de passe")
    password.fill(account.password)
    shown = page.get_by_role("checkbox", name="Afficher : Mot de passe", exact=True)
    expect(shown).not_to_be_checked()
    expect(password).to_have_attribute("type", "password")
    shown.check()
    expect(password).to_have_attribute("type", "text")
    expect(password).to_have_value(account.password)
    audited(page, axe)
    shown.uncheck()
    expect(password).to_have_attribute("type", "password")
    # Shown when the form is sent: the field is hidden again (held back once to see it),
    # and what was typed is what is sent.
    shown.check()
    field(page, "Adresse électronique ou numéro de candidat").fill(account.email)
    page.evaluate(
        "document.getElementById('password').form.addEventListener('submit',"
        " (event) => event.preventDefault(),"
        " { once: true })"
    )
    page.get_by_role("button", name="Me connecter").click()
    expect(password).to_have_attribute("type", "password")
    expect(shown).not_to_be_checked()
    page.get_by_role("button", name="Me connecter").click()
    expect_candidate_home(page, account)


def test_each_password_field_of_a_page_has_its_own_show_box(page, live_server):
    page.goto(live_server + "/espace-candidat/creer-un-compte")
    for label in ("Mot de passe", "Confirmation du mot de passe"):
        box = page.get_by_role("checkbox", name=f"Afficher : {label}", exact=True)
        box.check()
        expect(field(page, label)).to_have_attribute("type", "text")
    # The boxes have no name: they are not part of what the form sends.
    assert page.evaluate(
        "[...document.querySelectorAll('.show-password input')].every((box) => !box.name)"
    )
