/**
 * The results file that the suite writes and the launchers read. It is the only channel between
 * the extension host (started by VS Code, not by the launcher) and the launcher, so it carries
 * everything the launcher prints.
 */
export const RESULTS_ENV = 'IMAGE_MANIFEST_TEST_RESULTS';

export type TestState = 'passed' | 'failed' | 'pending';

export interface TestResult {
  readonly title: string;
  readonly fullTitle: string;
  readonly state: TestState;
  readonly durationMs?: number;
  /** Message and stack of the failure, for `failed` only. */
  readonly error?: string;
  /** Why it was skipped, for `pending` only. */
  readonly skipReason?: string;
}

export interface SuiteResults {
  readonly vscodeVersion: string;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly tests: readonly TestResult[];
}
