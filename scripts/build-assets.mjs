// Builds apdocs' front-end assets from GOV.UK Frontend (npm) into service/static/build/.
// apdocs is not a GOV.UK service: no crown, no GDS Transport font, our own header and favicon.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "service", "static", "build");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "assets", "scss", "apdocs.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "apdocs.css"), result.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
// The signature pad on the signing page (an ES module: `import SignaturePad from ".../signature_pad.min.js"`).
const pad = join(root, "node_modules", "signature_pad", "dist");
copyFileSync(join(pad, "signature_pad.min.js"), join(out, "signature_pad.min.js"));
console.log(`assets built in ${out}`);
