// Benchmark inputs: the real fixtures, and generated indexes, manifests and large documents.
// Everything generated is deterministic (a seeded PRNG and hashes of counters), so every run and
// every machine measures the same bytes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** mulberry32: small, fast, deterministic. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A unique, well-formed sha256 digest per (namespace, counter). */
export function digestOf(namespace, n) {
  return 'sha256:' + createHash('sha256').update(`${namespace}/${n}`).digest('hex');
}

const PLATFORMS = [
  { architecture: 'amd64', os: 'linux' },
  { architecture: 'arm64', os: 'linux', variant: 'v8' },
  { architecture: 'arm', os: 'linux', variant: 'v7' },
  { architecture: 'ppc64le', os: 'linux' },
  { architecture: 's390x', os: 'linux' },
  { architecture: 'riscv64', os: 'linux' },
  { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2227' },
  { architecture: '386', os: 'linux' },
];

const REFERRER_KINDS = [
  {
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    annotations: (r, i) => ({ 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1', 'org.opencontainers.image.created': created(r, i) }),
  },
  {
    artifactType: 'application/spdx+json',
    annotations: (r, i) => ({ 'org.opencontainers.image.created': created(r, i), 'org.opencontainers.image.description': `SPDX SBOM #${i}` }),
  },
  {
    artifactType: 'application/vnd.cyclonedx+json',
    annotations: (r, i) => ({ 'org.opencontainers.image.created': created(r, i) }),
  },
  {
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    annotations: (r, i) => ({ 'dev.cosignproject.cosign/signature': signature(r), 'org.opencontainers.image.created': created(r, i) }),
  },
  {
    artifactType: 'application/vnd.cncf.notary.signature',
    annotations: (r, i) => ({ 'io.cncf.notary.x509chain.thumbprint#S256': `["${digestOf('thumb', i).slice(7)}"]`, 'org.opencontainers.image.created': created(r, i) }),
  },
];

function created(r, i) {
  const day = 1 + (i % 28);
  const hour = Math.floor(r() * 24);
  const minute = Math.floor(r() * 60);
  const pad = (n) => String(n).padStart(2, '0');
  return `2024-${pad(1 + (i % 12))}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(i % 60)}Z`;
}

function signature(r) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = 'MEUCIQ';
  for (let i = 0; i < 90; i++) s += alphabet[Math.floor(r() * 64)];
  return s + '==';
}

function size(r, lo, hi) {
  return lo + Math.floor(r() * (hi - lo));
}

/**
 * An OCI index with `children` entries, shaped like a real multi-platform image with its buildkit
 * attestations, followed by the referrers a registry lists for it (signatures, SBOMs, provenance),
 * each with annotations. Every digest is unique.
 */
export function generateIndexValue(children, seed = 1) {
  const r = prng(seed);
  const manifests = [];
  const platformCount = Math.min(PLATFORMS.length, Math.max(1, Math.floor(children / 2)));
  const imageDigests = [];
  for (let i = 0; i < platformCount && manifests.length < children; i++) {
    const digest = digestOf(`image-${seed}`, i);
    imageDigests.push(digest);
    manifests.push({ mediaType: OCI_MANIFEST, digest, size: size(r, 1000, 3000), platform: { ...PLATFORMS[i] } });
  }
  for (let i = 0; i < platformCount && manifests.length < children; i++) {
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest: digestOf(`attestation-${seed}`, i),
      size: size(r, 800, 1400),
      annotations: { 'vnd.docker.reference.digest': imageDigests[i], 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  }
  for (let i = 0; manifests.length < children; i++) {
    const kind = REFERRER_KINDS[i % REFERRER_KINDS.length];
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest: digestOf(`referrer-${seed}`, i),
      size: size(r, 500, 4000),
      artifactType: kind.artifactType,
      annotations: kind.annotations(r, i),
    });
  }
  return {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests,
    annotations: {
      'org.opencontainers.image.created': '2024-05-01T12:00:00Z',
      'org.opencontainers.image.source': 'https://example.com/acme/app',
      'org.opencontainers.image.revision': 'f3a1c0de9b7e4d2a8c6b5e4f3a2b1c0d9e8f7a6b',
    },
  };
}

/** An OCI image manifest with `layers` layers (mostly gzip, some zstd) and the usual annotations. */
export function generateManifestValue(layers, seed = 1) {
  const r = prng(seed + 1000);
  const list = [];
  for (let i = 0; i < layers; i++) {
    list.push({
      mediaType: i % 7 === 6 ? OCI_LAYER_ZSTD : OCI_LAYER_GZIP,
      digest: digestOf(`layer-${seed}`, i),
      size: size(r, 32, 80_000_000),
    });
  }
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: digestOf(`config-${seed}`, 0), size: size(r, 1000, 20000) },
    layers: list,
    annotations: {
      'org.opencontainers.image.created': '2024-05-01T12:00:00Z',
      'org.opencontainers.image.base.name': 'docker.io/library/debian:bookworm-slim',
      'org.opencontainers.image.base.digest': digestOf(`base-${seed}`, 0),
    },
  };
}

/**
 * An OCI artifact manifest (as `oras push` makes) with `layers` files of vendor media types the
 * service does not know, each titled: the path where unknown media types are looked up.
 */
