/**
 * The part of a descriptor's hover that comes from the layout the document sits in: the blob on
 * disk, whether it hashes to its digest, and what it holds — a layer's files and uncompressed size
 * and diff_id, a config's platform and command, a child manifest's platform and layers. Everything
 * comes through the `BlobStore` interface; slow answers (`pending`) are marked so the server can
 * wait a moment and ask again.
 */
import type { BlobStore, LayerSummary } from './blob-store';
import { isValidDigest } from './digest';
import { exactBytes, groupDigits, humanSize, shortDigest, sizeMarkdown, type DescriptorContext } from './document-facts';
import { member, stringMember } from './json-tree';
import { isImageConfigType, mediaTypeInfo } from './media-types';
import type { ParsedDocument } from './parse';

/** What a hover may use from the layout, and where it notes that an answer is still coming. */
export interface HoverEnvironment {
  readonly blobs?: BlobStore;
  /** Set when a part of the hover is still being computed in the background. */
  pending: boolean;
}

/** Manifests and configs are small; larger blobs are not read for a hover. */
const MAX_JSON_BLOB = 4 * 1024 * 1024;
/** Top-level names shown; the rest are counted. */
const MAX_TOP_LEVEL_SHOWN = 15;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(blobs: BlobStore, digest: string | undefined): Json | undefined {
  if (!digest || !isValidDigest(digest)) return undefined;
  const text = blobs.readText(digest, MAX_JSON_BLOB);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `blobs/sha256/0123456789ab…` */
function blobName(digest: string): string {
  const colon = digest.indexOf(':');
  const encoded = digest.slice(colon + 1);
  return `blobs/${digest.slice(0, colon)}/${encoded.length > 16 ? `${encoded.slice(0, 12)}…` : encoded}`;
}

/** The layout's facts about the blob of `descriptor`, as a markdown section; undefined outside layouts. */
export function layoutSection(parsed: ParsedDocument, descriptor: DescriptorContext, env: HoverEnvironment): string | undefined {
  const blobs = env.blobs;
  if (!blobs) return undefined;
  const digest = stringMember(descriptor.node, 'digest');
  if (!digest || !isValidDigest(digest)) return undefined;
  const stat = blobs.stat(digest);
  const title = `**In this layout** · \`${blobName(digest)}\``;
  if (stat === 'missing') return `${title}\n\n- Not in the layout (allowed: layouts may leave blobs out, e.g. foreign layers)`;
  if (stat === undefined) return `${title}\n\n- Cannot be read: not a regular file inside the layout`;

  const facts: string[] = [];
  const declared = member(descriptor.node, 'size');
  const sizeNote = declared?.type === 'number' ? (declared.value === stat.size ? ' ✓ as `size` says' : ` ✗ \`size\` says ${groupDigits(String(declared.value))}`) : '';
  facts.push(`On disk: ${sizeMarkdown(stat.size)}${sizeNote}`);
  const status = blobs.digestStatus?.(digest);
  if (status) {
    switch (status.state) {
      case 'match':
        facts.push('Digest ✓ verified: the file hashes to it');
        break;
      case 'mismatch':
        facts.push(`Digest ✗ **the file hashes to \`${status.actual ?? '?'}\`**: changed or corrupt`);
        break;
      case 'pending':
        env.pending = true;
        facts.push('Digest: being verified…');
        break;
      case 'unknown':
        facts.push(`Digest: not verified (${status.reason ?? 'unknown reason'})`);
        break;
    }
  }

  const mediaType = stringMember(descriptor.node, 'mediaType');
  const info = mediaType ? mediaTypeInfo(mediaType) : undefined;
  if (descriptor.role === 'layer' || (descriptor.role === 'blob' && info?.format === 'tar')) {
    if (!info?.encrypted) facts.push(...layerFacts(parsed, descriptor, digest, blobs, env));
  } else if (descriptor.role === 'config' && mediaType && isImageConfigType(mediaType)) {
    facts.push(...configFacts(readJson(blobs, digest)));
  } else if (descriptor.role === 'manifest' || descriptor.role === 'subject') {
    facts.push(...childFacts(readJson(blobs, digest), blobs));
  }
  return `${title}\n\n${facts.map((fact) => `- ${fact}`).join('\n')}`;
}

function layerFacts(parsed: ParsedDocument, descriptor: DescriptorContext, digest: string, blobs: BlobStore, env: HoverEnvironment): string[] {
  const answer = blobs.layerSummary?.(digest);
  if (!answer) return [];
  if (answer.state === 'pending') {
    env.pending = true;
    return ['Contents: reading the layer… (hover again in a moment)'];
  }
  if (answer.state === 'unavailable') return [`Contents: not read (${answer.reason})`];
  const summary = answer.summary;
  const facts: string[] = [];
  const compression = summary.compression === 'none' ? 'uncompressed' : `${summary.compression}-compressed`;
  const ratio = summary.uncompressedSize > 0 && summary.compression !== 'none' ? `, ${((summary.compressedSize / summary.uncompressedSize) * 100).toFixed(1)}% of it` : '';
  facts.push(`Uncompressed: **${humanSize(summary.uncompressedSize)}** (${exactBytes(summary.uncompressedSize)}${summary.complete ? '' : ' read so far'}); stored ${compression}${ratio}`);
  facts.push(`Entries: **${groupDigits(summary.entries)}** (${entryBreakdown(summary)})${summary.whiteouts ? `, ${groupDigits(summary.whiteouts)} whiteout${summary.whiteouts === 1 ? '' : 's'} (\`.wh.\`: deletions from lower layers)` : ''}`);
  if (summary.topLevel.length) {
    const shown = summary.topLevel.slice(0, MAX_TOP_LEVEL_SHOWN).map((name) => `\`${name.replace(/`/g, "'")}\``);
    const more = summary.topLevel.length - shown.length;
    facts.push(`Top level: ${shown.join(', ')}${more > 0 || summary.topLevelTruncated ? `, and ${summary.topLevelTruncated ? 'more' : `${more} more`}` : ''}`);
  }
  facts.push(diffIdFact(parsed, descriptor, summary, blobs));
  if (summary.problem) facts.push(`${summary.complete ? '⚠ ' : 'Incomplete: '}${summary.problem}`);
  return facts;
}

