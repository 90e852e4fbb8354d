/**
 * Platform rules (SPEC.md "Platform values", "Index and manifest list"; image-spec image-index.md):
 * GOOS/GOARCH values, variants, aliases, `os.version`, duplicates, near-miss field names.
 */
import {
  MT,
  dockerList,
  fakeDigest,
  imageConfig,
  json,
  ociIndex,
  platformChild,
  runRuleCases,
  runValidDocuments,
  type RuleCase,
} from '../helpers/diagnostics';

type Json = Record<string, any>;

/** An OCI index whose single entry has `platform`. */
function indexWith(...platforms: Json[]): string {
  return json({ ...ociIndex(), manifests: platforms.map((p, i) => platformChild(MT.ociManifest, `p${i}`, p)) });
}

/** A Docker list whose entries have these platforms. */
function listWith(...platforms: Json[]): string {
  return json({ ...dockerList(), manifests: platforms.map((p, i) => platformChild(MT.dockerManifest, `p${i}`, p)) });
}

const linuxAmd64 = { architecture: 'amd64', os: 'linux' };

export const CASES: RuleCase[] = [
  {
    name: 'platform without os',
    code: 'missing-property',
    severity: 'error',
    bad: indexWith({ architecture: 'amd64' }),
    good: indexWith(linuxAmd64),
    where: [{ path: '$.manifests[0].platform', text: '"platform"' }],
    message: /os/,
  },
  {
    name: 'platform without architecture',
    code: 'missing-property',
    severity: 'error',
    bad: listWith({ os: 'linux' }),
    good: listWith(linuxAmd64),
    where: [{ path: '$.manifests[0].platform', text: '"platform"' }],
    message: /architecture/,
  },
  {
    name: 'os "macos" (alias of darwin)',
    code: 'platform-alias',
    severity: 'warning',
    bad: indexWith({ architecture: 'arm64', os: 'macos' }),
    good: indexWith({ architecture: 'arm64', os: 'darwin' }),
    where: [{ path: '$.manifests[0].platform.os', text: '"macos"' }],
    fix: true,
  },
  {
    name: 'architecture "x86_64" (alias of amd64)',
    code: 'platform-alias',
    severity: 'warning',
    bad: indexWith({ architecture: 'x86_64', os: 'linux' }),
    good: indexWith(linuxAmd64),
    where: [{ path: '$.manifests[0].platform.architecture', text: '"x86_64"' }],
    fix: true,
  },
  {
    name: 'architecture "aarch64" (alias of arm64)',
    code: 'platform-alias',
    severity: 'warning',
    bad: listWith({ architecture: 'aarch64', os: 'linux' }),
    good: listWith({ architecture: 'arm64', os: 'linux' }),
    where: [{ path: '$.manifests[0].platform.architecture', text: '"aarch64"' }],
    fix: true,
  },
  {
    name: 'architecture "armhf" (arm with variant v7)',
    code: 'platform-alias',
    severity: 'warning',
    bad: indexWith({ architecture: 'armhf', os: 'linux' }),
    good: indexWith({ architecture: 'arm', os: 'linux', variant: 'v7' }),
    where: [{ path: '$.manifests[0].platform.architecture', text: '"armhf"' }],
    fix: true,
  },
  {
    name: 'architecture "armhf" with a wrong variant',
    code: 'platform-alias',
    severity: 'warning',
    bad: indexWith({ architecture: 'armhf', os: 'linux', variant: 'v6' }),
    good: indexWith({ architecture: 'arm', os: 'linux', variant: 'v7' }),
    where: [{ path: '$.manifests[0].platform.architecture', text: '"armhf"' }],
    fix: true,
  },
  {
    name: 'architecture "x86_64" in an image config',
    code: 'platform-alias',
    severity: 'warning',
    bad: json({ ...imageConfig(), architecture: 'x86_64' }),
    good: json(imageConfig()),
    where: [{ path: '$.architecture', text: '"x86_64"' }],
    fix: true,
  },
  {
    name: 'an operating system that is not a GOOS value',
    code: 'unknown-os',
    severity: 'warning',
    bad: indexWith({ architecture: 'amd64', os: 'beos' }),
    good: indexWith(linuxAmd64),
    where: [{ path: '$.manifests[0].platform.os', text: '"beos"' }],
  },
  {
    name: 'an architecture that is not a GOARCH value',
    code: 'unknown-architecture',
    severity: 'warning',
    bad: indexWith({ architecture: 'vax', os: 'linux' }),
    good: indexWith(linuxAmd64),
    where: [{ path: '$.manifests[0].platform.architecture', text: '"vax"' }],
  },
  {
    // Reported 01: `armv8` is `uname -m` speak; the variant is `v8`.
    name: 'arm64 variant "armv8"',
    code: 'unknown-variant',
    severity: 'warning',
    bad: listWith(linuxAmd64, { architecture: 'arm64', os: 'linux', variant: 'armv8' }),
    good: listWith(linuxAmd64, { architecture: 'arm64', os: 'linux', variant: 'v8' }),
    where: [{ path: '$.manifests[1].platform.variant', text: '"armv8"' }],
    fix: true,
  },
  {
    name: 'arm variant "7" without the v',
    code: 'unknown-variant',
    severity: 'warning',
    bad: indexWith({ architecture: 'arm', os: 'linux', variant: '7' }),
    good: indexWith({ architecture: 'arm', os: 'linux', variant: 'v7' }),
    where: [{ path: '$.manifests[0].platform.variant', text: '"7"' }],
    fix: true,
  },
  {
    name: 'os.version on linux',
    code: 'os-version-not-windows',
    severity: 'information',
    bad: indexWith({ architecture: 'amd64', os: 'linux', 'os.version': '5.15' }),
    good: indexWith({ architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2113' }),
    where: [{ path: '$.manifests[0].platform["os.version"]', text: ['"os.version"', '"5.15"'] }],
  },
  {
    // Reported 03: Docker Hub's web API spelling; Go clients silently drop it.
    name: 'os_version in a platform (Docker Hub spelling)',
    code: 'near-miss-property',
    severity: 'warning',
    bad: listWith({ architecture: 'amd64', os: 'windows', os_version: '10.0.17763.1098' }),
    good: listWith({ architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1098' }),
    where: [{ path: '$.manifests[0].platform.os_version', text: '"os_version"' }],
    fix: true,
  },
  {
    name: 'os_features in a platform',
    code: 'near-miss-property',
    severity: 'warning',
    bad: listWith({ architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1098', os_features: ['win32k'] }),
    good: listWith({ architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1098', 'os.features': ['win32k'] }),
    where: [{ path: '$.manifests[0].platform.os_features', text: '"os_features"' }],
    fix: true,
  },
  {
    name: 'two linux/amd64 entries',
    code: 'duplicate-platform',
    severity: 'warning',
    bad: indexWith(linuxAmd64, { architecture: 'arm64', os: 'linux' }, { ...linuxAmd64 }),
    good: indexWith(linuxAmd64, { architecture: 'arm64', os: 'linux' }, { architecture: 'amd64', os: 'linux', variant: 'v3' }),
    // The later entry is the one that is never chosen.
    where: [{ path: '$.manifests[2].platform', text: '"platform"' }],
  },
  {
    // Reported 02.
    name: 'two windows/amd64 entries without os.version',
    code: 'windows-os-version',
    severity: 'information',
    bad: listWith({ architecture: 'amd64', os: 'windows' }, { architecture: 'amd64', os: 'windows' }),
    good: listWith({ architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1098' }, { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2113' }),
    where: [
      { path: '$.manifests[0].platform', text: '"platform"' },
      { path: '$.manifests[1].platform', text: '"platform"' },
    ],
    alsoInBad: ['duplicate-platform'],
  },
];

export const VALID_PLATFORM_DOCUMENTS: Array<[string, string]> = [
  // nydusify's merged index: the nydus copy of linux/amd64 is told apart by its artifactType
  // (image-index.md: artifactType is "the IANA media type of the artifact" the entry names).
  ['an OCI image and a nydus artifact for one platform, told apart by artifactType', indexWith(linuxAmd64, { ...linuxAmd64 }).replace(
    /("platform": \{\s*"architecture": "amd64",\s*"os": "linux"\s*\})(\s*\}\s*\]\s*\}\s*)$/,
    '$1,\n      "artifactType": "application/vnd.nydus.image.manifest.v1+json"$2',
  )],
  ['Docker list with features ["sse4"] (reserved, used by Docker)', listWith({ ...linuxAmd64, features: ['sse4'] })],
  ['windows entries told apart by os.version, with os.features', listWith(
    { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1098', 'os.features': ['win32k'] },
    { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2113', 'os.features': ['win32k'] },
  )],
  ['every listed arm, arm64, amd64, ppc64le and riscv64 variant', indexWith(
    ...['v5', 'v6', 'v7', 'v8'].map((variant) => ({ architecture: 'arm', os: 'linux', variant })),
    ...['v8', 'v8.1', 'v8.2', 'v9', 'v9.1'].map((variant) => ({ architecture: 'arm64', os: 'linux', variant })),
    ...['v1', 'v2', 'v3', 'v4'].map((variant) => ({ architecture: 'amd64', os: 'linux', variant })),
    ...['power8', 'power9', 'power10'].map((variant) => ({ architecture: 'ppc64le', os: 'linux', variant })),
    ...['rva20u64', 'rva22u64'].map((variant) => ({ architecture: 'riscv64', os: 'linux', variant })),
  )],
  ['less common GOOS/GOARCH pairs', indexWith(
    { architecture: 's390x', os: 'linux' },
    { architecture: 'mips64le', os: 'linux' },
    { architecture: 'loong64', os: 'linux' },
    { architecture: 'amd64', os: 'freebsd' },
    { architecture: 'wasm', os: 'wasip1' },
    { architecture: '386', os: 'windows', 'os.version': '10.0.17763.1098' },
  )],
  ['BuildKit attestation entries: unknown/unknown with vnd.docker.reference.* annotations', json({
    ...ociIndex(),
    manifests: [
      platformChild(MT.ociManifest, 'img-amd64', linuxAmd64),
      platformChild(MT.ociManifest, 'img-arm64', { architecture: 'arm64', os: 'linux' }),
      { ...platformChild(MT.ociManifest, 'att-amd64', { architecture: 'unknown', os: 'unknown' }), annotations: { 'vnd.docker.reference.digest': fakeDigest('img-amd64'), 'vnd.docker.reference.type': 'attestation-manifest' } },
      { ...platformChild(MT.ociManifest, 'att-arm64', { architecture: 'unknown', os: 'unknown' }), annotations: { 'vnd.docker.reference.digest': fakeDigest('img-arm64'), 'vnd.docker.reference.type': 'attestation-manifest' } },
    ],
  })],
  ['an index entry without platform (not platform specific)', json({ ...ociIndex(), manifests: [{ mediaType: MT.ociManifest, digest: fakeDigest('x'), size: 1, artifactType: 'application/vnd.example.sig' }] })],
];

if (require.main === module) {
  runRuleCases(CASES);
  runValidDocuments('valid platforms get no error or warning', VALID_PLATFORM_DOCUMENTS);
}
