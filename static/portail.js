// Progressive enhancement only: every page works without this script.

document.addEventListener("DOMContentLoaded", () => {
  // « Imprimer » on a printable page: the browser's print dialog (links remain without it).
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // Static pages are built ahead of time: hide a home message whose window has ended.
  const now = Date.now();
  for (const notice of document.querySelectorAll("[data-until]")) {
    if (Date.parse(notice.dataset.until) <= now) notice.hidden = true;
  }

  // Opening periods: the built page gives dates; the status of today is the browser's.
  for (const item of document.querySelectorAll("[data-opens][data-closes]")) {
    const opens = Date.parse(item.dataset.opens);
    const closes = Date.parse(item.dataset.closes);
    const status = document.createElement("span");
    status.className = "period-status";
    status.textContent = now < opens ? "à venir" : now < closes ? "ouvert maintenant" : "clos";
    item.querySelector("a").after(" ", status);
  }

  // Passwords: a box « Afficher » shows what was typed (typing blind on a phone is where
  // mistakes come from), hidden again when the form is sent. It has no name: never sent.
  for (const input of document.querySelectorAll('input[type="password"]')) {
    const label = document.querySelector(`label[for="${input.id}"]`);
    const toggle = document.createElement("div");
    toggle.className = "show-password";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `${input.id}-afficher`;
    box.setAttribute("aria-controls", input.id);
    const text = document.createElement("label");
    text.htmlFor = box.id;
    const which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = ` : ${(label ? label.textContent : "mot de passe").replace("*", "").trim()}`;
    text.append("Afficher", which);
    toggle.append(box, text);
    box.addEventListener("change", () => { input.type = box.checked ? "text" : "password"; });
    if (input.form) {
      input.form.addEventListener("submit", () => { box.checked = false; input.type = "password"; });
    }
    input.after(toggle);
  }

  // After a failed submission, take the keyboard and screen reader to the error summary;
  // after an upload, to its result inside the piece.
  const summary = document.getElementById("resume-erreurs");
  const result = document.querySelector(".piece-result");
  if (summary) summary.focus();
  else if (result) result.focus();

  // A notice tied to an answer (« Oui » to an accommodation request) shows as it is chosen.
  for (const notice of document.querySelectorAll("[data-notice-for]")) {
    const inputs = document.querySelectorAll(`[name="${notice.dataset.noticeFor}"]`);
    const follow = () => {
      const chosen = [...inputs].find((input) => input.checked || input.type === "text");
      notice.hidden = !chosen || chosen.value !== notice.dataset.noticeIf;
    };
    for (const input of inputs) input.addEventListener("change", follow);
  }

  // Acquis: the tests an origin exempts from show once that origin is ticked.
  for (const tests of document.querySelectorAll("[data-acquis-for]")) {
    const origin = document.getElementById(tests.dataset.acquisFor);
    if (!origin) continue;
    const follow = () => { tests.hidden = !origin.checked; };
    origin.addEventListener("change", follow);
    follow();
  }

  // Birth place: the communes of the chosen département are offered as you type.
  const commune = document.querySelector("input[data-communes]");
  const departement = document.getElementById("birth_departement");
  if (commune && departement) {
    const list = document.createElement("datalist");
    list.id = "communes-du-departement";
    commune.after(list);
    commune.setAttribute("list", list.id);
    const load = async () => {
      list.replaceChildren();
      if (!departement.value) return;
      const url = `${commune.dataset.communes}?departement=${encodeURIComponent(departement.value)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      for (const name of await response.json()) {
        const option = document.createElement("option");
        option.value = name;
        list.append(option);
      }
    };
    departement.addEventListener("change", load);
    load();
  }
});
