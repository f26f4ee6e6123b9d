/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time per function and
 * per file, so the cost grantkit adds can be found in src/ without a GUI.
 *   node --import tsx bench/profile.ts bench/profiles/<variant>.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: bench/profile.ts <file.cpuprofile> [top]');
  process.exit(1);
}
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const total = profile.samples.length;
const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const id of profile.samples) {
  const n = byId.get(id);
  if (!n) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  // Shorten paths to the part that says whose code it is.
  const where = url.replace(/^.*\/node_modules\//, 'npm:').replace(/^file:\/\/.*?\/(src|adapters|bench)\//, '$1/') || '(native)';
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + 1);
  const fileKey = where.startsWith('npm:') ? where.split('/').slice(0, where.startsWith('npm:@') ? 2 : 1).join('/') : where;
  files.set(fileKey, (files.get(fileKey) ?? 0) + 1);
}
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (self time, ${total} samples)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
};
show('functions', fns);
show('files / packages', files);
