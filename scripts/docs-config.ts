/** Regenerates the configuration reference table in README.md from the zod schema. */
import { readFileSync, writeFileSync } from "node:fs";
import { withConfigReference } from "../src/config/reference.ts";

const readme = readFileSync("README.md", "utf8");
writeFileSync("README.md", withConfigReference(readme));
console.error("README.md configuration reference updated");