function entryBreakdown(summary: LayerSummary): string {
  const parts: string[] = [];
  const add = (count: number, singular: string, plural = `${singular}s`) => {
    if (count > 0) parts.push(`${groupDigits(count)} ${count === 1 ? singular : plural}`);
  };
  add(summary.files, 'file');
  add(summary.directories, 'directory', 'directories');
  add(summary.symlinks, 'symlink');
  add(summary.hardlinks, 'hard link');
  add(summary.others, 'other');
  return parts.length ? parts.join(', ') : 'empty';
}

/** The layer's diff_id against the config's `rootfs.diff_ids` at the layer's position. */
function diffIdFact(parsed: ParsedDocument, descriptor: DescriptorContext, summary: LayerSummary, blobs: BlobStore): string {
  if (!summary.diffId) return 'diff_id: not computed (the layer was not read to its end)';
  if (descriptor.role !== 'layer') return `diff_id: \`${summary.diffId}\``;
  const configDigest = stringMember(member(parsed.root, 'config'), 'digest');
  const config = readJson(blobs, configDigest);
  const rootfs = config?.['rootfs'];
  const diffIds = isRecord(rootfs) && Array.isArray(rootfs['diff_ids']) ? rootfs['diff_ids'] : undefined;
  if (!diffIds) return `diff_id: \`${summary.diffId}\` (sha256 of the uncompressed tar; the config is not in the layout to compare)`;
  const expected = diffIds[descriptor.index];
  const where = `\`rootfs.diff_ids[${descriptor.index}]\``;
  if (expected === summary.diffId) return `diff_id ✓ matches the config's ${where} (\`${shortDigest(summary.diffId)}\`)`;
  if (typeof expected !== 'string') return `diff_id: \`${summary.diffId}\`; the config has no ${where}`;
  return `diff_id ✗ **the uncompressed tar hashes to \`${summary.diffId}\`**, but the config's ${where} is \`${expected}\`: runtimes refuse to unpack the image`;
}

