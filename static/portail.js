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

  // Questions asked only for one answer to another (« Année de la dernière candidature »
  // after « Oui »), as GOV.UK's conditional reveal: hidden until that answer is chosen,
  // then shown where the step declares them, right after their question, so reading and
  // focus order run on from it; nothing is announced, they are simply next. The controls
  // that call for them get aria-controls; a box ticked to show them also says whether
  // they show (aria-expanded): ARIA allows it on a box, not on a radio button, and on a
  // list it tells whether the list itself is open. Shown, a question required then gets
  // the asterisk (its hint still says when). Without this script, every question is on
  // the page with that hint.
  for (const block of document.querySelectorAll("[data-reveal-for]")) {
    const scope = block.closest("form") || document;
    const controls = [...scope.querySelectorAll(`[name="${CSS.escape(block.dataset.revealFor)}"]`)];
    if (!controls.length) continue;
    const wanted = block.dataset.revealIf;
    const answer = () => {
      const first = controls[0];
      if (first.type === "checkbox") return first.checked ? "checked" : "unchecked";
      if (first.type === "radio") return (controls.find((radio) => radio.checked) || {}).value || "";
      return first.value;
    };
    for (const control of controls) {
      if (control.type === "radio" && control.value !== wanted) continue;
      const ids = (control.getAttribute("aria-controls") || "").split(" ").filter(Boolean);
      control.setAttribute("aria-controls", [...ids, block.id].join(" "));
    }
    for (const id of (block.dataset.revealRequired || "").split(" ").filter(Boolean)) {
      const control = document.getElementById(id);
      if (!control) continue;
      const label = control.tagName === "FIELDSET"
        ? control.querySelector("legend")
        : block.querySelector(`label[for="${CSS.escape(id)}"]`);
      if (label && !label.querySelector(".required")) {
        const mark = document.createElement("span");
        mark.className = "required";
        mark.setAttribute("aria-hidden", "true");
        mark.textContent = " *";
        label.append(mark);
      }
      const inputs = control.tagName === "FIELDSET" ? control.querySelectorAll("input") : [control];
      for (const input of inputs) if (input.type !== "checkbox") input.required = true;
    }
    // A question in error is never hidden on arrival: the server only checks one whose
    // condition holds, so this cannot happen unless the two disagree; if they ever do,
    // the error stays in sight.
    const flagged = block.querySelector(".field-error") !== null;
    const follow = (arriving) => {
      const shown = answer() === wanted;
      block.hidden = !shown && !(arriving && flagged);
      for (const control of controls) {
        if (control.type === "checkbox" && wanted === "checked") {
          control.setAttribute("aria-expanded", String(!block.hidden));
        }
      }
    };
    for (const control of controls) {
      control.addEventListener("change", () => follow(false));
      control.addEventListener("input", () => follow(false));
    }
    block.classList.add("conditional-enhanced");
    follow(true);
  }

  // Acquis: the tests an origin exempts from show once that origin is ticked, the marks
  // kept once any of the origins that keep marks is.
  for (const tests of document.querySelectorAll("[data-acquis-for]")) {
    const origins = tests.dataset.acquisFor.split(" ")
      .map((id) => document.getElementById(id)).filter((origin) => origin);
    if (!origins.length) continue;
    const follow = () => { tests.hidden = !origins.some((origin) => origin.checked); };
    for (const origin of origins) origin.addEventListener("change", follow);
    follow();
  }

  // A file over the size limit is refused before it is sent (on a phone, sending 8 Mo
  // only to hear it is too large costs minutes and data), named, in the server's error
  // pattern: title, summary taking the focus, the field's own message. The server still
  // checks every file.
  for (const input of document.querySelectorAll('input[type="file"][data-max-bytes]')) {
    input.form.addEventListener("submit", (event) => {
      const file = input.files[0];
      if (!file || file.size <= Number(input.dataset.maxBytes)) return;
      event.preventDefault();
      const size = `${(file.size / 1048576).toFixed(1).replace(".", ",")} Mo`;
      refuse(input, `Le fichier « ${file.name} » fait ${size} : il dépasse les`
        + ` ${input.dataset.maxSize} autorisés par fichier. Réduisez-le (numérisation en plus`
        + " basse résolution, PDF compressé), puis déposez-le de nouveau.");
    });
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

// The field's message and the page's error summary, as the server writes them.
function refuse(input, message) {
  const id = `${input.id}-erreur`;
  let problem = document.getElementById(id);
  if (!problem) {
    problem = document.createElement("span");
    problem.className = "error-message";
    problem.id = id;
    input.before(problem);
  }
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = "Erreur : ";
  problem.replaceChildren(hidden, message);
  input.closest(".field")?.classList.add("field-error");
  input.setAttribute("aria-invalid", "true");
  const described = (input.getAttribute("aria-describedby") || "").split(" ");
  input.setAttribute("aria-describedby", [id, ...described.filter((d) => d && d !== id)].join(" "));

  const summary = document.createElement("div");
  summary.className = "error-summary";
  summary.setAttribute("role", "alert");
  summary.tabIndex = -1;
  summary.id = "resume-erreurs";
  summary.setAttribute("aria-labelledby", "resume-erreurs-titre");
  const title = document.createElement("h2");
  title.id = "resume-erreurs-titre";
  title.textContent = "Il y a 1 erreur à corriger";
  const link = document.createElement("a");
  link.href = `#${input.id}`;
  link.textContent = message;
  const list = document.createElement("ul");
  const item = document.createElement("li");
  item.append(link);
  list.append(item);
  summary.append(title, list);
  const previous = document.getElementById("resume-erreurs");
  if (previous) previous.replaceWith(summary);
  else document.querySelector("main h1").nextElementSibling.after(summary);
  if (!document.title.startsWith("Erreur : ")) document.title = `Erreur : ${document.title}`;
  summary.focus();
}
