import { parseAllDocuments } from "yaml";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
const files=[];
function walk(p){ for (const n of readdirSync(p)) { const q=join(p,n); if (statSync(q).isDirectory()) walk(q); else if (n.endsWith('.yml')) files.push(q);} }
walk('/work/shared/fixtures/sigmahq');
const texts = files.map(f=>readFileSync(f,'utf8'));
const realEnv = process.env; process.env = { ...realEnv };
for (let pass=0; pass<3; pass++) {
let t0=performance.now();
for (const src of texts) { const docs=parseAllDocuments(src,{prettyErrors:false}); }
console.log('parse', performance.now()-t0);
}
