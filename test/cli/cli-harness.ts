import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root, from test/out/cli/. */
export const REPO = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(REPO, 'server', 'bin', 'image-manifest.js');
export const REAL = path.join('test', 'fixtures', 'real');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real bin as users do; a timeout turns a hang (FIFO, device) into a failed test. */
export function runCli(args: readonly string[], cwd: string = REPO): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-manifest-cli-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A manifest cut off mid-download: the service must report `json-syntax` on it. It goes on past
 * `schemaVersion` because other JSON formats have one too, so that alone does not make a manifest.
 */
export const TRUNCATED_MANIFEST = '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": ';

export interface JsonOutput {
  files: { path: string; kind: string; diagnostics: JsonDiagnostic[]; truncated?: true }[];
}
export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
