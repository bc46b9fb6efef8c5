// Asks the server for the state of something the worker is doing (a document being made, an email in the outbox)
// every second, then every three, until `settle(state)` says it is finished or about 20 minutes have passed.
// A failed request is asked again on the next beat: the page keeps what it shows meanwhile.
export async function follow(url, settle) {
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
    if (settle(state)) return;
  }
}
