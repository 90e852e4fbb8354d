import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { RESULTS_ENV, type SuiteResults, type TestResult } from './results';
import { skipReasonOf } from './skip';

/**
 * Entry point that VS Code calls (the `extensionTestsPath` of the launch). Runs every compiled
 * `*.test.js` under this folder with mocha and writes the results file named by
 * IMAGE_MANIFEST_TEST_RESULTS. Rejects when a test failed, which is how the Electron launcher
 * learns the outcome; the browser launcher reads the results file instead.
 */
export async function run(): Promise<void> {
  const started = Date.now();
  const tests: TestResult[] = [];
  try {
    const mocha = new Mocha({
      ui: 'tdd',
      color: false,
      // The first test waits for the language server to start, which is slow on a cold machine.
      timeout: 90_000,
    });
    const grep = process.env['IMAGE_MANIFEST_TEST_GREP'];
    if (grep) mocha.grep(grep);
    for (const file of findTestFiles(__dirname)) mocha.addFile(file);

    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => tests.push(resultOf(test, 'passed')));
      runner.on('fail', (test, error: unknown) => {
        // Hook failures ("before all" …) come through here too, with the hook as `test`.
        tests.push({ ...resultOf(test, 'failed'), error: describeError(error) });
      });
      runner.on('pending', (test) => {
        const skipReason = skipReasonOf(test);
        tests.push(skipReason ? { ...resultOf(test, 'pending'), skipReason } : resultOf(test, 'pending'));
      });
    });
  } catch (error) {
    // Loading a test file threw: report it as a failed test rather than leaving the launcher to
    // time out with no explanation.
    tests.push({ title: 'load the suite', fullTitle: 'load the suite', state: 'failed', error: describeError(error) });
  }

  const results: SuiteResults = {
    vscodeVersion: vscode.version,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    durationMs: Date.now() - started,
    tests,
  };
  writeResults(results);
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed`);
}

function findTestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

function resultOf(test: Mocha.Runnable, state: TestResult['state']): TestResult {
  const result: TestResult = { title: test.title, fullTitle: test.fullTitle(), state };
  return test.duration === undefined ? result : { ...result, durationMs: test.duration };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function writeResults(results: SuiteResults): void {
  const target = process.env[RESULTS_ENV];
  if (!target) {
    console.warn(`${RESULTS_ENV} is not set; results are not written (${results.passed} passed, ${results.failed} failed).`);
    return;
  }
  // Write then rename, so a launcher polling for the file never reads half of it.
  const partial = `${target}.partial`;
  fs.writeFileSync(partial, JSON.stringify(results, null, 2));
  fs.renameSync(partial, target);
}
