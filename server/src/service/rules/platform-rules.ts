import type { Node } from 'jsonc-parser';
import { elements, hasMember, isObject, member, propertyNode, stringMember } from '../json-tree';
import { LazyNode } from '../lazy-tree';
import { detectTextStyle, insertPropertyEdit } from '../text-style';
import { editDistance } from '../media-types';
import {
  ARCHITECTURE_ALIASES,
  KNOWN_ARCHITECTURES,
  KNOWN_OS,
  OS_ALIASES,
  UNKNOWN_PLATFORM_VALUE,
  VARIANTS_BY_ARCHITECTURE,
  suggestVariant,
} from '../platforms';
import type { SuggestedEdit } from '../types';
import { replaceValue, show, type RuleContext } from './context';

/** os / architecture / variant / os.version of a platform object or an image config. */
export function checkPlatformValues(ctx: RuleContext, holder: Node): void {
  const osNode = member(holder, 'os');
  const architectureNode = member(holder, 'architecture');
  const variantNode = member(holder, 'variant');
  const os = osNode?.type === 'string' ? (osNode.value as string) : undefined;
  let architecture = architectureNode?.type === 'string' ? (architectureNode.value as string) : undefined;

  if (osNode && os !== undefined && !KNOWN_OS.includes(os) && os !== UNKNOWN_PLATFORM_VALUE) {
    const alias = OS_ALIASES[os] ?? OS_ALIASES[os.toLowerCase()] ?? (KNOWN_OS.includes(os.toLowerCase()) ? os.toLowerCase() : undefined);
    if (alias) {
      ctx.report('platform-alias', osNode, `${show(os)} is not how clients name the OS; use the Go name \`${alias}\`.`, [replaceValue(`Use ${alias}`, osNode, alias)]);
    } else {
      ctx.report('unknown-os', osNode, `${show(os)} is not a known operating system (Go's GOOS values: ${KNOWN_OS.join(', ')}); clients will not match it.`);
    }
  }

  if (architectureNode && architecture !== undefined && !KNOWN_ARCHITECTURES.includes(architecture) && architecture !== UNKNOWN_PLATFORM_VALUE) {
    const alias = ARCHITECTURE_ALIASES[architecture] ?? ARCHITECTURE_ALIASES[architecture.toLowerCase()];
    if (alias?.architecture) {
      const fix: SuggestedEdit = replaceValue(`Use ${alias.architecture}${alias.variant ? ` with variant ${alias.variant}` : ''}`, architectureNode, alias.architecture);
      if (alias.variant) {
        const existing = propertyNode(holder, 'variant');
        if (existing?.children?.[1]) {
          fix.additionalEdits = [{ range: { start: existing.children[1].offset, end: existing.children[1].offset + existing.children[1].length }, newText: JSON.stringify(alias.variant) }];
        } else {
          const after = hasMember(holder, 'os') ? 'os' : 'architecture';
          fix.additionalEdits = [insertPropertyEdit(ctx.doc.text, holder, 'variant', JSON.stringify(alias.variant), detectTextStyle(ctx.doc.text), after)];
        }
      }
      ctx.report('platform-alias', architectureNode, `${show(architecture)} is a common alias; clients match the Go name \`${alias.architecture}\`${alias.variant ? ` with variant \`${alias.variant}\`` : ''}.`, [fix]);
      architecture = undefined;
    } else if (KNOWN_ARCHITECTURES.includes(architecture.toLowerCase())) {
      const lower = architecture.toLowerCase();
      ctx.report('platform-alias', architectureNode, `Architectures are lowercase: \`${lower}\`.`, [replaceValue(`Use ${lower}`, architectureNode, lower)]);
      architecture = undefined;
    } else {
      ctx.report('unknown-architecture', architectureNode, `${show(architecture)} is not a known architecture (Go's GOARCH values, e.g. amd64, arm64, arm, 386, ppc64le, s390x, riscv64).`);
      architecture = undefined;
    }
  }

  // Go clients read an empty variant or os.version as absent (omitempty); nothing to match there.
  if (variantNode?.type === 'string' && variantNode.value !== '' && architecture) {
    const variant = variantNode.value as string;
    const known = VARIANTS_BY_ARCHITECTURE[architecture];
    if (!known) {
      ctx.report('unknown-variant', variantNode, `\`${architecture}\` has no listed CPU variants, so clients will not match ${show(variant)}.`);
    } else if (!known.includes(variant)) {
      const suggestion = suggestVariant(architecture, variant);
      ctx.report(
        'unknown-variant',
        variantNode,
        `${show(variant)} is not a listed \`${architecture}\` variant (${known.join(', ')})${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`,
        suggestion ? [replaceValue(`Use ${suggestion}`, variantNode, suggestion)] : undefined,
      );
    }
  }

  const osVersion = propertyNode(holder, 'os.version');
  if (osVersion && os && os !== 'windows' && osVersion.children?.[1]?.type === 'string' && osVersion.children[1].value !== '') {
    ctx.report('os-version-not-windows', osVersion.children[0], `\`os.version\` is defined for Windows builds; on ${os} its values are implementation-defined and clients do not match on it.`);
  }
}

