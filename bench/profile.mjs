#!/usr/bin/env node
// CPU profile of our validation (parse + validate + positions) on the largest inputs:
// `npm run bench:profile [-- index-20000 manifest-2000 index-50mb | FILE…] [-- --runs=5] [-- --all-rules]`.
// The V8 CPU profiler (what `node --cpu-prof` uses) runs only around the validation calls, so input
// generation stays out of it. Writes one .cpuprofile per input to a temporary folder (open them in
// Chrome DevTools or VS Code) and prints the hot spots by self and by total time.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdit, generateArtifactManifestValue, generateIndexOfSize, generateIndexValue, generateManifestValue, oneCharEdit, pretty } from './lib/inputs.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO_ROOT, 'server', 'package.json'));
const service = require('image-manifest-language-server');

const argv = process.argv.slice(2);
const runs = Number(argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 5);
const allRules = argv.includes('--all-rules');
const top = Number(argv.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 25);
const ids = argv.filter((a) => !a.startsWith('--'));

const GENERATORS = {
  'index-1000': () => pretty(generateIndexValue(1000)),
  'index-20000': () => pretty(generateIndexValue(20000)),
  'manifest-2000': () => pretty(generateManifestValue(2000)),
  'artifact-2000': () => pretty(generateArtifactManifestValue(2000)),
  'index-1mb': () => generateIndexOfSize(1_000_000, 2).text,
  'index-5mb': () => generateIndexOfSize(5_000_000, 3).text,
  'index-50mb': () => generateIndexOfSize(50_000_000, 4).text,
};
const selected = ids.length ? ids : ['index-20000', 'manifest-2000', 'index-50mb'];
for (const id of selected) {
  // Any other argument is a file to profile, e.g. one of the fixtures.
  if (!GENERATORS[id] && existsSync(id)) GENERATORS[id] = () => readFileSync(id, 'utf8');
  if (!GENERATORS[id]) {
    console.error(`unknown input ${id}; choose from ${Object.keys(GENERATORS).join(', ')} or name a file`);
    process.exit(2);
  }
}

function ours(text) {
  const parsed = service.parseDocument(text);
  const diagnostics = service.validateDocument(parsed, allRules ? { maxValidationSize: Infinity } : {});
  if (diagnostics.length > 0) {
    const lines = new service.LineIndex(text);
    for (const d of diagnostics) d.lspRange = lines.rangeAt(d.range);
  }
  return diagnostics;
}

function where(frame) {
  if (!frame.url) return '';
  let file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  if (file.startsWith(REPO_ROOT)) file = path.relative(REPO_ROOT, file);
  return `${file}:${frame.lineNumber + 1}`;
}

/** Self and total time per function from a V8 .cpuprofile. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map(profile.nodes.map((n) => [n.id, 0]));
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    self.set(profile.samples[i], self.get(profile.samples[i]) + dt);
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame)}`;
  const selfBy = new Map();
  const totalBy = new Map();
  const fileBy = new Map();
  let total = 0;
  for (const n of profile.nodes) {
    const t = self.get(n.id);
    if (!t) continue;
    total += t;
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + t);
    const file = where(n.callFrame).replace(/:\d+$/, '') || `(${n.callFrame.functionName || 'native'})`;
    fileBy.set(file, (fileBy.get(file) ?? 0) + t);
    // Total: charge every distinct function on the stack once.
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      totalBy.set(k, (totalBy.get(k) ?? 0) + t);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { total, self: sorted(selfBy), totalTime: sorted(totalBy), files: sorted(fileBy) };
}

const outDir = mkdtempSync(path.join(tmpdir(), 'image-manifest-profile-'));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

for (const id of selected) {
  const text = GENERATORS[id]();
  // Warm up so the profile shows steady state, not the first compile.
  ours(text);
  ours(applyEdit(text, oneCharEdit(text, 0.5, 1)));
  const edited = Array.from({ length: runs }, (_, k) => (k % 2 ? applyEdit(text, oneCharEdit(text, 0.5, k)) : text));
  await session.post('Profiler.start');
  const t0 = performance.now();
  let count = 0;
  for (const t of edited) count += ours(t).length;
  const wall = performance.now() - t0;
  const { profile } = await session.post('Profiler.stop');
  const file = path.join(outDir, `${path.basename(id).replace(/\.json$/, '')}${allRules ? '-all-rules' : ''}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const s = summarize(profile);
  const pct = (t) => `${((100 * t) / s.total).toFixed(1).padStart(5)}%`;
  console.log(`\n## ${id}: ${(text.length / 1e6).toFixed(text.length < 1e5 ? 4 : 1)} MB, ${runs} validations, ${(wall / runs).toFixed(0)} ms each, ${count / runs} diagnostics${allRules ? ', all rules' : ''}`);
  console.log(`profile: ${file}`);
  console.log('\nby self time:');
  for (const [k, t] of s.self.slice(0, top)) console.log(`  ${pct(t)}  ${k}`);
  console.log('\nby total time (inclusive):');
  for (const [k, t] of s.totalTime.slice(0, top)) console.log(`  ${pct(t)}  ${k}`);
  console.log('\nby file (self):');
  for (const [k, t] of s.files.slice(0, 12)) console.log(`  ${pct(t)}  ${k}`);
}
session.disconnect();
