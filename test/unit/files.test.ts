/**
 * Hostile files in an OCI image layout: blobs that are FIFOs, devices, directories, unreadable,
 * growing while read or symlinks out of the layout, and digests that try path traversal. Nothing
 * may hang, and nothing outside the layout root may ever be opened: every call that opens a path
 * is recorded by a spy on `fs` and checked against the layout's real path.
 */
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument, validateDocument } from 'image-manifest-language-server';
import { FileSystemBlobStore, findLayoutRoot, forgetLayoutCaches, layoutContextFor } from 'image-manifest-language-server/out/layout/fs-blob-store';
import { BlobChangedError, hashFile } from 'image-manifest-language-server/out/layout/blob-analysis';
import { REPO_ROOT } from '../helpers/paths';
// The module object itself (not a namespace copy): patching it is seen by every importer.
import nodeFs = require('node:fs');

const POSIX = process.platform !== 'win32';
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Where the service finds the schemas it ships (the repository's, in a checkout). */
const OWN_SCHEMAS = fs.realpathSync(path.join(REPO_ROOT, 'schemas'));

const hex = (c: string) => c.repeat(64);
const sha = (c: string) => `sha256:${hex(c)}`;

/** The blobs of the hostile layout, each under its own digest. */
const BLOB = {
  good: sha('0'),
  fifo: sha('1'),
  devSymlink: sha('2'),
  device: sha('3'),
  directory: sha('4'),
  unreadable: sha('5'),
  outsideSymlink: sha('6'),
  loop: sha('7'),
  growing: sha('8'),
  relativeOut: sha('9'),
  empty: sha('a'),
} as const;

const GOOD_CONFIG = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });

const TRAVERSALS = [
  'sha256:../../etc/passwd',
  'sha256:../../../../../../../../etc/passwd',
  'sha256:/etc/passwd',
  '/etc/passwd',
  '../../etc:passwd',
  '..:..',
  'sha256:..',
  'sha256:.',
  'sha256:',
  ':',
  '',
  'sha256:%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'sha256:%2E%2E/etc/passwd',
  'sha256:..%2f..%2fetc%2fpasswd',
  'sha256:..\\..\\etc\\passwd',
  'sha256:\\etc\\passwd',
  'sha256:C:\\Windows\\win.ini',
  'sha256:a/../../../etc/passwd',
  'sha256:aaaa\u0000/../../etc/passwd',
  'sha256:aaaa\n../../etc/passwd',
  '../blobs:x',
  'sha256/../../..:passwd',
  '..%2f..%2f:passwd',
  'sha256:~/.ssh/id_rsa',
  'sha256:' + 'a'.repeat(64) + '/../../../../etc/passwd',
  'file:///etc/passwd',
  'sha256:\u2024\u2024/etc/passwd',
  'sha256:%00',
];

interface Opened {
  readonly call: string;
  readonly target: string;
}

/** Records every path that `fs` is asked to open or read, whatever module asks. */
class OpenSpy {
  readonly opened: Opened[] = [];
  private readonly restores: Array<() => void> = [];

  install(): void {
    const record = (call: string, target: unknown) => {
      if (typeof target === 'string' || Buffer.isBuffer(target) || target instanceof URL) {
        const text = target instanceof URL ? target.pathname : target.toString();
        this.opened.push({ call, target: path.resolve(text) });
      }
    };
    const wrap = <K extends string>(owner: Record<K, unknown>, name: K, call: string) => {
      const original = owner[name] as (...args: unknown[]) => unknown;
      owner[name] = function (this: unknown, ...args: unknown[]) {
        record(call, args[0]);
        return original.apply(this, args);
      } as unknown as (typeof owner)[K];
      this.restores.push(() => {
        owner[name] = original as (typeof owner)[K];
      });
    };
    const mutableFs = nodeFs as unknown as Record<string, unknown>;
    for (const name of ['openSync', 'readFileSync', 'open', 'readFile', 'createReadStream', 'opendirSync', 'readdirSync', 'copyFileSync']) {
      wrap(mutableFs, name, `fs.${name}`);
    }
    const promises = nodeFs.promises as unknown as Record<string, unknown>;
    for (const name of ['open', 'readFile', 'opendir', 'readdir']) wrap(promises, name, `fs.promises.${name}`);
  }

