// Pieces shared by the in-editor test launchers (offline.mjs, electron.mjs). Plain Node ESM so
// it runs before anything is built.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const suiteDir = path.join(repoRoot, 'test', 'vscode');
/** Compiled mocha suite: `run()` runs the tests and writes the results file. */
export const suiteIndex = path.join(suiteDir, 'out', 'index.js');
/** Compiled scene driver for screenshots: same `run()` contract, coordinated through files. */
export const scenesIndex = path.join(suiteDir, 'out', 'scenes.js');
/** An extension with no code whose only job is to host the suite when the real one comes from a .vsix. */
export const runnerExtension = path.join(repoRoot, 'scripts', 'vscode-test', 'runner-extension');

/** Names of the environment variables the suite reads (see test/vscode/src). */
export const ENV = {
  results: 'IMAGE_MANIFEST_TEST_RESULTS',
  extensionRoot: 'IMAGE_MANIFEST_TEST_EXTENSION_ROOT',
  scenes: 'IMAGE_MANIFEST_SCENES_DIR',
  /** '1' or '0': whether the launcher opened the folder trusted; unset when it cannot tell. */
  trusted: 'IMAGE_MANIFEST_TEST_TRUSTED',
};

export function log(message) {
  process.stderr.write(`[vscode-test] ${message}\n`);
}

export function fail(message) {
  const error = new Error(message);
  error.expected = true;
  return error;
}

/** Seconds from an environment variable, or the default. */
export function secondsFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw fail(`${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`);
  return value;
}

export function makeTempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'image-manifest-vscode-'));
}

/**
 * Real fixtures the suite and the screenshots open, copied next to test/vscode/workspace's own
 * files rather than duplicated in the repository: `[from test/fixtures/real, to the workspace]`.
 */
export const WORKSPACE_FIXTURES = [
  // An OCI image layout with a 12-layer image: the manifest blob, its config and every layer.
  ['umoci-12-layers', 'umoci-12-layers'],
  // The same image (same config and layer digests) as a Docker v2s2 manifest.
  ['registry-amd64-v2s2.json', 'registry-amd64-v2s2.json'],
];

/** The fixtures are read-only in the repository; the copies must be writable and removable. */
function makeWritable(target) {
  const stat = fs.statSync(target);
  fs.chmodSync(target, stat.mode | (stat.isDirectory() ? 0o700 : 0o600));
  if (stat.isDirectory()) for (const name of fs.readdirSync(target)) makeWritable(path.join(target, name));
}

/**
 * A private copy of test/vscode/workspace plus WORKSPACE_FIXTURES: the suite writes copies of
 * fixtures and workspace settings, and none of that may land in the repository.
 */
export function copyWorkspace(target) {
  fs.cpSync(path.join(suiteDir, 'workspace'), target, { recursive: true });
  for (const [from, to] of WORKSPACE_FIXTURES) {
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'real', from), path.join(target, to), { recursive: true });
  }
  makeWritable(target);
  return target;
}

/** The extension and the suite must be built; say how instead of timing out in the editor. */
export function checkBuilt({ needBundle }) {
  const missing = [];
  if (!fs.existsSync(suiteIndex)) missing.push(`${path.relative(repoRoot, suiteIndex)} (run: npx tsc -b)`);
  if (needBundle && !fs.existsSync(path.join(repoRoot, 'dist', 'client.js'))) missing.push('dist/client.js (run: npm run bundle)');
  if (missing.length > 0) throw fail(`not built yet: ${missing.join(', ')}`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for `file` to exist. Polls because the writer is another process tree (the extension
 * host that VS Code starts); `stillAlive` lets the caller give up early when that tree died.
 */
export async function waitForFile(file, { timeoutMs, what, stillAlive = () => undefined }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(file)) return;
    const dead = stillAlive();
    if (dead) throw fail(`${dead} while waiting for ${what}`);
    if (Date.now() > deadline) throw fail(`no ${what} after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(200);
  }
}

/**
 * Formats mocha's results and picks the exit code: non-zero when a test failed or when no test
 * ran at all (a suite that silently loads nothing must not look green). The caller prints the
 * text last, after cleaning up, so that `N passed, N failed` is the closing line of the run.
 */
export function formatResults(resultsFile) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  const out = [];
  out.push(`VS Code ${results.vscodeVersion}`);
  for (const test of results.tests) {
    const mark = test.state === 'passed' ? '✓' : test.state === 'failed' ? '✗' : '-';
    const time = test.durationMs === undefined ? '' : ` (${test.durationMs} ms)`;
    out.push(`  ${mark} ${test.fullTitle}${time}`);
    if (test.error) out.push(test.error.replace(/^/gm, '      '));
    if (test.state === 'pending') out.push(`      skipped: ${test.skipReason ?? 'no reason given'}`);
  }
  const skipped = results.pending > 0 ? `, ${results.pending} skipped` : '';
  out.push(`suite time ${(results.durationMs / 1000).toFixed(1)} s`);
  out.push(`${results.passed} passed, ${results.failed} failed${skipped}`);
  let exitCode = 0;
  if (results.failed > 0) exitCode = 1;
  else if (results.passed === 0) {
    out.splice(out.length - 1, 0, 'the suite ran no test');
    exitCode = 1;
  }
  return { exitCode, text: out.join('\n') + '\n' };
}

/** The last lines of a log file, for failure reports. */
export function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** Every file under `dir` whose name matches, for pointing at VS Code's own logs. */
export function findFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => path.join(dir, name));
}
