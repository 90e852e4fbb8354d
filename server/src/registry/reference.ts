/**
 * Image references (`host[:port]/path[:tag][@digest]`) parsed with the grammar of distribution's
 * reference package and normalised the way docker normalises what users type:
 * `alpine` → docker.io/library/alpine:latest, `user/app` → docker.io/user/app:latest,
 * `index.docker.io/x` → docker.io/library/x. Written from the grammar, not ported.
 */
import type { ImageReference } from './api';

/** A reference that is not valid; the message says which part is wrong and why. */
export class ReferenceSyntaxError extends Error {
  constructor(
    message: string,
    /** The text as given. */
    readonly reference: string,
  ) {
    super(message);
    this.name = 'ReferenceSyntaxError';
  }
}

export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** distribution's NameTotalLengthMax: the domain, a slash and the path. */
export const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar (distribution/reference regexp.go), as regular expressions of our own.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[[a-fA-F0-9:]+\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;

const DOMAIN_RE = new RegExp(`^${DOMAIN_AND_PORT}$`);
const REMOTE_NAME_RE = new RegExp(`^${REMOTE_NAME}$`);
const PATH_COMPONENT_RE = new RegExp(`^${PATH_COMPONENT}$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
/** The encoded part each registered algorithm needs (go-digest): lowercase hex of the hash's length. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const LOWER_HEX = /^[a-f0-9]+$/;

function encodedFits(algorithm: string, encoded: string): boolean {
  const length = DIGEST_HEX_LENGTH[algorithm];
  return length !== undefined && encoded.length === length && LOWER_HEX.test(encoded);
}

/** Whether `text` is a digest this client can name a manifest or blob by (`sha256:<64 hex>`, …). */
export function isValidDigest(text: string): boolean {
  if (!DIGEST_RE.test(text)) return false;
  const colon = text.indexOf(':');
  return encodedFits(text.slice(0, colon), text.slice(colon + 1));
}

/** Whether `text` is a valid tag (`[\w][\w.-]{0,127}`). */
export function isValidTag(text: string): boolean {
  return TAG_RE.test(text);
}

/** Whether `text` is a valid repository path (`library/alpine`), without registry. */
export function isValidRepository(text: string): boolean {
  return REMOTE_NAME_RE.test(text);
}

/** Whether `text` is a valid registry part (`host`, `host:port`, `[v6]:port`). */
export function isValidRegistry(text: string): boolean {
  return DOMAIN_RE.test(text);
}

/**
 * Splits the name (no tag, no digest) into registry and repository the way docker does: the first
 * component is a registry when it is `localhost`, contains `.` or `:`, or has uppercase letters
 * (repositories never do); otherwise the name is on Docker Hub, and a single-component Docker Hub
 * name is an official image under `library/`.
 */
function splitRegistry(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { registry: DOCKER_HUB, repository: OFFICIAL_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let registry: string;
  let repository: string;
  if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
    registry = first === LEGACY_DOCKER_HUB ? DOCKER_HUB : first;
    repository = rest;
  } else {
    registry = DOCKER_HUB;
    repository = name;
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = OFFICIAL_PREFIX + repository;
  return { registry, repository };
}

/**
 * Parses `[host[:port]/]path[:tag][@digest]`. Without tag and digest the tag is `latest`; with
 * both, both are kept (the digest is what gets fetched).
 * @throws ReferenceSyntaxError
 */
export function parseReference(text: string): ImageReference {
  // Not trimmed: docker refuses a stray space or CR too, and a script should hear about it.
  const input = text;
  const fail = (why: string): never => {
    throw new ReferenceSyntaxError(`invalid image reference ${/\s/.test(input) ? JSON.stringify(input) : `'${input}'`}: ${why}`, text);
  };
  if (input.trim() === '') fail('it is empty');
  if (/^\s|\s$/.test(input)) fail('it starts or ends with whitespace (a stray space, tab or line break)');
  if (/\s/.test(input)) fail('it contains whitespace');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) fail('write it without a scheme, e.g. registry.example.com/team/app:1.0');
  if (IDENTIFIER_RE.test(input)) fail('a 64-character hexadecimal string is an image ID, not a repository name (name the repository, e.g. app@sha256:<hex>)');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest === '') fail("nothing follows '@' (expected a digest such as sha256:<64 hex digits>)");
    if (!DIGEST_RE.test(digest)) fail(`'${digest}' is not a digest (expected <algorithm>:<hex>, e.g. sha256:<64 hex digits>)`);
    const algorithm = digest.slice(0, digest.indexOf(':'));
    const length = DIGEST_HEX_LENGTH[algorithm];
    if (length === undefined) fail(`the digest algorithm '${algorithm}' is not supported (sha256, sha384 or sha512)`);
    else if (!encodedFits(algorithm, digest.slice(algorithm.length + 1))) fail(`a ${algorithm} digest has ${length} lowercase hexadecimal digits after '${algorithm}:'`);
  }
  if (rest === '') fail('the repository name is missing');

  const { registry, repository: remainder } = splitRegistry(rest);
  let repository = remainder;
  let tag: string | undefined;
  // The registry's port is already split off, so a colon left in the path starts the tag.
  const colon = remainder.indexOf(':');
  if (colon !== -1) {
    repository = remainder.slice(0, colon);
    tag = remainder.slice(colon + 1);
    if (tag === '') fail("nothing follows ':' (expected a tag)");
    if (!TAG_RE.test(tag)) fail(`'${tag}' is not a valid tag (letters, digits, '_', '.' and '-', starting with a letter, digit or '_', at most 128 characters)`);
  }

  if (registry !== DOCKER_HUB && !DOMAIN_RE.test(registry)) fail(`'${registry}' is not a valid registry host (host, host:port or [IPv6]:port)`);
  if (registry !== DOCKER_HUB) {
    const port = /^(?:\[[^\]]*\]|[^:]*):(\d+)$/.exec(registry)?.[1];
    if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) fail(`the port ${port} of '${registry}' is out of range (1 to 65535)`);
    try {
      new URL(`https://${registry}/`);
    } catch {
      fail(`'${registry}' is not a valid registry host (host, host:port or [IPv6]:port)`);
    }
  }
  if (repository === '' || repository.endsWith('/')) fail('the repository name is missing');
  if (repository.toLowerCase() !== repository) fail(`the repository name '${repository}' must be lowercase`);
  if (!REMOTE_NAME_RE.test(repository)) {
    const bad = repository.split('/').find((part) => !PATH_COMPONENT_RE.test(part));
    fail(
      bad === ''
        ? `the repository name '${repository}' has an empty path component`
        : `'${bad ?? repository}' is not a valid repository path component (lowercase letters and digits, separated by '.', '_', '__' or dashes)`,
    );
  }
  if (registry.length + 1 + repository.length > NAME_TOTAL_LENGTH_MAX) fail(`the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);

  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  const reference: { registry: string; repository: string; tag?: string; digest?: string } = { registry, repository };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/** The full form `host/repository[:tag][@digest]` (docker.io and library/ are written out). */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** What a manifest request names: the digest when there is one, else the tag. */
export function referenceTarget(ref: ImageReference): string {
  const target = ref.digest ?? ref.tag;
  if (target === undefined) throw new ReferenceSyntaxError(`the reference '${formatReference(ref)}' names neither a tag nor a digest`, formatReference(ref));
  return target;
}

/** The same repository at another tag or digest (the other one dropped). */
export function withTarget(ref: ImageReference, target: { tag: string } | { digest: string }): ImageReference {
  return 'tag' in target ? { registry: ref.registry, repository: ref.repository, tag: target.tag } : { registry: ref.registry, repository: ref.repository, digest: target.digest };
}