/** Platform of each entry of an index: values, duplicates, and Windows build matching. */
export function checkIndexPlatforms(ctx: RuleContext): void {
  if (ctx.kind !== 'oci-index' && ctx.kind !== 'docker-manifest-list') return;
  const children = elements(member(ctx.root, 'manifests'));
  const seen = new Map<string, number>();
  const windowsByArchitecture = new Map<string, Node[]>();
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    const facts = child instanceof LazyNode ? rawPlatformFacts(child) : platformFacts(child);
    if (!facts) continue;
    const { os, architecture, variant, osVersion } = facts;
    if (!isQuietPlatform(os, architecture, variant, facts.hasOsVersion)) checkPlatformValues(ctx, member(child, 'platform') as Node);
    if (os === undefined || architecture === undefined || os === UNKNOWN_PLATFORM_VALUE) continue;
    // podman pushes a gzip and a zstd copy of one platform, told apart by this annotation; nydusify
    // adds a nydus copy beside the OCI one, told apart by its artifactType.
    const identity = `${os}|${architecture}|${variant ?? ''}|${osVersion ?? ''}|${facts.features}|${facts.compression ?? ''}|${facts.artifactType ?? ''}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      ctx.report('duplicate-platform', platformKey(child), `Same platform as \`manifests[${first}]\`; clients take the first matching entry, so this one is never chosen.${os === 'windows' ? ' Windows entries are told apart by `os.version`.' : ''}`);
    } else {
      seen.set(identity, index);
    }
    if (os === 'windows' && !osVersion) {
      const list = windowsByArchitecture.get(architecture) ?? [];
      list.push(platformKey(child));
      windowsByArchitecture.set(architecture, list);
    }
  }
  for (const keys of windowsByArchitecture.values()) {
    if (keys.length < 2) continue;
    for (const key of keys) {
      ctx.report('windows-os-version', key, 'A Windows entry without `os.version` cannot be matched to the host build; with several Windows entries, clients pick the first, which may not run on the host.');
    }
  }
}

/** What `checkIndexPlatforms` reads of an index entry with a `platform` object. */
interface PlatformFacts {
  os?: string;
  architecture?: string;
  variant?: string;
  osVersion?: string;
  hasOsVersion: boolean;
  /** `os.features`, sorted and joined. */
  features: string;
  compression?: string;
  /** The entry's own `artifactType` (OCI 1.1): an artifact beside an image is not its duplicate. */
  artifactType?: string;
}

/** The key of an entry's `platform` member (needed only to report on; most entries never are). */
function platformKey(child: Node): Node {
  return propertyNode(child, 'platform')?.children?.[0] as Node;
}

function platformFacts(child: Node): PlatformFacts | undefined {
  const platform = member(child, 'platform');
  if (!isObject(platform)) return undefined;
  return {
    os: stringMember(platform, 'os'),
    architecture: stringMember(platform, 'architecture'),
    variant: stringMember(platform, 'variant'),
    osVersion: stringMember(platform, 'os.version'),
    hasOsVersion: hasMember(platform, 'os.version'),
    features: elements(member(platform, 'os.features'))
      .map((feature) => String(feature.value))
      .sort()
      .join(','),
    compression: stringMember(member(child, 'annotations'), ZSTD_ANNOTATION),
    artifactType: stringMember(child, 'artifactType'),
  };
}

const ZSTD_ANNOTATION = 'io.github.containers.compression.zstd';

function ownString(raw: Record<string, unknown>, key: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function plainObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The same facts read from the parsed value, without making tree nodes. */
function rawPlatformFacts(child: LazyNode): PlatformFacts | undefined {
  const entry = plainObject(child.raw);
  const platform = entry && plainObject(ownValue(entry, 'platform'));
  if (!entry || !platform) return undefined;
  const annotations = plainObject(ownValue(entry, 'annotations'));
  return {
    os: ownString(platform, 'os'),
    architecture: ownString(platform, 'architecture'),
    variant: ownString(platform, 'variant'),
    osVersion: ownString(platform, 'os.version'),
    hasOsVersion: Object.prototype.hasOwnProperty.call(platform, 'os.version'),
    features: rawFeatures(ownValue(platform, 'os.features')),
    compression: annotations && ownString(annotations, ZSTD_ANNOTATION),
    artifactType: ownString(entry, 'artifactType'),
  };
}

/** `os.features` as the tree reads them (a container has no value), sorted and joined. */
function rawFeatures(features: unknown): string {
  if (!Array.isArray(features) || features.length === 0) return '';
  return features
    .map((feature: unknown) => String(feature !== null && typeof feature === 'object' ? undefined : feature))
    .sort()
    .join(',');
}

function ownValue(raw: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
}

const KNOWN_OS_SET: ReadonlySet<string> = new Set(KNOWN_OS);
const KNOWN_ARCHITECTURE_SET: ReadonlySet<string> = new Set(KNOWN_ARCHITECTURES);

/** Known values that checkPlatformValues would have nothing to say about. */
function isQuietPlatform(os: string | undefined, architecture: string | undefined, variant: string | undefined, hasOsVersion: boolean): boolean {
  if (os === undefined || architecture === undefined) return false;
  if (os === UNKNOWN_PLATFORM_VALUE && architecture === UNKNOWN_PLATFORM_VALUE && variant === undefined && !hasOsVersion) return true;
  if (!KNOWN_OS_SET.has(os) || !KNOWN_ARCHITECTURE_SET.has(architecture)) return false;
  if (hasOsVersion && os !== 'windows') return false;
  return variant === undefined || (VARIANTS_BY_ARCHITECTURE[architecture]?.includes(variant) ?? false);
}

/** Names close to the defined platform and descriptor fields (Docker Hub spells `os_version`). */
export function closeKeyName(key: string, known: readonly string[]): string | undefined {
  const simplified = (name: string) => name.toLowerCase().replace(/[._-]/g, '');
  for (const name of known) {
    if (key !== name && simplified(key) === simplified(name)) return name;
  }
  if (key.length < 5) return undefined;
  for (const name of known) {
    if (key !== name && editDistance(key.toLowerCase(), name.toLowerCase(), 2) <= 2) return name;
  }
  return undefined;
}
