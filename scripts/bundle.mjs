// Bundles the extension client and the language server into dist/ so the .vsix carries no
// node_modules (it is packaged with `vsce --no-dependencies`).
//
//   node scripts/bundle.mjs              production bundles (no source maps, minified)
//   node scripts/bundle.mjs --dev        readable bundles with source maps (for debugging)
//
// dist/server.js finds the JSON Schemas at run time by searching upward for `schemas/`, which
// resolves to the repository's (or the installed extension's) top-level schemas/ folder.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // `vscode` only exists inside the extension host.
  external: ['vscode'],
  // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow; its ESM
  // build bundles cleanly, so prefer `module` over `main` everywhere.
  mainFields: ['module', 'main'],
  sourcemap: dev ? 'linked' : false,
  minify: !dev,
  // Keep names readable in stack traces that users paste into issues.
  keepNames: true,
  logLevel: 'info',
  absWorkingDir: root,
};

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { entryPoints: ['server/src/server/main.ts'], outfile: 'dist/server.js' },
  // Hashing and layer reading run in a worker thread the server starts from this file.
  { entryPoints: ['server/src/layout/blob-worker.ts'], outfile: 'dist/blob-worker.js' },
];

try {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
} catch {
  // esbuild has already printed the errors.
  process.exitCode = 1;
}