function configFacts(config: Json | undefined): string[] {
  if (!config) return ['Contents: not readable as a JSON config'];
  const facts: string[] = [];
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const platform = [text(config['os']), text(config['architecture']), text(config['variant'])].filter(Boolean).join('/');
  if (platform) facts.push(`Platform: \`${platform}\`${text(config['os.version']) ? ` (${text(config['os.version'])})` : ''}`);
  const created = text(config['created']);
  if (created) facts.push(`Created: ${created}`);
  const inner = isRecord(config['config']) ? config['config'] : {};
  const command = (value: unknown) => (Array.isArray(value) ? `\`${truncate(JSON.stringify(value), 100)}\`` : undefined);
  const entrypoint = command(inner['Entrypoint']);
  const cmd = command(inner['Cmd']);
  if (entrypoint) facts.push(`Entrypoint: ${entrypoint}`);
  if (cmd) facts.push(`Cmd: ${cmd}`);
  if (!entrypoint && !cmd) facts.push('No Entrypoint or Cmd: the runtime needs a command');
  const env = Array.isArray(inner['Env']) ? inner['Env'].length : 0;
  facts.push(`Env: ${env} variable${env === 1 ? '' : 's'}`);
  const user = text(inner['User']);
  if (user) facts.push(`User: \`${user}\``);
  const rootfs = config['rootfs'];
  const diffIds = isRecord(rootfs) && Array.isArray(rootfs['diff_ids']) ? rootfs['diff_ids'].length : undefined;
  if (diffIds !== undefined) facts.push(`Layers (\`rootfs.diff_ids\`): ${diffIds}`);
  const history = Array.isArray(config['history']) ? config['history'] : undefined;
  if (history) {
    const empty = history.filter((entry) => isRecord(entry) && entry['empty_layer'] === true).length;
    facts.push(`History: ${history.length} entr${history.length === 1 ? 'y' : 'ies'} (${empty} without a layer)`);
  }
  return facts;
}

function childFacts(child: Json | undefined, blobs: BlobStore): string[] {
  if (!child) return ['Contents: not readable as a JSON manifest'];
  const facts: string[] = [];
  if (Array.isArray(child['manifests'])) {
    const count = child['manifests'].length;
    facts.push(`An index of ${count} manifest${count === 1 ? '' : 's'}`);
    return facts;
  }
  const layers = Array.isArray(child['layers']) ? child['layers'] : undefined;
  if (!layers) return ['Contents: not a manifest or index'];
  let total = 0n;
  for (const layer of layers) {
    const size = isRecord(layer) ? layer['size'] : undefined;
    if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) total += BigInt(size);
  }
  const configDescriptor = isRecord(child['config']) ? child['config'] : undefined;
  const configDigest = typeof configDescriptor?.['digest'] === 'string' ? configDescriptor['digest'] : undefined;
  const configType = typeof configDescriptor?.['mediaType'] === 'string' ? configDescriptor['mediaType'] : undefined;
  if (configType === undefined || isImageConfigType(configType)) {
    const config = readJson(blobs, configDigest);
    if (config) {
      const platform = [config['os'], config['architecture'], config['variant']].filter((part) => typeof part === 'string').join('/');
      if (platform) facts.push(`Platform (from its config): \`${platform}\``);
    } else {
      facts.push('Platform: its config is not in the layout');
    }
  } else {
    facts.push(`Artifact (config \`${configType}\`)`);
  }
  facts.push(`${layers.length} layer${layers.length === 1 ? '' : 's'}, ${humanSize(total)} compressed`);
  return facts;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
