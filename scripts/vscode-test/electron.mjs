#!/usr/bin/env node
// Runs the in-editor suite (test/vscode) in VS Code downloaded by @vscode/test-electron: the usual
// way on machines that can reach Microsoft's update service (contributors, public CI). Same suite
// and same results file as the offline launcher.
//
//   node scripts/vscode-test/electron.mjs                 latest stable VS Code
//   IMAGE_MANIFEST_VSCODE_VERSION=1.91.0 node …           another version (e.g. the minimum in engines)
//
// On Linux without a display run it under xvfb-run.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENV, checkBuilt, copyWorkspace, fail, formatResults, log, makeTempDir, repoRoot, suiteIndex } from './common.mjs';
import { startTestRegistry } from './registry.mjs';

async function main() {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
  checkBuilt({ needBundle: true });
  const { runTests } = await import('@vscode/test-electron');
  const tmp = makeTempDir();
  // VS Code opened this way trusts the folder, so the registry suite runs here too.
  const registry = await startTestRegistry({ trusted: true });
  try {
    const workspace = copyWorkspace(path.join(tmp, 'workspace'));
    const resultsFile = path.join(tmp, 'results.json');
    try {
      await runTests({
        version: process.env.IMAGE_MANIFEST_VSCODE_VERSION || 'stable',
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: suiteIndex,
        extensionTestsEnv: { [ENV.results]: resultsFile, [ENV.extensionRoot]: repoRoot, ...registry.env },
        launchArgs: [
          workspace,
          // Only the extension under development: a user's extensions must not change results.
          '--disable-extensions',
          '--user-data-dir', path.join(tmp, 'ud'),
          '--extensions-dir', path.join(tmp, 'ext'),
          '--skip-welcome',
          '--skip-release-notes',
        ],
      });
    } catch (error) {
      // runTests rejects when the suite failed; the results file says which tests did.
      if (!fs.existsSync(resultsFile)) throw fail(`VS Code ended without test results: ${error?.message ?? error}`);
    }
    if (!fs.existsSync(resultsFile)) throw fail('VS Code ended without test results');
    return formatResults(resultsFile);
  } finally {
    await registry.stop();
    if (values.keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  ({ exitCode, text }) => {
    process.stdout.write(text);
    process.exit(exitCode);
  },
  (error) => {
    log(error.expected ? error.message : error.stack);
    process.exit(1);
  },
);
