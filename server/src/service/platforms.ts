/** The one table of platform values (Go's GOOS/GOARCH and the variants the specs list). */

export const KNOWN_OS: readonly string[] = [
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl',
  'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
];

export const KNOWN_ARCHITECTURES: readonly string[] = [
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64',
  'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x',
  'sparc', 'sparc64', 'wasm',
];

const ARM64_VARIANTS = ['v8', 'v8.1', 'v8.2', 'v8.3', 'v8.4', 'v8.5', 'v8.6', 'v8.7', 'v8.8', 'v8.9', 'v9', 'v9.1', 'v9.2', 'v9.3', 'v9.4', 'v9.5'];

export const VARIANTS_BY_ARCHITECTURE: Readonly<Record<string, readonly string[]>> = {
  arm: ['v5', 'v6', 'v7', 'v8'],
  arm64: ARM64_VARIANTS,
  amd64: ['v1', 'v2', 'v3', 'v4'],
  ppc64le: ['power8', 'power9', 'power10'],
  riscv64: ['rva20u64', 'rva22u64'],
};

/** Values people type from `uname -m` or distribution names, with the platform they mean. */
export interface PlatformAlias {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
}

export const ARCHITECTURE_ALIASES: Readonly<Record<string, PlatformAlias>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  x64: { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armv7: { architecture: 'arm', variant: 'v7' },
  armv7l: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  armv6: { architecture: 'arm', variant: 'v6' },
  armv6l: { architecture: 'arm', variant: 'v6' },
  armv5: { architecture: 'arm', variant: 'v5' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
  x86: { architecture: '386' },
  ppc64el: { architecture: 'ppc64le' },
};

export const OS_ALIASES: Readonly<Record<string, string>> = {
  macos: 'darwin',
  osx: 'darwin',
  macosx: 'darwin',
  win: 'windows',
  win32: 'windows',
  Linux: 'linux',
  Windows: 'windows',
};

/** Variant spellings that carry the architecture name (`armv8`) or no `v` (`8`). */
export function suggestVariant(architecture: string, variant: string): string | undefined {
  const known = VARIANTS_BY_ARCHITECTURE[architecture];
  if (!known) return undefined;
  const lower = variant.toLowerCase();
  const candidates = [lower, lower.replace(/^(arm|aarch|armv|arm64)/, ''), 'v' + lower.replace(/^(armv|arm|aarch64v?|v)/, '')];
  for (const candidate of candidates) {
    const normalised = candidate.startsWith('v') || architecture === 'ppc64le' || architecture === 'riscv64' ? candidate : 'v' + candidate;
    if (known.includes(normalised)) return normalised;
  }
  return undefined;
}

/** BuildKit marks attestation manifests (and their configs) with this platform. */
export const UNKNOWN_PLATFORM_VALUE = 'unknown';
