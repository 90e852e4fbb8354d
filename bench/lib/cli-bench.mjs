// CLI throughput: `image-manifest check --format json` on a folder of generated manifests.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DOCKER_CONFIG,
  DOCKER_LAYER,
  DOCKER_MANIFEST,
  digestOf,
  generateIndexValue,
  generateManifestValue,
  pretty,
  prng,
} from './inputs.mjs';
import { median } from './measure.mjs';

/**
 * Writes `count` documents into a new temporary folder (100 per subfolder): mostly OCI image
 * manifests with 2–15 layers, some Docker v2s2 manifests and some small OCI indexes.
 */
export function writeManifestFolder(count) {
  const root = mkdtempSync(path.join(tmpdir(), 'image-manifest-bench-'));
  const r = prng(42);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `group-${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(dir);
    const roll = r();
    let value;
    if (roll < 0.75) {
      value = generateManifestValue(2 + Math.floor(r() * 14), i + 1);
    } else if (roll < 0.9) {
      value = {
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: DOCKER_CONFIG, size: 1000 + Math.floor(r() * 9000), digest: digestOf(`cli-config-${i}`, 0) },
        layers: Array.from({ length: 1 + Math.floor(r() * 8) }, (_, j) => ({
          mediaType: DOCKER_LAYER,
          size: 100 + Math.floor(r() * 5e7),
          digest: digestOf(`cli-layer-${i}`, j),
        })),
      };
    } else {
      value = generateIndexValue(2 + Math.floor(r() * 10), i + 1);
    }
    const text = pretty(value);
    bytes += text.length;
    writeFileSync(path.join(dir, `manifest-${String(i).padStart(5, '0')}.json`), text);
  }
  return { root, count, bytes, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

function runCli(repoRoot, folder) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, 'server', 'bin', 'image-manifest.js'), 'check', '--format', 'json', folder], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    let err = '';
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 && code !== 1) return reject(new Error(`image-manifest check exited with ${code}: ${err.slice(-2000)}`));
      let files = NaN;
      let diagnostics = NaN;
      try {
        const parsed = JSON.parse(Buffer.concat(out).toString('utf8'));
        files = parsed.files.length;
        diagnostics = parsed.files.reduce((sum, f) => sum + (f.diagnostics?.length ?? 0), 0);
      } catch {
        // reported as NaN
      }
      resolve({ ms, code, files, diagnostics });
    });
  });
}

export async function cliThroughput(repoRoot, { count, runs }) {
  const folder = writeManifestFolder(count);
  const single = writeManifestFolder(1);
  try {
    // One warm-up run fills the page cache, then the timed runs.
    await runCli(repoRoot, folder.root);
    const times = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = await runCli(repoRoot, folder.root);
      times.push(last.ms);
    }
    const startup = [];
    for (let i = 0; i < Math.max(3, runs); i++) startup.push((await runCli(repoRoot, single.root)).ms);
    const ms = median(times);
    const startupMs = median(startup);
    return {
      files: count,
      bytes: folder.bytes,
      filesChecked: last.files,
      diagnostics: last.diagnostics,
      exitCode: last.code,
      runs,
      medianMs: ms,
      samplesMs: times,
      filesPerSecond: (count / ms) * 1000,
      oneFileRunMs: startupMs,
      filesPerSecondExcludingStartup: (count / Math.max(1, ms - startupMs)) * 1000,
    };
  } finally {
    folder.dispose();
    single.dispose();
  }
}
