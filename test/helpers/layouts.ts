/**
 * OCI image layouts on disk for tests: copies of the real fixtures to damage, and small layouts
 * whose layers the real `tar` writes (so numbers can be checked against `tar -t`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from './paths';

export function sha256Of(content: string | Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function tempDir(prefix = 'im-layout-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A writable copy of `test/fixtures/real/<name>` in a new temporary folder; returns its root. */
export function copyFixtureLayout(name: string): string {
  const root = path.join(tempDir(), name);
  fs.cpSync(path.join(FIXTURES, 'real', name), root, { recursive: true });
  const makeWritable = (dir: string) => {
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) makeWritable(full);
      else fs.chmodSync(full, 0o644);
    }
  };
  makeWritable(root);
  return root;
}

export function blobFile(root: string, digest: string): string {
  return path.join(root, 'blobs', ...digest.split(':'));
}

/** Flips one byte of a file in place (XOR 0xff at `at`, counted from the end when negative). */
export function flipByte(file: string, at = -1): void {
  const bytes = fs.readFileSync(file);
  const index = at < 0 ? bytes.length + at : at;
  bytes[index] ^= 0xff;
  fs.writeFileSync(file, bytes);
}

/** The lines `tar -t` prints for an archive (it may also fail on a damaged one: the lines still count). */
export function tarList(file: string, flags: readonly string[] = ['-tzf']): string[] {
  const run = spawnSync('tar', [...flags, file], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return run.stdout.split('\n').filter((line) => line !== '');
}

export function hasTool(name: string, args: readonly string[] = ['--version']): boolean {
  return spawnSync(name, args, { stdio: 'ignore' }).status === 0;
}

export interface BuiltLayer {
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
  readonly file: string;
  /** What `tar -tzf` lists. */
  readonly listed: readonly string[];
  readonly uncompressedSize: number;
}

export interface BuiltLayout {
  readonly root: string;
  readonly indexFile: string;
  readonly manifestDigest: string;
  readonly manifestFile: string;
  readonly manifestText: string;
  readonly configDigest: string;
  readonly configFile: string;
  readonly layers: readonly BuiltLayer[];
}

const MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MT_CONFIG = 'application/vnd.oci.image.config.v1+json';
const MT_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

function writeBlob(root: string, content: string | Buffer): { digest: string; file: string; size: number } {
  const digest = sha256Of(content);
  const file = blobFile(root, digest);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return { digest, file, size: Buffer.byteLength(content) };
}

/**
 * A layout with one image whose layers are the given folders, each archived by the real
 * `tar -czf` (GNU tar: long names, links). The config's diff_ids are computed from the archives.
 */
export function buildLayout(fill: ReadonlyArray<(dir: string) => void>, options: { root?: string; pretty?: boolean } = {}): BuiltLayout {
  const root = options.root ?? path.join(tempDir(), 'layout');
  const work = tempDir('im-layer-src-');
  fs.mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
  fs.writeFileSync(path.join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const layers: BuiltLayer[] = fill.map((populate, i) => {
    const src = path.join(work, `layer-${i}`);
    fs.mkdirSync(src);
    populate(src);
    const archive = path.join(work, `layer-${i}.tar.gz`);
    execFileSync('tar', ['-czf', archive, '-C', src, '.']);
    const bytes = fs.readFileSync(archive);
    const uncompressed = gunzipSync(bytes);
    const blob = writeBlob(root, bytes);
    return { ...blob, diffId: sha256Of(uncompressed), listed: tarList(archive), uncompressedSize: uncompressed.length };
  });
  fs.rmSync(work, { recursive: true, force: true });
  const stringify = (value: unknown) => (options.pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
  const config = stringify({
    created: '2024-05-01T10:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], Entrypoint: ['/bin/app'], Cmd: ['--serve'] },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map((_, i) => ({ created: '2024-05-01T10:00:00Z', created_by: `layer ${i}` })),
  });
  const configBlob = writeBlob(root, config);
  const manifest = stringify({
    schemaVersion: 2,
    mediaType: MT_MANIFEST,
    config: { mediaType: MT_CONFIG, digest: configBlob.digest, size: configBlob.size },
    layers: layers.map((layer) => ({ mediaType: MT_LAYER, digest: layer.digest, size: layer.size })),
  });
  const manifestBlob = writeBlob(root, manifest);
  const indexFile = path.join(root, 'index.json');
  fs.writeFileSync(
    indexFile,
    stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: MT_MANIFEST,
          digest: manifestBlob.digest,
          size: manifestBlob.size,
          platform: { architecture: 'amd64', os: 'linux' },
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return {
    root,
    indexFile,
    manifestDigest: manifestBlob.digest,
    manifestFile: manifestBlob.file,
    manifestText: manifest,
    configDigest: configBlob.digest,
    configFile: configBlob.file,
    layers,
  };
}

/** A small tree: nested folders, files, a symlink, a hard link, a long name and a whiteout. */
export function sampleTree(dir: string, seed = 'a'): void {
  fs.mkdirSync(path.join(dir, 'etc', 'app'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'usr', 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'etc', 'app', 'config.toml'), `seed = "${seed}"\n`);
  fs.writeFileSync(path.join(dir, 'usr', 'bin', 'app'), Buffer.alloc(3000, seed));
  fs.symlinkSync('../usr/bin/app', path.join(dir, 'etc', 'app-link'));
  fs.linkSync(path.join(dir, 'usr', 'bin', 'app'), path.join(dir, 'usr', 'bin', 'app-hard'));
  fs.mkdirSync(path.join(dir, 'opt', 'x'.repeat(120)), { recursive: true });
  fs.writeFileSync(path.join(dir, 'opt', 'x'.repeat(120), 'y'.repeat(110)), 'long');
  fs.writeFileSync(path.join(dir, '.wh.removed'), '');
}
