// The signature pad on the signing page. Without JavaScript the page still works: the signer types their
// name instead. With it, they can draw with a finger or a mouse; the drawing is posted as a PNG data URL.
import SignaturePad from "../build/signature_pad.min.js";

for (const box of document.querySelectorAll("[data-signature-pad]")) {
  const canvas = box.querySelector("canvas");
  const form = box.closest("form");
  const input = form.querySelector("input[name=drawn]");
  box.hidden = false;
  const pad = new SignaturePad(canvas, { penColor: "#0b0c0c", backgroundColor: "rgb(255,255,255)" });

  // Keep the drawing sharp and the right size when the phone turns or the window changes.
  const fit = () => {
    const data = pad.isEmpty() ? null : pad.toData();
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (data) pad.fromData(data);
  };
  window.addEventListener("resize", fit);
  fit();

  box.querySelector("[data-signature-clear]").addEventListener("click", (event) => {
    event.preventDefault();
    pad.clear();
    input.value = "";
  });
  form.addEventListener("submit", () => {
    input.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  });
}