  restore(): void {
    while (this.restores.length) this.restores.pop()!();
  }

  /** Where each opened path really leads (symlinks resolved), when it exists. */
  realTargets(): Array<Opened & { real: string }> {
    return this.opened.map((entry) => {
      let real = entry.target;
      try {
        real = fs.realpathSync(entry.target);
      } catch {
        // A path that does not exist opens nothing.
      }
      return { ...entry, real };
    });
  }

  /** Every opened path leads into `root`, or to the service's own JSON schemas (loaded lazily). */
  assertInside(root: string): void {
    const realRoot = fs.realpathSync(root);
    const own = (real: string) => path.dirname(real) === OWN_SCHEMAS && real.endsWith('.schema.json');
    const outside = this.realTargets().filter(({ real }) => real !== realRoot && !real.startsWith(realRoot + path.sep) && !own(real));
    assert.deepEqual(outside, [], `opened outside the layout root ${realRoot}`);
  }

  assertNeverOpened(file: string): void {
    const hits = this.opened.filter((entry) => entry.target === path.resolve(file));
    assert.deepEqual(hits, [], `${file} must never be opened`);
  }
}

interface HostileLayout {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  readonly secret: string;
  readonly blobFile: (digest: string) => string;
}

function makeLayout(): HostileLayout {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'image-manifest-files-'));
  // Readable by the unprivileged user the permission test runs as.
  fs.chmodSync(base, 0o755);
  const root = path.join(base, 'layout');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
  fs.mkdirSync(outside);
  const secret = path.join(outside, 'secret.json');
  fs.writeFileSync(secret, JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_TYPE, secret: true }));
  fs.writeFileSync(path.join(base, 'passwd'), 'root:x:0:0');
  fs.writeFileSync(path.join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const blobFile = (digest: string) => path.join(root, 'blobs', ...digest.split(':'));

  fs.writeFileSync(blobFile(BLOB.good), GOOD_CONFIG);
  fs.writeFileSync(blobFile(BLOB.growing), GOOD_CONFIG);
  fs.writeFileSync(blobFile(BLOB.empty), '');
  fs.mkdirSync(blobFile(BLOB.directory));
  fs.writeFileSync(blobFile(BLOB.unreadable), GOOD_CONFIG, { mode: 0o000 });
  fs.chmodSync(blobFile(BLOB.unreadable), 0o000);
  if (POSIX) {
    execFileSync('mkfifo', [blobFile(BLOB.fifo)]);
    fs.symlinkSync('/dev/zero', blobFile(BLOB.devSymlink));
    if (IS_ROOT) {
      // A character device node inside the layout (the same device as /dev/zero: 1,5).
      const made = spawnSync('mknod', [blobFile(BLOB.device), 'c', '1', '5']);
      if (made.status !== 0) fs.symlinkSync('/dev/null', blobFile(BLOB.device));
    } else {
      fs.symlinkSync('/dev/null', blobFile(BLOB.device));
    }
    fs.symlinkSync(secret, blobFile(BLOB.outsideSymlink));
    fs.symlinkSync(path.join('..', '..', '..', 'outside', 'secret.json'), blobFile(BLOB.relativeOut));
    fs.symlinkSync(hex('7'), blobFile(BLOB.loop));
    // A whole algorithm directory that leads out of the layout.
    fs.symlinkSync(outside, path.join(root, 'blobs', 'sha512'));
  }

  const descriptor = (digest: string, mediaType = CONFIG_TYPE, size = GOOD_CONFIG.length) => ({ mediaType, digest, size });
  const hostile = [...Object.values(BLOB), `sha512:${'f'.repeat(128)}`];
  fs.writeFileSync(
    path.join(root, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [...hostile, ...TRAVERSALS].map((digest) => descriptor(digest, MANIFEST_TYPE)),
    }),
  );
  fs.writeFileSync(
    path.join(root, 'manifest.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: descriptor(BLOB.fifo),
      layers: [...hostile, ...TRAVERSALS].map((digest) => descriptor(digest, LAYER_TYPE)),
    }),
  );
  return { base, root, outside, secret, blobFile };
}

