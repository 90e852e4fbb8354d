/**
 * `image-manifest fetch` and `image-manifest push`: the registry client on the command line.
 * Exit codes: 0 ok; 1 the registry said no (unauthorized, denied, not found, rate limited, push
 * rejected), the check refused the push, a fetched or pushed digest did not match; 2 bad usage, an
 * unreadable file, a network failure or a timeout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from './args';
import { checkFile, defaultService, type FileResult, type Service } from './check';
import { visibleText } from './terminal-text';
import { describeFsError } from './discover';
import { sniff } from './read';
import { TOOL_NAME } from './tool';
import type { RegistryErrorKind, RegistryOptions } from '../registry/api';
import { digestOf, GENERIC_TYPES, RegistryClient, RegistryError } from '../registry/client';
import { HEADER_VALUE } from '../registry/http';
import { locateRegistryErrors } from '../registry/push-errors';
import { formatReference, parseReference, ReferenceSyntaxError } from '../registry/reference';
import { decodeDocument, LineIndex, type DocumentKind } from '../service';
import { DOCKER_LIST, DOCKER_MANIFEST, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, OCI_ARTIFACT_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../service/media-types';

/** Where output goes; `stdoutBytes` carries a fetched manifest unchanged. */
export interface RegistryIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutBytes?(bytes: Uint8Array): void | Promise<void>;
}

/** Kinds that are failures of the run itself (exit 2) rather than answers of the registry (exit 1). */
const RUN_FAILURES: ReadonlySet<RegistryErrorKind> = new Set(['network', 'timeout', 'insecure']);

function exitCodeOf(error: RegistryError): number {
  return RUN_FAILURES.has(error.kind) ? 2 : 1;
}

function clientOptions(command: { insecureHosts: string[]; timeoutSeconds?: number; verbose: boolean }, io: RegistryIo, extra: Partial<RegistryOptions>): RegistryOptions {
  const options: { insecureHosts: string[]; timeoutMs?: number; log?: (line: string) => void } & Partial<RegistryOptions> = { ...extra, insecureHosts: command.insecureHosts };
  if (command.timeoutSeconds !== undefined) options.timeoutMs = Math.round(command.timeoutSeconds * 1000);
  if (command.verbose) options.log = (line) => io.stderr(`${TOOL_NAME}: ${line}\n`);
  return options;
}

