import { loadRules } from "../../src/detect/sigma/index.js";
const r = await loadRules(["/work/shared/fixtures/sigmahq"]);
console.log(r.stats);
for (const e of r.refused) console.log("REFUSED", e.file.replace("/work/shared/fixtures/sigmahq/",""), e.line, e.message);
const codes = new Map<string, number>();
for (const w of r.warnings) codes.set(w.code, (codes.get(w.code) ?? 0) + 1);
console.log(codes);