const layouts: HostileLayout[] = [];
after(() => {
  for (const layout of layouts) fs.rmSync(layout.base, { recursive: true, force: true });
});

describe('layout blobs that are not regular files inside the layout', { skip: !POSIX && 'needs FIFOs and symlinks' }, () => {
  let layout: HostileLayout;
  let spy: OpenSpy;

  beforeEach(() => {
    layout = makeLayout();
    layouts.push(layout);
    forgetLayoutCaches(layout.base);
    spy = new OpenSpy();
    spy.install();
  });

  afterEach(() => spy.restore());

  test('a regular blob is read (the spy sees it, inside the layout)', () => {
    const store = new FileSystemBlobStore(layout.root);
    assert.equal(store.readText(BLOB.good, 1 << 20), GOOD_CONFIG);
    assert.deepEqual(store.stat(BLOB.good), { size: GOOD_CONFIG.length });
    assert.equal(Buffer.from(store.head(BLOB.good, 4)!).toString(), GOOD_CONFIG.slice(0, 4));
    assert.ok(spy.opened.some((entry) => entry.target === layout.blobFile(BLOB.good)), 'the spy records opens');
    spy.assertInside(layout.root);
  });

  for (const [name, digest] of Object.entries(BLOB)) {
    if (name === 'good' || name === 'growing' || name === 'empty') continue;
    if (name === 'unreadable' && IS_ROOT) continue; // root reads anything; covered below as another user
    test(`${name}: no text, no size, no head, nothing opened outside, no hang`, () => {
      const store = new FileSystemBlobStore(layout.root);
      assert.equal(store.readText(digest, 1 << 20), undefined);
      assert.equal(store.head(digest, 512), undefined);
      const stat = store.stat(digest);
      assert.ok(stat === undefined || (name === 'loop' && stat === undefined), `stat: ${JSON.stringify(stat)}`);
      spy.assertInside(layout.root);
      if (name === 'fifo' || name === 'device' || name === 'directory') spy.assertNeverOpened(layout.blobFile(digest));
      spy.assertNeverOpened(layout.secret);
      spy.assertNeverOpened('/dev/zero');
    });
  }

  test('an empty blob reads as the empty string', () => {
    const store = new FileSystemBlobStore(layout.root);
    assert.equal(store.readText(BLOB.empty, 100), '');
    spy.assertInside(layout.root);
  });

  test('a blob that grows while it is read is never read past the limit', () => {
    const store = new FileSystemBlobStore(layout.root);
    const file = layout.blobFile(BLOB.growing);
    const limit = 4096;
    // Grow the file right after the store has judged its size, whichever stat it uses.
    const mutableFs = nodeFs as unknown as Record<string, (...args: unknown[]) => unknown>;
    const originals = { statSync: mutableFs.statSync, fstatSync: mutableFs.fstatSync };
    let grown = 0;
    const grow = (result: unknown) => {
      if (grown++ < 4) fs.appendFileSync(file, ' '.repeat(1 << 20));
      return result;
    };
    mutableFs.statSync = function (this: unknown, ...args: unknown[]) {
      const result = originals.statSync.apply(this, args);
      return args[0] === file || (typeof args[0] === 'string' && fs.realpathSync(args[0] as string) === fs.realpathSync(file)) ? grow(result) : result;
    };
    mutableFs.fstatSync = function (this: unknown, ...args: unknown[]) {
      return grow(originals.fstatSync.apply(this, args));
    };
    let text: string | undefined;
    try {
      text = store.readText(BLOB.growing, limit);
    } finally {
      Object.assign(mutableFs, originals);
    }
    assert.ok(grown > 0, 'the file grew during the read');
    assert.ok(text === undefined || Buffer.byteLength(text) <= limit, `read ${text?.length} characters past the ${limit}-byte limit`);
    spy.assertInside(layout.root);
  });

  test('a blob that keeps growing while it is hashed: hashing stops at the size it judged, and says the blob changed', () => {
    const file = layout.blobFile(BLOB.growing);
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
    fs.writeFileSync(file, content);
    forgetLayoutCaches(layout.root);
    const store = new FileSystemBlobStore(layout.root, { verifyDigests: 'always' });
    assert.ok(store.digestStatus, 'the store verifies digests');
    // A writer that appends a chunk after every read (as a copy still in progress would), bounded
    // here so that an implementation that reads to the end still finishes the test.
    const mutableFs = nodeFs as unknown as Record<string, (...args: unknown[]) => unknown>;
    const readSync = mutableFs.readSync;
    const target = fs.realpathSync(file);
    let reads = 0;
    let appended = 0;
    const fds = new Set<number>();
    const openSync = mutableFs.openSync;
    mutableFs.openSync = function (this: unknown, ...args: unknown[]) {
      const fd = openSync.apply(this, args) as number;
      if (typeof args[0] === 'string' && fs.realpathSync(args[0]) === target) fds.add(fd);
      return fd;
    };
    mutableFs.readSync = function (this: unknown, ...args: unknown[]) {
      const n = readSync.apply(this, args);
      if (fds.has(args[0] as number)) {
        reads++;
        if (appended < 64) {
          fs.appendFileSync(file, Buffer.alloc(1024 * 1024, 'y'));
          appended++;
        }
      }
      return n;
    };
    let status: ReturnType<NonNullable<typeof store.digestStatus>>;
    try {
      status = store.digestStatus(BLOB.growing);
    } finally {
      mutableFs.readSync = readSync;
      mutableFs.openSync = openSync;
    }
    assert.ok(reads > 0, 'the blob was hashed');
    assert.ok(reads <= Math.ceil(content.length / (1024 * 1024)) + 1, `${reads} reads for a ${content.length}-byte blob: hashing went on past the size it judged (${appended} MiB appended meanwhile)`);
    assert.equal(status.state, 'unknown', `a blob that changed while hashed is neither verified nor a mismatch: ${JSON.stringify(status)}`);
    spy.assertInside(layout.root);
  });

  test('the background hash of a blob that grows meanwhile fails as changed instead of hashing the new bytes', async () => {
    const file = layout.blobFile(BLOB.growing);
    fs.writeFileSync(file, Buffer.alloc(4 * 1024 * 1024 + 3, 'x'));
    let appended = 0;
    const hashing = hashFile(file, 'sha256', undefined, () => {
      // Called as chunks arrive: the writer is still at work.
      if (appended++ < 8) fs.appendFileSync(file, Buffer.alloc(1024 * 1024, 'y'));
    });
    await assert.rejects(hashing, (error: Error) => error instanceof BlobChangedError, 'a changed blob has no digest');
    assert.ok(appended > 0);
  });

  test('a blob swapped for a FIFO or a symlink out between the check and the read: no hang, no read', () => {
    // In a child process: a read that blocks on a FIFO cannot be interrupted in-process.
    for (const swap of ['fifo', 'symlink']) {
      const file = layout.blobFile(BLOB.growing);
      fs.rmSync(file, { force: true });
      fs.writeFileSync(file, GOOD_CONFIG);
      const script = `
        const fs = require('node:fs');
        const { execFileSync } = require('node:child_process');
        const { FileSystemBlobStore } = require('image-manifest-language-server/out/layout/fs-blob-store');
        const file = ${JSON.stringify(file)};
        const statSync = fs.statSync;
        let swapped = false;
        fs.statSync = function (...args) {
          const result = statSync.apply(this, args);
          if (!swapped && String(args[0]) === fs.realpathSync(file)) {
            swapped = true;
            fs.rmSync(file);
            if (${JSON.stringify(swap)} === 'fifo') execFileSync('mkfifo', [file]);
            else fs.symlinkSync(${JSON.stringify(layout.secret)}, file);
          }
          return result;
        };
        const store = new FileSystemBlobStore(${JSON.stringify(layout.root)});
        const text = store.readText(${JSON.stringify(BLOB.growing)}, 1 << 20);
        process.stdout.write(JSON.stringify({ swapped, text: text ?? null }));
      `;
      const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.error, undefined, `${swap}: the read hung (killed after 10 s)`);
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout) as { swapped: boolean; text: string | null };
      assert.ok(result.swapped, `${swap}: the swap happened`);
      assert.equal(result.text, null, `${swap}: nothing read after the swap`);
    }
  });

  test('digests that try path traversal never become paths', () => {
    const store = new FileSystemBlobStore(layout.root);
    for (const digest of TRAVERSALS) {
      assert.equal(store.blobPath(digest), undefined, digest);
      assert.equal(store.readText(digest, 1 << 20), undefined, digest);
      assert.equal(store.stat(digest), undefined, digest);
      assert.equal(store.head(digest, 16), undefined, digest);
    }
    assert.deepEqual(spy.opened, [], 'nothing at all is opened for a malformed digest');
  });

  test('a digest whose algorithm directory is a symlink out of the layout', () => {
    const store = new FileSystemBlobStore(layout.root);
    fs.writeFileSync(path.join(layout.outside, 'f'.repeat(128)), GOOD_CONFIG);
    const digest = `sha512:${'f'.repeat(128)}`;
    assert.equal(store.readText(digest, 1 << 20), undefined);
    assert.equal(store.head(digest, 16), undefined);
    assert.equal(store.stat(digest), undefined);
    spy.assertInside(layout.root);
  });

  test('validating the index and a manifest of the layout opens nothing outside it and ends', () => {
    for (const name of ['index.json', 'manifest.json']) {
      const file = path.join(layout.root, name);
      const text = fs.readFileSync(file, 'utf8');
      spy.opened.length = 0;
      const context = layoutContextFor(file);
      assert.ok(context.blobs, `${name} sits in the layout`);
      assert.equal(findLayoutRoot(file), layout.root);
      const started = Date.now();
      const diagnostics = validateDocument(parseDocument(text), { context });
      assert.ok(Date.now() - started < 10_000, 'no hang');
      assert.ok(Array.isArray(diagnostics));
      spy.assertInside(layout.root);
      spy.assertNeverOpened(layout.secret);
      spy.assertNeverOpened(layout.blobFile(BLOB.fifo));
      spy.assertNeverOpened(layout.blobFile(BLOB.device));
      spy.assertNeverOpened('/dev/zero');
    }
  });

  test('an oci-layout marker that is a FIFO or a symlink to a device makes no layout, and is never opened', () => {
    const dir = path.join(layout.base, 'fifo-marker');
    fs.mkdirSync(dir);
    execFileSync('mkfifo', [path.join(dir, 'oci-layout')]);
    const nested = path.join(layout.base, 'zero-marker');
    fs.mkdirSync(nested);
    fs.symlinkSync('/dev/zero', path.join(nested, 'oci-layout'));
    for (const folder of [dir, nested]) {
      const context = layoutContextFor(path.join(folder, 'index.json'));
      assert.equal(context.blobs, undefined);
      spy.assertNeverOpened(path.join(folder, 'oci-layout'));
    }
    spy.assertNeverOpened('/dev/zero');
  });
});

