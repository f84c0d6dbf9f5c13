import { writeFileSync } from "node:fs";
import { renderOpenApi } from "../src/openapi.js";

writeFileSync("openapi/openapi.json", await renderOpenApi());
console.log("wrote openapi/openapi.json");
