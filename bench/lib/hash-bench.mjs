// Hashing throughput (issue 5): our streamed blob hash against `sha256sum` on the same generated
// file, both reading it from a warm page cache. The file is deleted afterwards.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * `hashFile` / `hashFileSync` are the exports of server/out/layout/blob-analysis.js (the server's
 * worker and the CLI). Each is run `runs` times, alternating with `sha256sum`; the medians count.
 */
export async function hashThroughput(analysis, { sizeBytes, runs, log }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'image-manifest-hash-bench-'));
  const file = path.join(dir, 'blob');
  try {
    log(`hash: writing a ${(sizeBytes / 1e6).toFixed(0)} MB file…`);
    const chunk = randomBytes(16 * 1024 * 1024);
    const fd = openSync(file, 'w');
    try {
      for (let written = 0; written < sizeBytes; ) {
        const n = Math.min(chunk.length, sizeBytes - written);
        chunk.writeUInt32LE(written >>> 0, 0); // no two chunks alike
        writeSync(fd, chunk, 0, n);
        written += n;
      }
    } finally {
      closeSync(fd);
    }
    const size = statSync(file).size;
    const sha256sum = () => {
      const t = performance.now();
      const result = spawnSync('sha256sum', [file], { encoding: 'utf8' });
      if (result.error || result.status !== 0) return { skipped: `sha256sum failed: ${result.error?.message ?? result.stderr}` };
      return { ms: performance.now() - t, hex: result.stdout.split(/\s+/)[0] };
    };
    sha256sum(); // warms the page cache for both
    const samples = { streamed: [], sync: [], sha256sum: [] };
    const hexes = new Set();
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      hexes.add(await analysis.hashFile(file, 'sha256'));
      samples.streamed.push(performance.now() - t);
      t = performance.now();
      hexes.add(analysis.hashFileSync(file, 'sha256'));
      samples.sync.push(performance.now() - t);
      const tool = sha256sum();
      if (tool.skipped) return { bytes: size, skipped: tool.skipped };
      hexes.add(tool.hex);
      samples.sha256sum.push(tool.ms);
    }
    if (hexes.size !== 1) throw new Error(`the hashes differ: ${[...hexes].join(', ')}`);
    const mbps = (values) => size / 1e6 / (median(values) / 1000);
    const result = { bytes: size, runs, digest: `sha256:${[...hexes][0]}` };
    for (const [name, values] of Object.entries(samples)) result[name] = { medianMs: median(values), mbPerSecond: mbps(values), samplesMs: values };
    result.streamedVsSha256sum = result.streamed.mbPerSecond / result.sha256sum.mbPerSecond;
    result.syncVsSha256sum = result.sync.mbPerSecond / result.sha256sum.mbPerSecond;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
