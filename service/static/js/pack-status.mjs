// Follows the provider pack's email through the outbox after "Send the pack now" (Waiting to send, Sending, Sent,
// or Not sent), as documents.mjs follows a document, without the user refreshing the page. Without JavaScript, a
// refresh shows the same.
const region = document.querySelector("[data-pack-status-url]");

async function follow() {
  const url = region.getAttribute("data-pack-status-url");
  for (let attempt = 0; attempt < 400; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 1000 : 3000));
    let state;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) continue;
      state = await response.json();
    } catch {
      continue;
    }
    region.innerHTML = state.html; // the server's own rendering of the status, escaped there
    if (state.finished) {
      region.removeAttribute("data-pack-status-url");
      return;
    }
  }
}

if (region) follow();
