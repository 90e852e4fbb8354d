/**
 * The one table of media types: validation, completion, hover and quick fixes all read it.
 */
export type MediaTypeRole = 'manifest' | 'index' | 'config' | 'layer' | 'artifact' | 'empty';
export type MediaTypeFamily = 'oci' | 'docker' | 'other';
export type MediaTypeStatus = 'current' | 'deprecated' | 'withdrawn' | 'prerelease';

export interface MediaTypeInfo {
  readonly mediaType: string;
  readonly role: MediaTypeRole;
  readonly family: MediaTypeFamily;
  /** For layers: the archive and its compression. */
  readonly format?: 'tar' | 'json' | 'other';
  readonly compression?: 'gzip' | 'zstd' | 'none';
  readonly status: MediaTypeStatus;
  /** The current type to use instead, for deprecated, withdrawn and prerelease names. */
  readonly replacement?: string;
  /** Non-distributable / foreign layers: registries expect `urls`. */
  readonly foreign?: boolean;
  readonly encrypted?: boolean;
  readonly href: string;
  readonly description: string;
}

const IS = 'https://github.com/opencontainers/image-spec/blob/main';
const DS = 'https://github.com/distribution/distribution/blob/main/docs/content/spec/manifest-v2-2.md';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_ARTIFACT_MANIFEST = 'application/vnd.oci.artifact.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
export const EMPTY_SIZE = 2;

function layer(
  mediaType: string,
  family: MediaTypeFamily,
  compression: 'gzip' | 'zstd' | 'none',
  description: string,
  extra: Partial<MediaTypeInfo> = {},
): MediaTypeInfo {
  return {
    mediaType,
    role: 'layer',
    family,
    format: 'tar',
    compression,
    status: 'current',
    href: family === 'docker' ? DS : `${IS}/layer.md`,
    description,
    ...extra,
  };
}

function artifact(mediaType: string, description: string, href: string, format: 'json' | 'other' = 'json'): MediaTypeInfo {
  return { mediaType, role: 'artifact', family: 'other', format, status: 'current', href, description };
}

