// Writes dashboards/openapi.json, the service's OpenAPI document that `npm run gen:api` turns
// into TypeScript types, from `zhirong openapi` (the document the binary serves at
// /api/openapi.json; a test in tests/tests/serve.rs fails while the two differ). Re-run it after
// the API changes:  ZHIRONG_BIN=path/to/zhirong npm run openapi
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'openapi.json');
const bin = process.env.ZHIRONG_BIN;
if (!bin) {
  console.error('set ZHIRONG_BIN to the zhirong binary');
  process.exit(2);
}
const text = execFileSync(bin, ['openapi'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
JSON.parse(text); // refuse to write anything that is not JSON
writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
console.error(`wrote ${out}`);
