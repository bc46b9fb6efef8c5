import { initAll } from "/static/build/govuk-frontend.min.js";
initAll();
