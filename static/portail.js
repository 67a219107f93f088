// Progressive enhancement only: every page works without this script.
// Static pages are built ahead of time; hide a home message whose window has ended
// since the last build.
document.addEventListener("DOMContentLoaded", () => {
  const now = Date.now();
  for (const notice of document.querySelectorAll("[data-until]")) {
    if (Date.parse(notice.dataset.until) <= now) notice.hidden = true;
  }
});
