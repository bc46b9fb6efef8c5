// Shows a document's progress as it is made, and its download links when it is ready,
// without the user refreshing the page. Without JavaScript, a refresh shows the same.
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

async function poll(row) {
  const url = row.getAttribute("data-document-status-url");
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
    const status = row.querySelector("[data-document-status]");
    if (!state.finished) {
      status.textContent = state.label;
      continue;
    }
    if (state.status === "ready") {
      status.textContent = state.label;
      row.querySelector("[data-document-links]").replaceChildren(links(row, state));
    } else {
      window.location.reload(); // shows the reason and the "Try again" button
    }
    return;
  }
}

rows.forEach((row) => poll(row));
