/**
 * Digest verification on real layouts copied to a temporary folder and damaged on purpose: the
 * expected digests are computed here with node:crypto, never by the code under test. The CLI's
 * store hashes in-process; the server's answers `pending` and hashes in a worker thread.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument, validateDocument, type ManifestDiagnostic } from 'image-manifest-language-server';
import { BlobJobs } from 'image-manifest-language-server/out/layout/blob-jobs';
import { layoutContextFor, type LayoutOptions } from 'image-manifest-language-server/out/layout/fs-blob-store';
import { run } from 'image-manifest-language-server/out/cli/main';
import { blobFile, copyFixtureLayout, flipByte, sha256Of } from '../helpers/layouts';

/** umoci-12-layers: index.json → manifest → config and 12 gzip layers. */
const MANIFEST = 'sha256:954830e117f5284d19ebd54bc61b247fe9530b37b9bb4c8e193cbb501452dc11';

function manifestOf(root: string): { text: string; layers: Array<{ digest: string; size: number }> } {
  const text = fs.readFileSync(blobFile(root, MANIFEST), 'utf8');
  return { text, layers: (JSON.parse(text) as { layers: Array<{ digest: string; size: number }> }).layers };
}

function check(file: string, options: LayoutOptions, text = fs.readFileSync(file, 'utf8')): ManifestDiagnostic[] {
  return validateDocument(parseDocument(text), { context: layoutContextFor(file, options) });
}

function only(code: string, diagnostics: ManifestDiagnostic[]): ManifestDiagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

const roots: string[] = [];
function layout(): string {
  const root = copyFixtureLayout('umoci-12-layers');
  roots.push(path.dirname(root));
  return root;
}

after(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

describe('digest verification, in-process (the CLI)', () => {
  it('finds nothing wrong in the untouched layout', () => {
    const root = layout();
    const sync: LayoutOptions = { verifyDigests: 'always' };
    assert.deepEqual(only('blob-digest-mismatch', check(path.join(root, 'index.json'), sync)), []);
    assert.deepEqual(only('blob-digest-mismatch', check(blobFile(root, MANIFEST), sync)), []);
  });

  it('reports a layer with one byte flipped, at its digest, with what it hashes to now', () => {
    const root = layout();
    const { text, layers } = manifestOf(root);
    const damaged = layers[4];
    flipByte(blobFile(root, damaged.digest), 20);
    const expected = sha256Of(fs.readFileSync(blobFile(root, damaged.digest)));
    const found = only('blob-digest-mismatch', check(blobFile(root, MANIFEST), { verifyDigests: 'auto' }));
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'error');
    assert.equal(text.slice(found[0].range.start, found[0].range.end), JSON.stringify(damaged.digest));
    assert.ok(found[0].message.includes(expected), found[0].message);
    // The size is unchanged: only hashing tells.
    assert.deepEqual(only('blob-size-mismatch', check(blobFile(root, MANIFEST), { verifyDigests: 'auto' })), []);
  });

  it('reports a truncated layer twice: its size and its digest', () => {
    const root = layout();
    const { layers } = manifestOf(root);
    const file = blobFile(root, layers[0].digest);
    fs.truncateSync(file, layers[0].size - 7);
    const all = check(blobFile(root, MANIFEST), { verifyDigests: 'auto' });
    assert.equal(only('blob-size-mismatch', all).length, 1);
    assert.match(only('blob-size-mismatch', all)[0].message, new RegExp(`${layers[0].size}\\b[\\s\\S]*\\b${layers[0].size - 7}\\b`));
    assert.equal(only('blob-digest-mismatch', all).length, 1);
  });

  it('reports a blob document whose own bytes no longer hash to its name, at its start', () => {
    const root = layout();
    const file = blobFile(root, MANIFEST);
    const text = fs.readFileSync(file, 'utf8').replace('"schemaVersion":2', '"schemaVersion": 2');
    fs.writeFileSync(file, text);
    const found = only('blob-digest-mismatch', check(file, { verifyDigests: 'auto' }));
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].range, { start: 0, end: 1 });
    assert.ok(found[0].message.includes(sha256Of(text)), found[0].message);
    // index.json names the manifest: there the descriptor is wrong.
    const index = only('blob-digest-mismatch', check(path.join(root, 'index.json'), { verifyDigests: 'auto' }));
    assert.equal(index.length, 1);
  });

  it('"never" and above the "auto" limit do not hash; "always" does', () => {
    const root = layout();
    const { layers } = manifestOf(root);
    flipByte(blobFile(root, layers[1].digest));
    const file = blobFile(root, MANIFEST);
    assert.equal(only('blob-digest-mismatch', check(file, { verifyDigests: 'never' })).length, 0);
    assert.equal(only('blob-digest-mismatch', check(file, {})).length, 0, 'no policy: no verification');
    assert.equal(only('blob-digest-mismatch', check(file, { verifyDigests: 'auto', verifyMaxSize: layers[1].size - 1 })).length, 0);
    assert.equal(only('blob-digest-mismatch', check(file, { verifyDigests: 'always', verifyMaxSize: layers[1].size - 1 })).length, 1);
    assert.equal(only('blob-digest-mismatch', check(file, { verifyDigests: 'auto', verifyMaxSize: layers[1].size })).length, 1);
  });

  it('the CLI reports the damage, counts what it verified and exits 1; --verify-digests never leaves it out', () => {
    const root = layout();
    const { layers } = manifestOf(root);
    flipByte(blobFile(root, layers[2].digest), 0);
    const capture = (args: string[]) => {
      let stdout = '';
      const code = run(args, { stdout: (t) => void (stdout += t), stderr: () => undefined });
      return { code, stdout };
    };
    const damaged = capture(['check', root]);
    assert.equal(damaged.code, 1, damaged.stdout);
    assert.match(damaged.stdout, new RegExp(`blobs/sha256/${MANIFEST.slice(7)}:\\d+:\\d+: error blob-digest-mismatch: .*${sha256Of(fs.readFileSync(blobFile(root, layers[2].digest))).slice(7)}`));
    assert.match(damaged.stdout, /^\d+ layout blobs verified by digest: 1 mismatched/m);
    const skipped = capture(['check', '--verify-digests', 'never', root]);
    assert.equal(skipped.code, 0, skipped.stdout);
    assert.doesNotMatch(skipped.stdout, /blob-digest-mismatch|verified by digest/);
    const limited = capture(['check', '--verify-max-size', '1K', root]);
    assert.doesNotMatch(limited.stdout, /blob-digest-mismatch/, 'the damaged layer is larger than 1 KiB');
  });
});