function parseOrReport(text: string, io: RegistryIo): ReturnType<typeof parseReference> | undefined {
  try {
    return parseReference(text);
  } catch (error) {
    if (error instanceof ReferenceSyntaxError) {
      io.stderr(`${TOOL_NAME}: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

export async function fetchCommand(command: Extract<Command, { name: 'fetch' }>, io: RegistryIo, extra: Partial<RegistryOptions> = {}): Promise<number> {
  const ref = parseOrReport(command.reference, io);
  if (!ref) return 2;
  const client = new RegistryClient(clientOptions(command, io, extra));
  let fetched;
  try {
    fetched = await client.fetchManifest(ref);
  } catch (error) {
    if (error instanceof RegistryError) {
      io.stderr(`${TOOL_NAME}: error: ${error.message}\n`);
      return exitCodeOf(error);
    }
    throw error;
  }
  if (command.output !== undefined) {
    try {
      fs.writeFileSync(command.output, fetched.bytes);
    } catch (error) {
      io.stderr(`${TOOL_NAME}: cannot write ${command.output}: ${describeFsError(error)}\n`);
      return 2;
    }
  } else if (io.stdoutBytes) {
    await io.stdoutBytes(fetched.bytes);
  } else {
    io.stdout(Buffer.from(fetched.bytes).toString('utf8'));
  }
  const generic = fetched.mediaType === undefined || GENERIC_TYPES.has(fetched.mediaType);
  const lines = [
    `${TOOL_NAME}: fetched ${formatReference(ref)}${command.output !== undefined ? ` to ${command.output}` : ''} (${fetched.bytes.byteLength.toLocaleString('en-US')} bytes)`,
    `media type: ${fetched.mediaType ?? '(none sent)'}${generic ? ' (the registry did not name the kind of manifest; the body is JSON)' : ''}`,
    `digest: ${fetched.digest}`,
  ];
  for (const problem of fetched.problems) lines.push(`warning: ${problem}`);
  // A suspicious answer is written (bytes as served) but must not pass for a clean fetch in a script.
  let code = fetched.problems.length > 0 ? 1 : 0;
  if (fetched.registryDigest === undefined) lines.push('registry digest: (no Docker-Content-Digest sent)');
  else lines.push(`registry digest: ${fetched.registryDigest} (${fetched.registryDigest === fetched.digest ? 'matches' : 'DIFFERS'})`);
  if (fetched.digestMatches === false) {
    // Each promise in its own algorithm: a sha512 reference is compared with the bytes' sha512.
    const broken = [...new Set([fetched.registryDigest, ref.digest])].flatMap((promised) => {
      if (promised === undefined) return [];
      const actual = digestOf(fetched.bytes, promised.slice(0, promised.indexOf(':')));
      return actual === promised ? [] : [`the bytes hash to ${actual ?? `(an algorithm this tool cannot compute: ${promised.slice(0, promised.indexOf(':'))})`}, not to ${promised}${promised === ref.digest ? ' (the reference)' : ' (the registry\'s Docker-Content-Digest)'}`];
    });
    lines.push(`warning: ${broken.join('; ')}: the content is not what was asked for`);
    code = 1;
  }
  io.stderr(lines.join('\n') + '\n');
  return code;
}

/** The media type a document of this kind is pushed with when it does not name one. */
export function mediaTypeForKind(kind: DocumentKind, value: unknown, artifactManifest: boolean): string | undefined {
  switch (kind) {
    case 'oci-manifest':
      return artifactManifest ? OCI_ARTIFACT_MANIFEST : OCI_MANIFEST;
    case 'oci-index':
      return OCI_INDEX;
    case 'docker-manifest':
      return DOCKER_MANIFEST;
    case 'docker-manifest-list':
      return DOCKER_LIST;
    case 'docker-schema1':
      return typeof value === 'object' && value !== null && 'signatures' in value ? DOCKER_SCHEMA1_SIGNED : DOCKER_SCHEMA1;
    default:
      return undefined;
  }
}

/** Kinds that are no manifest, in words. */
const KIND_NAMES: Partial<Record<DocumentKind, string>> = {
  'oci-config': 'an OCI image config',
  'docker-config': 'a Docker image config',
  'oci-layout': 'an oci-layout file',
  unknown: 'not recognisable as a manifest',
};

const PUSHABLE: ReadonlySet<DocumentKind> = new Set(['oci-manifest', 'oci-index', 'docker-manifest', 'docker-manifest-list', 'docker-schema1']);

export async function pushCommand(command: Extract<Command, { name: 'push' }>, io: RegistryIo, service: Service = defaultService, extra: Partial<RegistryOptions> = {}): Promise<number> {
  const ref = parseOrReport(command.reference, io);
  if (!ref) return 2;
  const absolute = path.resolve(command.file);
  // The file name on stderr: a glob may have filled it with escapes and line breaks.
  const shown = visibleText(command.file);
  let bytes: Buffer;
  try {
    const stat = fs.statSync(absolute);
    if (!stat.isFile()) {
      io.stderr(`${TOOL_NAME}: ${shown} is not a regular file\n`);
      return 2;
    }
    bytes = fs.readFileSync(absolute);
  } catch (error) {
    io.stderr(`${TOOL_NAME}: cannot read ${shown}: ${describeFsError(error)}\n`);
    return 2;
  }
  // Empty, binary, compressed or UTF-16: no JSON document at all, the same exit 2 as `check` gives.
  const unreadable = sniff(bytes.subarray(0, 4096));
  if (unreadable) {
    io.stderr(`${shown}: error: unreadable input: ${unreadable}, not a JSON document\n`);
    return 2;
  }
  const decoded = decodeDocument(bytes);
  const text = decoded.text;

  // The same check as `image-manifest check <file>`, on the very bytes that will be pushed. Not
  // `explicit`: push refuses a document it cannot recognise in one sentence of its own (below),
  // so broken JSON that is no manifest needs no json-syntax findings listed before it.
  const result: FileResult = checkFile({ absolute, display: command.file, explicit: false }, command.rules, service, () => decoded);
  if (result.status === 'failed') {
    io.stderr(`${shown}: error: ${visibleText(result.reason)}\n`);
    return 2;
  }
  const parsed = service.parseDocument(text);
  const kind = parsed.detection.kind;
  let errorCount = 0;
  if (result.status === 'checked') {
    for (const d of result.diagnostics) {
      // As in `check`'s text output: messages quote the document's keys, which may hold escapes.
      io.stderr(`${shown}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${visibleText(d.message)}\n`);
      if (d.severity === 'error') errorCount++;
    }
    if (result.omitted) io.stderr(`${shown}: note: only the first ${result.diagnostics.length.toLocaleString('en-US')} diagnostics are shown (the most severe first); ${result.omitted.toLocaleString('en-US')} more were found\n`);
  }
  const ownType = typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as { mediaType?: unknown }).mediaType : undefined;
  const mediaType = command.mediaType ?? (typeof ownType === 'string' && ownType !== '' ? ownType : mediaTypeForKind(kind, parsed.value, parsed.detection.artifactManifest === true));
  if (!PUSHABLE.has(kind)) {
    const what = result.status === 'skipped' ? result.reason : (KIND_NAMES[kind] ?? kind);
    if (!command.force || mediaType === undefined) {
      io.stderr(`${TOOL_NAME}: refusing to push ${shown} (${visibleText(what)}): only manifests and indexes can be pushed${command.force ? '; with --force, name the type with --media-type' : ''}\n`);
      return 1;
    }
    io.stderr(`${TOOL_NAME}: warning: ${shown} is not a manifest or index (${visibleText(what)}); pushing anyway (--force)\n`);
  }
  if (errorCount > 0) {
    if (!command.force) {
      io.stderr(`${TOOL_NAME}: refusing to push ${shown}: the check found ${errorCount} error${errorCount === 1 ? '' : 's'} (fix them, or push anyway with --force)\n`);
      return 1;
    }
    io.stderr(`${TOOL_NAME}: warning: pushing despite ${errorCount} error${errorCount === 1 ? '' : 's'} (--force)\n`);
  }
  if (mediaType === undefined) {
    io.stderr(`${TOOL_NAME}: cannot tell the media type of ${shown}: give it with --media-type\n`);
    return 2;
  }
  if (!HEADER_VALUE.test(mediaType)) {
    io.stderr(`${TOOL_NAME}: refusing to push ${shown}: its mediaType ${JSON.stringify(mediaType)} cannot be sent as a Content-Type (line breaks or other characters HTTP forbids); give one with --media-type\n`);
    return 1;
  }

  const client = new RegistryClient(clientOptions(command, io, extra));
  try {
    const pushed = await client.pushManifest(ref, bytes, mediaType);
    io.stderr(`${TOOL_NAME}: pushed ${shown} to ${formatReference(ref)} as ${mediaType} (${bytes.byteLength.toLocaleString('en-US')} bytes)\n`);
    let code = 0;
    if (pushed.digestMatches === false) {
      io.stderr(`${TOOL_NAME}: warning: the registry says it stored ${pushed.registryDigest}, but the bytes sent hash to ${pushed.sentDigest}: what it stored is not ${shown}\n`);
      code = 1;
    } else if (pushed.registryDigest === undefined) {
      io.stderr(`${TOOL_NAME}: note: the registry did not confirm a digest (no Docker-Content-Digest in its ${pushed.status} answer); the bytes sent hash to ${pushed.sentDigest}\n`);
    }
    io.stdout(`${pushed.digest}\n`);
    return code;
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.errors.length > 0) {
      const lines = new LineIndex(text);
      for (const located of locateRegistryErrors(text, error.errors)) {
        const where = located.range ? (() => {
          const p = lines.positionAt(located.range.start);
          return `${shown}:${p.line + 1}:${p.character + 1}`;
        })() : shown;
        io.stderr(`${where}: error: ${located.message} [${located.code}]\n`);
      }
    }
    io.stderr(`${TOOL_NAME}: error: ${error.message}\n`);
    return exitCodeOf(error);
  }
}
