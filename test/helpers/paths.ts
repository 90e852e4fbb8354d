import * as path from 'node:path';

/** Tests run compiled from test/out/<dir>/, so the repository root is three folders up. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