export function generateArtifactManifestValue(layers, seed = 1) {
  const value = generateManifestValue(layers, seed);
  const types = ['application/vnd.acme.rocket.docs.layer.v1+tar', 'application/x-wasm', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'text/plain', 'application/vnd.acme.rocket.assets.v1+zip'];
  value.artifactType = 'application/vnd.acme.rocket.config';
  value.config = { mediaType: OCI_EMPTY, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, data: 'e30=' };
  value.layers.forEach((layer, i) => {
    layer.mediaType = types[i % types.length];
    layer.annotations = { 'org.opencontainers.image.title': `rocket/file-${i}.dat` };
  });
  return value;
}

/** Editors show manifests pretty-printed; so do `oras manifest fetch --pretty` and `crane ... | jq`. */
export function pretty(value) {
  return JSON.stringify(value, null, 2) + '\n';
}

/** An index padded with children until its text is at least `bytes` long. */
export function generateIndexOfSize(bytes, seed = 1) {
  const sample = pretty(generateIndexValue(1000, seed)).length / 1000;
  let children = Math.ceil(bytes / sample);
  let text = pretty(generateIndexValue(children, seed));
  while (text.length < bytes) {
    children = Math.ceil(children * (bytes / text.length)) + 1;
    text = pretty(generateIndexValue(children, seed));
  }
  return { text, children };
}

/**
 * The benchmark's input documents. `kind` picks the official OCI schema for the JSON language
 * service baseline.
 */
export function generatedInputs({ quick }) {
  const inputs = [];
  for (const n of [10, 1000, 20000]) {
    inputs.push({ name: `index ${n.toLocaleString('en-US')} children`, id: `index-${n}`, kind: 'index', series: 'index', n, text: pretty(generateIndexValue(n)) });
  }
  for (const n of [10, 100, 2000]) {
    inputs.push({ name: `manifest ${n.toLocaleString('en-US')} layers`, id: `manifest-${n}`, kind: 'manifest', series: 'manifest', n, text: pretty(generateManifestValue(n)) });
  }
  inputs.push({ name: 'artifact 2,000 vendor layers', id: 'artifact-2000', kind: 'manifest', n: 2000, text: pretty(generateArtifactManifestValue(2000)) });
  const oneMb = generateIndexOfSize(1_000_000, 2);
  inputs.push({ name: `index 1 MB (${oneMb.children.toLocaleString('en-US')} children)`, id: 'index-1mb', kind: 'index', n: oneMb.children, text: oneMb.text });
  const fiveMb = generateIndexOfSize(5_000_000, 3);
  inputs.push({ name: `index 5 MB (${fiveMb.children.toLocaleString('en-US')} children)`, id: 'index-5mb', kind: 'index', n: fiveMb.children, text: fiveMb.text });
  if (!quick) {
    const fiftyMb = generateIndexOfSize(50_000_000, 4);
    inputs.push({ name: `index 50 MB (${fiftyMb.children.toLocaleString('en-US')} children)`, id: 'index-50mb', kind: 'index', n: fiftyMb.children, text: fiftyMb.text });
  }
  return inputs;
}

/** Every *.json file directly in test/fixtures/real and test/fixtures/reported. */
export function fixtureFiles(repoRoot) {
  const files = [];
  for (const dir of ['test/fixtures/real', 'test/fixtures/reported']) {
    const absolute = path.join(repoRoot, dir);
    for (const name of readdirSync(absolute).sort()) {
      if (name.endsWith('.json')) files.push({ name: `${dir}/${name}`, text: readFileSync(path.join(absolute, name), 'utf8') });
    }
  }
  return files;
}

/**
 * One-character edits that keep the document valid JSON: a hex digit of a digest or a non-leading
 * digit of a size, near `fraction` of the document. `k` varies the edit so every text differs.
 * Returns the offset, the replaced character and the new character.
 */
export function oneCharEdit(text, fraction, k) {
  const useSize = k % 2 === 1;
  const pattern = useSize ? /"size"\s*:\s*(\d{2,})/g : /"digest"\s*:\s*"sha256:([0-9a-f]{64})"/g;
  pattern.lastIndex = Math.floor(text.length * fraction);
  let match = pattern.exec(text);
  if (!match) {
    pattern.lastIndex = 0;
    match = pattern.exec(text);
  }
  if (!match) {
    if (useSize) return oneCharEdit(text, fraction, k + 1);
    throw new Error('no digest in the document');
  }
  const valueStart = match.index + match[0].length - match[1].length - (useSize ? 0 : 1);
  if (useSize) {
    const digits = match[1].length;
    // Never the leading digit: the number stays a number of the same length.
    const offset = valueStart + 1 + ((k >> 1) % (digits - 1));
    const old = text[offset];
    let next = String((Number(old) + 1 + (k % 9)) % 10);
    if (next === old) next = String((Number(old) + 1) % 10);
    return { offset, old, next };
  }
  const offset = valueStart + ((k >> 1) % 64);
  const hex = '0123456789abcdef';
  const old = text[offset];
  let next = hex[(hex.indexOf(old) + 1 + (k % 15)) % 16];
  if (next === old) next = hex[(hex.indexOf(old) + 1) % 16];
  return { offset, old, next };
}

export function applyEdit(text, edit) {
  return text.slice(0, edit.offset) + edit.next + text.slice(edit.offset + 1);
}