describe('an unreadable blob', { skip: !POSIX && 'needs POSIX permissions' }, () => {
  test('reads as undefined, even as an unprivileged user (the test drops root when it has it)', (t) => {
    const layout = makeLayout();
    layouts.push(layout);
    const script = `
      const { FileSystemBlobStore } = require('image-manifest-language-server/out/layout/fs-blob-store');
      const store = new FileSystemBlobStore(${JSON.stringify(layout.root)});
      const results = [store.readText(${JSON.stringify(BLOB.unreadable)}, 1 << 20), store.head(${JSON.stringify(BLOB.unreadable)}, 16), store.readText(${JSON.stringify(BLOB.good)}, 1 << 20)];
      process.stdout.write(JSON.stringify(results.map((r) => r === undefined ? null : Buffer.from(r).toString())));
    `;
    // As root the mode bits do not stop a read: run the check as `nobody` instead.
    const options = IS_ROOT ? { uid: 65534, gid: 65534 } : {};
    const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000, ...options });
    if (run.error && IS_ROOT) {
      t.skip(`cannot run as nobody here: ${run.error.message}`);
      return;
    }
    assert.equal(run.status, 0, run.stderr);
    const [unreadable, head, good] = JSON.parse(run.stdout) as Array<string | null>;
    if (IS_ROOT && good === null) {
      t.skip('nobody cannot read the temporary folder here');
      return;
    }
    assert.equal(unreadable, null);
    assert.equal(head, null);
    assert.equal(good, GOOD_CONFIG);
  });
});