describe('digest verification in the background (the server)', () => {
  for (const useWorker of [true, false]) {
    it(`answers pending, then the result from the ${useWorker ? 'worker thread' : 'in-process fallback'}, then from the cache`, async () => {
      const root = layout();
      const { layers } = manifestOf(root);
      flipByte(blobFile(root, layers[3].digest), 30);
      const jobs = new BlobJobs({ useWorker });
      try {
        const options: LayoutOptions = { verifyDigests: 'auto', jobs };
        const store = layoutContextFor(blobFile(root, MANIFEST), options).blobs!;
        const settled: string[] = [];
        jobs.onSettled((file) => settled.push(file));
        assert.equal(store.digestStatus!(layers[3].digest).state, 'pending');
        // Diagnostics that need no hash are there at once; the digest one is not yet.
        assert.deepEqual(only('blob-digest-mismatch', check(blobFile(root, MANIFEST), options)), []);
        assert.ok(await jobs.settled(20_000), 'hashing ended');
        assert.ok(settled.includes(fs.realpathSync(blobFile(root, layers[3].digest))), 'listeners heard of it');
        const status = store.digestStatus!(layers[3].digest);
        assert.equal(status.state, 'mismatch');
        assert.equal(status.actual, sha256Of(fs.readFileSync(blobFile(root, layers[3].digest))));
        assert.equal(store.digestStatus!(layers[5].digest).state, 'match');
        assert.equal(useWorker ? jobs.workersStarted > 0 : jobs.workersStarted === 0, true);

        // Cache hits: asking again starts no job.
        const started = jobs.started.hash;
        assert.equal(only('blob-digest-mismatch', check(blobFile(root, MANIFEST), options)).length, 1);
        assert.equal(jobs.started.hash, started, 'every answer came from the cache');

        // A changed file (new mtime) is hashed again.
        const file = blobFile(root, layers[3].digest);
        fs.writeFileSync(file, fs.readFileSync(file));
        fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
        assert.equal(store.digestStatus!(layers[3].digest).state, 'pending');
        await jobs.settled(20_000);
        assert.equal(jobs.started.hash, started + 1);
      } finally {
        jobs.dispose();
      }
    });
  }
});
