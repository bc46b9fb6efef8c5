// Shows a document's progress as it is made, and its download links when it is ready,
// without the user refreshing the page. Without JavaScript, a refresh shows the same.
import { follow } from "./follow.mjs";

const rows = document.querySelectorAll("[data-document-status-url]");

function links(row, state) {
  const fragment = document.createDocumentFragment();
  const pdfOnly = row.getAttribute("data-document-pdf-text"); // the signed plan: its sealed PDF only
  if (pdfOnly) {
    fragment.append(" · ", Object.assign(document.createElement("a"), { className: "govuk-link", href: state.pdf_url, textContent: pdfOnly }));
    return fragment;
  }
  const pdf = Object.assign(document.createElement("a"), { className: "govuk-link", href: state.pdf_url, textContent: "PDF" });
  const word = Object.assign(document.createElement("a"), { className: "govuk-link", href: state.docx_url, textContent: "Word" });
  fragment.append(pdf, " · ", word);
  return fragment;
}

function show(row, state) {
  const status = row.querySelector("[data-document-status]");
  status.textContent = state.label;
  if (!state.finished) return false;
  if (state.status === "ready") {
    row.querySelector("[data-document-links]").replaceChildren(links(row, state));
  } else {
    window.location.reload(); // shows the reason and the "Try again" button
  }
  return true;
}

rows.forEach((row) => follow(row.getAttribute("data-document-status-url"), (state) => show(row, state)));
