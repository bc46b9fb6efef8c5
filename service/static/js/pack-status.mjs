// Follows the provider pack's email through the outbox after "Send the pack now" (Waiting to send, Sending, Sent,
// or Not sent), as documents.mjs follows a document, without the user refreshing the page. Without JavaScript, a
// refresh shows the same.
import { follow } from "./follow.mjs";

const region = document.querySelector("[data-pack-status-url]");

function show(state) {
  region.innerHTML = state.html; // the server's own rendering of the status, escaped there
  if (state.finished) region.removeAttribute("data-pack-status-url");
  return state.finished;
}

if (region) follow(region.getAttribute("data-pack-status-url"), show);