const ENTRIES: MediaTypeInfo[] = [
  // Manifests and indexes
  { mediaType: OCI_MANIFEST, role: 'manifest', family: 'oci', format: 'json', status: 'current', href: `${IS}/manifest.md`, description: 'OCI image manifest: a config and an ordered list of layers (also used for artifacts).' },
  { mediaType: OCI_INDEX, role: 'index', family: 'oci', format: 'json', status: 'current', href: `${IS}/image-index.md`, description: 'OCI image index: a list of manifests, usually one per platform.' },
  { mediaType: DOCKER_MANIFEST, role: 'manifest', family: 'docker', format: 'json', status: 'current', href: DS, description: 'Docker image manifest, version 2 schema 2.' },
  { mediaType: DOCKER_LIST, role: 'index', family: 'docker', format: 'json', status: 'current', href: `${DS}#manifest-list`, description: 'Docker manifest list ("fat manifest"): one manifest per platform.' },
  { mediaType: DOCKER_SCHEMA1, role: 'manifest', family: 'docker', format: 'json', status: 'deprecated', replacement: DOCKER_MANIFEST, href: 'https://distribution.github.io/distribution/spec/deprecated-schema-v1/', description: 'Docker image manifest version 2 schema 1 (deprecated; refused by Docker 27+, containerd 2 and distribution 3).' },
  { mediaType: DOCKER_SCHEMA1_SIGNED, role: 'manifest', family: 'docker', format: 'json', status: 'deprecated', replacement: DOCKER_MANIFEST, href: 'https://distribution.github.io/distribution/spec/deprecated-schema-v1/', description: 'Signed Docker image manifest version 2 schema 1 (deprecated; refused by Docker 27+, containerd 2 and distribution 3).' },
  { mediaType: OCI_ARTIFACT_MANIFEST, role: 'manifest', family: 'oci', format: 'json', status: 'withdrawn', replacement: OCI_MANIFEST, href: 'https://github.com/opencontainers/image-spec/blob/v1.1.0-rc2/artifact.md', description: 'OCI artifact manifest: existed only in image-spec 1.1.0-rc1/rc2 and was removed before 1.1.0; use an image manifest with `artifactType`.' },
  // Configs
  { mediaType: OCI_CONFIG, role: 'config', family: 'oci', format: 'json', status: 'current', href: `${IS}/config.md`, description: 'OCI image configuration: platform, rootfs diff_ids, history and runtime defaults.' },
  { mediaType: DOCKER_CONFIG, role: 'config', family: 'docker', format: 'json', status: 'current', href: DS, description: 'Docker container image configuration (the JSON `docker inspect` shows as the image config).' },
  { mediaType: 'application/vnd.docker.plugin.v1+json', role: 'config', family: 'docker', format: 'json', status: 'current', href: DS, description: 'Docker plugin configuration.' },
  { mediaType: OCI_EMPTY, role: 'empty', family: 'oci', format: 'json', status: 'current', href: `${IS}/manifest.md#guidance-for-an-empty-descriptor`, description: 'The empty descriptor: the two bytes `{}`, used as the config of artifacts and as a placeholder layer.' },
  { mediaType: 'application/vnd.oci.scratch.v1+json', role: 'empty', family: 'oci', format: 'json', status: 'prerelease', replacement: OCI_EMPTY, href: 'https://github.com/opencontainers/image-spec/blob/v1.1.0-rc3/manifest.md', description: 'Release-candidate (1.1.0-rc3) name of the empty type; renamed `application/vnd.oci.empty.v1+json` in rc4.' },
  { mediaType: 'application/vnd.cncf.helm.config.v1+json', role: 'config', family: 'other', format: 'json', status: 'current', href: 'https://helm.sh/docs/topics/registries/', description: 'Helm chart metadata (Chart.yaml as JSON): a Helm chart, not a container image.' },
  { mediaType: 'application/vnd.wasm.config.v1+json', role: 'config', family: 'other', format: 'json', status: 'current', href: 'https://tag-runtime.cncf.io/wgs/wasm/deliverables/wasm-oci-artifact/', description: 'WebAssembly module configuration (CNCF Wasm OCI artifact).' },
  { mediaType: 'application/vnd.buildkit.cacheconfig.v0', role: 'config', family: 'other', format: 'json', status: 'current', href: 'https://github.com/moby/buildkit#export-cache', description: 'BuildKit build-cache configuration (a cache export, not a runnable image).' },
  { mediaType: 'application/vnd.cncf.notary.signature', role: 'artifact', family: 'other', format: 'other', status: 'current', href: 'https://github.com/notaryproject/specifications/blob/main/specs/signature-specification.md', description: 'Notation (Notary Project) signature artifact type.' },
  // OCI layers
  layer('application/vnd.oci.image.layer.v1.tar', 'oci', 'none', 'OCI image layer: an uncompressed tar changeset.'),
  layer('application/vnd.oci.image.layer.v1.tar+gzip', 'oci', 'gzip', 'OCI image layer: a gzip-compressed tar changeset.'),
  layer('application/vnd.oci.image.layer.v1.tar+zstd', 'oci', 'zstd', 'OCI image layer: a zstd-compressed tar changeset.'),
  layer('application/vnd.oci.image.layer.nondistributable.v1.tar', 'oci', 'none', 'Non-distributable OCI layer (deprecated): an uncompressed tar that registries should not store.', { status: 'deprecated', foreign: true, replacement: 'application/vnd.oci.image.layer.v1.tar' }),
  layer('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'oci', 'gzip', 'Non-distributable OCI layer (deprecated): a gzip-compressed tar that registries should not store.', { status: 'deprecated', foreign: true, replacement: 'application/vnd.oci.image.layer.v1.tar+gzip' }),
  layer('application/vnd.oci.image.layer.nondistributable.v1.tar+zstd', 'oci', 'zstd', 'Non-distributable OCI layer (deprecated): a zstd-compressed tar that registries should not store.', { status: 'deprecated', foreign: true, replacement: 'application/vnd.oci.image.layer.v1.tar+zstd' }),
  layer('application/vnd.oci.image.layer.v1.tar+encrypted', 'oci', 'none', 'Encrypted OCI layer (ocicrypt): an encrypted uncompressed tar.', { encrypted: true, href: 'https://github.com/containers/ocicrypt' }),
  layer('application/vnd.oci.image.layer.v1.tar+gzip+encrypted', 'oci', 'gzip', 'Encrypted OCI layer (ocicrypt): an encrypted gzip-compressed tar.', { encrypted: true, href: 'https://github.com/containers/ocicrypt' }),
  layer('application/vnd.oci.image.layer.v1.tar+zstd+encrypted', 'oci', 'zstd', 'Encrypted OCI layer (ocicrypt): an encrypted zstd-compressed tar.', { encrypted: true, href: 'https://github.com/containers/ocicrypt' }),
  // Docker layers
  layer(DOCKER_LAYER_GZIP, 'docker', 'gzip', 'Docker image layer: a gzip-compressed tar changeset.'),
  layer('application/vnd.docker.image.rootfs.diff.tar', 'docker', 'none', 'Docker image layer: an uncompressed tar changeset.'),
  layer('application/vnd.docker.image.rootfs.diff.tar.zstd', 'docker', 'zstd', 'Docker image layer: a zstd-compressed tar changeset.'),
  layer('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'docker', 'gzip', 'Docker foreign layer: a gzip-compressed tar fetched from `urls`, never pushed to the registry (Windows base layers).', { foreign: true }),
  layer('application/vnd.docker.image.rootfs.foreign.diff.tar', 'docker', 'none', 'Docker foreign layer: an uncompressed tar fetched from `urls`, never pushed to the registry.', { foreign: true }),
  // Artifacts
  artifact('application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'Helm chart archive (.tgz).', 'https://helm.sh/docs/topics/registries/', 'other'),
  artifact('application/vnd.cncf.helm.chart.provenance.v1.prov', 'Helm chart provenance file (signature over the chart).', 'https://helm.sh/docs/topics/provenance/', 'other'),
  artifact('application/vnd.dev.cosign.simplesigning.v1+json', 'Cosign simple-signing payload; the signature is in the layer annotation `dev.cosignproject.cosign/signature`.', 'https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md'),
  artifact('application/vnd.dev.sigstore.bundle.v0.3+json', 'Sigstore bundle (signature, certificate and transparency-log proof).', 'https://github.com/sigstore/protobuf-specs'),
  artifact('application/vnd.dsse.envelope.v1+json', 'DSSE envelope (signed in-toto attestation).', 'https://github.com/secure-systems-lab/dsse'),
  artifact('application/vnd.in-toto+json', 'in-toto attestation statement (BuildKit provenance and SBOM attestations).', 'https://github.com/in-toto/attestation'),
  artifact('application/vnd.cyclonedx+json', 'CycloneDX SBOM (JSON).', 'https://cyclonedx.org/specification/overview/'),
  artifact('application/spdx+json', 'SPDX SBOM (JSON).', 'https://spdx.dev/'),
  artifact('text/spdx', 'SPDX SBOM (tag-value text).', 'https://spdx.dev/', 'other'),
  artifact('application/jose+json', 'JWS signature envelope (Notation signatures).', 'https://github.com/notaryproject/specifications/blob/main/specs/signature-envelope-jws.md'),
  artifact('application/cose', 'COSE signature envelope (Notation signatures).', 'https://github.com/notaryproject/specifications/blob/main/specs/signature-envelope-cose.md', 'other'),
  artifact('application/vnd.wasm.content.layer.v1+wasm', 'WebAssembly module (CNCF Wasm OCI artifact layer).', 'https://tag-runtime.cncf.io/wgs/wasm/deliverables/wasm-oci-artifact/', 'other'),
];

const BY_TYPE = new Map(ENTRIES.map((entry) => [entry.mediaType, entry]));

export const MEDIA_TYPES: readonly MediaTypeInfo[] = ENTRIES;

// The last answer: descriptors in a row mostly share their type, and comparing two equal strings
// costs less than hashing a fresh one (strings from JSON.parse carry no hash yet).
let lastMediaType: string | undefined;
let lastInfo: MediaTypeInfo | undefined;

export function mediaTypeInfo(mediaType: string): MediaTypeInfo | undefined {
  if (mediaType === lastMediaType) return lastInfo;
  const info = BY_TYPE.get(mediaType);
  lastMediaType = mediaType;
  lastInfo = info;
  return info;
}

/** RFC 6838 type/subtype without parameters, as image-spec's schema pattern has it. */
export const MEDIA_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** Types whose content is an image configuration that container runtimes understand. */
export function isImageConfigType(mediaType: string): boolean {
  return mediaType === OCI_CONFIG || mediaType === DOCKER_CONFIG;
}

/** Known types that are BuildKit/cosign/Notation attestation or signature payloads. */
export function isKnownArtifactPayload(mediaType: string): boolean {
  return mediaTypeInfo(mediaType)?.role === 'artifact';
}

/**
 * The closest known media type when `mediaType` looks like a misspelling of one: a small edit
 * distance, or (with `byWords`) all but one or two of the same dot/plus separated words.
 */
export function closestKnownMediaType(
  mediaType: string,
  candidates: readonly MediaTypeInfo[] = ENTRIES,
  byWords = false,
): string | undefined {
  // Documents repeat the same few types thousands of times: remember the answers.
  let perCandidates = closestCache.get(candidates);
  if (!perCandidates) {
    perCandidates = new Map();
    closestCache.set(candidates, perCandidates);
  }
  const cacheKey = (byWords ? '1' : '0') + mediaType;
  if (perCandidates.has(cacheKey)) return perCandidates.get(cacheKey);
  if (perCandidates.size > 4096) perCandidates.clear();
  const answer = computeClosest(mediaType, candidates, byWords);
  perCandidates.set(cacheKey, answer);
  return answer;
}

const closestCache = new WeakMap<readonly MediaTypeInfo[], Map<string, string | undefined>>();

function computeClosest(mediaType: string, candidates: readonly MediaTypeInfo[], byWords: boolean): string | undefined {
  const lower = mediaType.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.status !== 'current') continue;
    const distance = editDistance(lower, candidate.mediaType, 3);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate.mediaType;
    }
  }
  if (best && bestDistance > 0 && bestDistance <= 3) return best;
  if (!byWords) return undefined;
  const words = new Set(lower.split(/[/.+]/));
  let bestScore = 0;
  best = undefined;
  for (const candidate of candidates) {
    if (candidate.status !== 'current') continue;
    const other = candidate.mediaType.split(/[/.+]/);
    const shared = other.filter((word) => words.has(word)).length;
    const score = shared / (words.size + other.length - shared);
    if (score > bestScore) {
      bestScore = score;
      best = candidate.mediaType;
    }
  }
  return bestScore >= 0.7 && best !== lower ? best : undefined;
}

/** Levenshtein distance, giving up (returning limit + 1) once every path exceeds `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}
