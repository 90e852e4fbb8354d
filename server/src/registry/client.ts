/**
 * The registry client: manifests and blobs over the distribution API (`/v2/<name>/manifests/<ref>`,
 * `/v2/<name>/blobs/<digest>`), bytes exactly as served, digests checked, docker's authentication
 * (see ./auth). https by default; plain http only for loopback and the user's insecure hosts (tried
 * after https, as docker does). Nothing touches the network until a method is called.
 */
import { createHash } from 'node:crypto';
import type { BlobHead, FetchedBlob, FetchedManifest, ImageReference, PushResult, RegistryOptions } from './api';
import { Authenticator, describeEntries, scopeString, type AuthScope } from './auth/authenticator';
import { parseWwwAuthenticate } from './auth/www-authenticate';
import { clampTimeout, hostPortOf, isLoopback, looksLikePlainHttp, MAX_ERROR_BODY_BYTES, parseErrorBody, RegistryError, retryAfterSeconds, send, type HttpResponse } from './http';
import { DOCKER_HUB, formatReference, referenceTarget } from './reference';
import { bodySnippet, safeText } from './text';
import { decodeDocument } from '../service/utf8';
import { DOCKER_LIST, DOCKER_MANIFEST, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, OCI_ARTIFACT_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../service/media-types';

export { RegistryError } from './http';

/** Every manifest and index type, preferred first; sent as `Accept` on manifest requests. */
export const MANIFEST_ACCEPT: readonly string[] = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST, OCI_ARTIFACT_MANIFEST, DOCKER_SCHEMA1_SIGNED, DOCKER_SCHEMA1];

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MANIFEST_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_BLOB_MAX_BYTES = 16 * 1024 * 1024;
/** Docker Hub's API host: `docker.io` names it in references only. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

const HASHES: Readonly<Record<string, string>> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/** The host the API is spoken to for a reference's registry. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB || registry === 'index.docker.io' ? DOCKER_HUB_API_HOST : registry;
}

/** `<algorithm>:<hex>` of the bytes, or undefined for an algorithm we cannot compute. */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string | undefined {
  const hash = HASHES[algorithm];
  return hash ? `${algorithm}:${createHash(hash).update(bytes).digest('hex')}` : undefined;
}

/** Retry-After for people: `7 s`, `15 min`, `3 h`; a server's absurd value reads as what it means. */
function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.ceil(seconds / 60)} min`;
  if (seconds <= 2 * 86400) return `${Math.ceil(seconds / 3600)} h`;
  return 'more than two days (as the registry says)';
}

function algorithmOf(digest: string | undefined): string | undefined {
  if (digest === undefined) return undefined;
  const colon = digest.indexOf(':');
  const algorithm = colon > 0 ? digest.slice(0, colon) : '';
  return HASHES[algorithm] ? algorithm : undefined;
}

/** A header's value, trimmed and made safe to print (a digest or media type never changes by that). */
function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : safeText(text.trim(), 500);
}

/** Content types that say "some JSON" or "some bytes" without naming a kind of manifest. */
export const GENERIC_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/octet-stream']);

function isJson(body: Buffer): boolean {
  return parseJson(body) !== NOT_JSON;
}

const NOT_JSON = Symbol('not JSON');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

function mediaTypeOf(response: HttpResponse): string | undefined {
  const type = header(response, 'content-type');
  return type?.split(';')[0].trim().toLowerCase() || undefined;
}

interface Call {
  readonly ref: ImageReference;
  readonly actions: AuthScope['actions'];
  readonly method: 'GET' | 'HEAD' | 'PUT';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly maxBytes: number;
}

export class RegistryClient {
  private readonly options: RegistryOptions;
  private readonly timeoutMs: number;
  private readonly insecure: ReadonlySet<string>;
  private readonly auth: Authenticator;
  /** The scheme that worked for a host that may be spoken to over http. */
  private readonly schemes = new Map<string, 'https:' | 'http:'>();

  constructor(options: RegistryOptions = {}) {
    // Log lines quote the registry (digests, realms, redirects): made safe before they reach a terminal.
    const log = options.log;
    this.options = log ? { ...options, log: (line: string) => log(safeText(line, 2000)) } : options;
    // The editor's setting has no upper bound: clamp to what a timer can hold rather than fire at once.
    this.timeoutMs = clampTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    this.insecure = new Set((options.insecureHosts ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''));
    this.auth = new Authenticator({
      dockerConfigDir: options.dockerConfigDir,
      timeoutMs: this.timeoutMs,
      log: this.options.log,
      signal: options.signal,
      allowHttp: (hostPort, hostname) => this.allowHttp(hostPort, hostname),
      rejectUnauthorized: (hostPort, hostname) => !this.skipsTlsVerification(hostPort, hostname),
    });
  }

  /** Loopback, or a host the user listed (as `host` or `host:port`). */
  allowHttp(hostPort: string, hostname: string): boolean {
    return isLoopback(hostname) || this.isInsecure(hostPort, hostname);
  }

  /** Docker does not verify certificates of insecure registries (loopback is one by default). */
  skipsTlsVerification(hostPort: string, hostname: string): boolean {
    return isLoopback(hostname) || this.isInsecure(hostPort, hostname);
  }

  private isInsecure(hostPort: string, hostname: string): boolean {
    const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return this.insecure.has(hostPort.toLowerCase()) || this.insecure.has(hostname.toLowerCase()) || this.insecure.has(bare);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** GET a manifest by tag or digest, with every manifest type accepted; the body as served. */
  async fetchManifest(ref: ImageReference, options: { maxBytes?: number } = {}): Promise<FetchedManifest> {
    const target = referenceTarget(ref);
    const response = await this.call({
      ref,
      actions: ['pull'],
      method: 'GET',
      path: `/v2/${ref.repository}/manifests/${target}`,
      headers: { Accept: MANIFEST_ACCEPT.join(', ') },
      maxBytes: options.maxBytes ?? DEFAULT_MANIFEST_MAX_BYTES,
    });
    if (response.status !== 200) throw this.statusError(response, ref, 'manifest');
    const bytes = new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.byteLength);
    const mediaType = mediaTypeOf(response);
    const problems: string[] = [];
    if (mediaType === undefined || !MANIFEST_ACCEPT.includes(mediaType)) {
      // A captive portal, a proxy's error page, a web server where the registry should be.
      const type = mediaType === undefined ? 'no Content-Type' : `Content-Type ${mediaType}`;
      if (!isJson(response.body)) {
        const snippet = bodySnippet(bytes, mediaType);
        throw new RegistryError('protocol', `${hostPortOf(response.url)} answered ${formatReference(ref)} with ${type} and a body that is not JSON: not a manifest${snippet ? ` (it begins: ${snippet})` : ''}`, {
          status: response.status,
        });
      }
      // Old registries and some proxies label manifests with a generic type; anything else is odd.
      if (mediaType !== undefined && !GENERIC_TYPES.has(mediaType)) problems.push(`the registry sent ${type}, which is not a manifest or index media type (the body is JSON)`);
    } else {
      const value = parseJson(response.body);
      if (value === NOT_JSON) {
        const snippet = bodySnippet(bytes, 'text/plain');
        const what = bytes.byteLength === 0 ? 'an empty body' : `a body that is not JSON${snippet ? ` (it begins: ${snippet})` : ''}`;
        throw new RegistryError('protocol', `${hostPortOf(response.url)} answered ${formatReference(ref)} with Content-Type ${mediaType} but ${what}: not a manifest`, { status: response.status });
      }
      const own = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { mediaType?: unknown }).mediaType : undefined;
      if (typeof own === 'string' && own.toLowerCase() !== mediaType) {
        problems.push(`the registry sent Content-Type ${mediaType}, but the manifest's own \`mediaType\` is ${safeText(own, 200)}; clients go by one or the other, and some registries refuse such a manifest`);
      }
    }
    const undecodable = decodeDocument(bytes).invalidUtf8;
    if (undecodable) problems.push(`the body is not valid UTF-8 (byte offset ${undecodable.byte}: ${undecodable.hex}); JSON must be UTF-8, and clients read U+FFFD there`);
    const registryDigest = header(response, 'docker-content-digest');
    const algorithm = algorithmOf(registryDigest) ?? algorithmOf(ref.digest) ?? 'sha256';
    const digest = digestOf(bytes, algorithm) as string;
    const promised = [registryDigest, ref.digest].filter((d): d is string => d !== undefined);
    const digestMatches = promised.length === 0 ? undefined : promised.every((p) => digestOf(bytes, algorithmOf(p) ?? '') === p);
    this.log(`manifest ${formatReference(ref)}: ${bytes.byteLength} bytes, ${digest}${digestMatches === false ? ` (registry said ${registryDigest ?? ref.digest})` : ''}`);
    for (const problem of problems) this.log(`manifest ${formatReference(ref)}: ${problem}`);
    return { reference: ref, bytes, mediaType, registryDigest, digest, digestMatches, problems };
  }

  /** GET a blob (a config, usually) by the reference's digest; redirects to storage are followed. */
  async fetchBlob(ref: ImageReference, options: { maxBytes?: number } = {}): Promise<FetchedBlob> {
    const digest = this.requireDigest(ref, 'fetch a blob');
    const response = await this.call({ ref, actions: ['pull'], method: 'GET', path: `/v2/${ref.repository}/blobs/${digest}`, maxBytes: options.maxBytes ?? DEFAULT_BLOB_MAX_BYTES });
    if (response.status !== 200) throw this.statusError(response, ref, 'blob');
    const bytes = new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.byteLength);
    const actual = digestOf(bytes, algorithmOf(digest) ?? 'sha256') as string;
    return { bytes, mediaType: mediaTypeOf(response), digest: actual, digestMatches: actual === digest };
  }

  /** HEAD a blob: whether the registry has it (404 is an answer, not an error), its size. */
  async headBlob(ref: ImageReference): Promise<BlobHead> {
    const digest = this.requireDigest(ref, 'look up a blob');
    const response = await this.call({ ref, actions: ['pull'], method: 'HEAD', path: `/v2/${ref.repository}/blobs/${digest}`, maxBytes: 0 });
    if (response.status === 404) return { exists: false, status: 404, size: undefined, mediaType: undefined };
    if (response.status !== 200) throw this.statusError(response, ref, 'blob');
    const length = Number(header(response, 'content-length'));
    return { exists: true, status: response.status, size: Number.isSafeInteger(length) ? length : undefined, mediaType: mediaTypeOf(response) };
  }

  /**
   * PUT a manifest's bytes, unchanged, with `Content-Type` = mediaType, to the reference's tag (or
   * its digest when it has no tag). A digest in the reference (`repo@digest` or `repo:tag@digest`)
   * pins the content: when the bytes hash to anything else, nothing is sent and a `digest-mismatch`
   * error says both digests. Registry refusals are `rejected` errors carrying its entries.
   */
  async pushManifest(ref: ImageReference, bytes: Uint8Array, mediaType: string): Promise<PushResult> {
    const target = ref.tag ?? ref.digest;
    if (target === undefined) throw new RegistryError('protocol', `${formatReference(ref)} names neither a tag nor a digest to push to`);
    if (ref.digest !== undefined) {
      const actual = digestOf(bytes, algorithmOf(ref.digest) ?? '');
      if (actual !== ref.digest) {
        throw new RegistryError(
          'digest-mismatch',
          `refusing to push to ${formatReference(ref)}: the bytes hash to ${actual ?? `a digest of another algorithm than ${ref.digest.split(':')[0]}`}, not to the digest ${ref.digest} the reference pins (nothing was sent)`,
        );
      }
    }
    const response = await this.call({
      ref,
      actions: ['pull', 'push'],
      method: 'PUT',
      path: `/v2/${ref.repository}/manifests/${target}`,
      headers: { 'Content-Type': mediaType },
      body: bytes,
      maxBytes: 1 << 20,
    });
    if (response.status < 200 || response.status >= 300) throw this.statusError(response, ref, 'push');
    const registryDigest = header(response, 'docker-content-digest');
    const sentDigest = digestOf(bytes, algorithmOf(registryDigest) ?? algorithmOf(ref.digest) ?? 'sha256') as string;
    const digestMatches = registryDigest === undefined ? undefined : registryDigest === sentDigest;
    const digest = registryDigest ?? sentDigest;
    this.log(
      `pushed ${formatReference(ref)}: ${response.status}, ${
        registryDigest === undefined ? `no Docker-Content-Digest (the bytes sent are ${sentDigest})` : digestMatches ? digest : `${registryDigest}, but the bytes sent are ${sentDigest}`
      }`,
    );
    return { reference: ref, digest, location: header(response, 'location'), sentDigest, registryDigest, digestMatches, status: response.status };
  }

  private requireDigest(ref: ImageReference, what: string): string {
    if (ref.digest === undefined) throw new RegistryError('protocol', `a digest is needed to ${what} (${formatReference(ref)} has none)`);
    return ref.digest;
  }

  /** One request with authentication: cached credentials first, then the answer to a 401. */
  private async call(call: Call): Promise<HttpResponse> {
    const scope: AuthScope = { registry: call.ref.registry, repository: call.ref.repository, actions: call.actions };
    const host = apiHost(call.ref.registry);
    let authorization = this.auth.cached(scope);
    let response = await this.exchange(call, host, authorization);
    if (response.status !== 401) return response;
    this.refuseForeignChallenge(response, host);

    if (authorization !== undefined) this.auth.forget(scope);
    const answer = await this.auth.respond(scope, response.challenges, host);
    authorization = answer.authorization;
    response = await this.exchange(call, host, authorization);
    if (response.status !== 401) return response;
    this.refuseForeignChallenge(response, host);

    // Still refused: say who we were and what the registry wanted.
    this.auth.forget(scope);
    const errors = parseErrorBody(response.body);
    const challenge = parseWwwAuthenticate(response.challenges).find((c) => c.params.error !== undefined);
    const said = describeEntries(errors);
    const verb = call.actions.join(' and ');
    const who = answer.credentials ? `the credentials from ${answer.credentials.source}` : 'anonymous access';
    let message: string;
    if (!answer.credentials) {
      message = this.auth.noCredentials(scope, host).message;
    } else if (challenge?.params.error === 'insufficient_scope' || authorization.startsWith('Bearer ')) {
      message = `${host} refused to let ${who} ${verb} ${call.ref.repository}: the token does not grant ${scopeString(scope)}`;
    } else {
      message = `${host} refused ${who} (401 Unauthorized)`;
    }
    throw new RegistryError('unauthorized', said ? `${message} [${said}]` : message, { status: 401, errors });
  }

  /**
   * A 401 from where the registry redirected to (blob storage, a CDN) is not the registry asking
   * for credentials: answering its challenge would hand the registry's credentials to that host.
   */
  private refuseForeignChallenge(response: HttpResponse, host: string): void {
    const responder = hostPortOf(response.url);
    // Compared as URLs: `host:443` over https is `host`.
    if (responder === hostPortOf(new URL(`${response.url.protocol}//${host}`))) return;
    throw new RegistryError('unauthorized', `${responder}, where ${host} redirected the request, answered 401 Unauthorized; credentials for ${host} are not sent to another host`, { status: 401, errors: parseErrorBody(response.body) });
  }

  private async exchange(call: Call, host: string, authorization: string | undefined): Promise<HttpResponse> {
    const hostname = new URL(`https://${host}`).hostname;
    const mayHttp = this.allowHttp(host, hostname);
    const headers: Record<string, string> = { ...call.headers };
    if (authorization !== undefined) headers.Authorization = authorization;
    const attempt = async (scheme: 'https:' | 'http:') => {
      const url = new URL(`${scheme}//${host}${call.path}`);
      const response = await send({
        method: call.method,
        url,
        headers,
        body: call.body,
        timeoutMs: this.timeoutMs,
        maxBytes: call.maxBytes,
        signal: this.options.signal,
        allowHttp: (hp, hn) => this.allowHttp(hp, hn),
        rejectUnauthorized: (hp, hn) => !this.skipsTlsVerification(hp, hn),
        log: this.options.log,
      });
      this.log(`${call.method} ${response.url.href === url.href ? `${scheme}//${host}${call.path}` : `${url.href} (answered by ${response.url.protocol}//${hostPortOf(response.url)}${response.url.pathname})`} → ${response.status}`);
      return response;
    };
    const known = this.schemes.get(host);
    if (known) return attempt(known);
    if (!mayHttp) return attempt('https:');
    // Docker's order for insecure registries: https (unverified) first, then plain http.
    try {
      const response = await attempt('https:');
      this.schemes.set(host, 'https:');
      return response;
    } catch (error) {
      if (!(error instanceof RegistryError) || error.kind !== 'network' || !looksLikePlainHttp((error as { cause?: unknown }).cause)) throw error;
      this.log(`${host} does not speak TLS: using plain http`);
      const response = await attempt('http:');
      this.schemes.set(host, 'http:');
      return response;
    }
  }

  /** A RegistryError for an unexpected status, with a sentence for the common ones. */
  private statusError(response: HttpResponse, ref: ImageReference, what: 'manifest' | 'blob' | 'push'): RegistryError {
    const errors = parseErrorBody(response.body);
    const said = describeEntries(errors);
    const host = hostPortOf(response.url);
    const status = response.status;
    // No distribution error entries: the start of whatever it sent (a proxy's page, a truncated body) says more than nothing.
    const snippet = said ? '' : bodySnippet(response.body, header(response, 'content-type'));
    const suffix = said
      ? ` [${said}]`
      : snippet
        ? ` (the answer begins: ${snippet}${response.bodyTruncated ? `; only its first ${MAX_ERROR_BODY_BYTES.toLocaleString('en-US')} bytes were read` : ''})`
        : '';
    const name = what === 'blob' ? `blob ${ref.digest} in ${ref.registry}/${ref.repository}` : formatReference(ref);
    switch (status) {
      case 403:
        return new RegistryError('forbidden', `${host} denied access to ${ref.repository} (403 Forbidden): the account lacks permission to ${what === 'push' ? 'push to' : 'pull from'} it${suffix}`, { status, errors });
      case 404: {
        if (what === 'push') return new RegistryError('rejected', `${host} refused the manifest for ${formatReference(ref)} (404 Not Found)${suffix}`, { status, errors });
        const codes = new Set(errors.map((e) => e.code));
        const why = codes.has('NAME_UNKNOWN')
          ? `the repository ${ref.repository} does not exist on ${host}`
          : what === 'blob'
            ? 'the registry has no such blob in this repository'
            : ref.digest !== undefined
              ? `no manifest with digest ${ref.digest} in ${ref.repository}`
              : `no tag '${ref.tag}' in ${ref.repository}`;
        return new RegistryError('not-found', `${name} was not found: ${why} (404)${suffix}`, { status, errors });
      }
      case 429: {
        const retry = retryAfterSeconds(response.headers);
        const message = `${host} is rate limiting requests (429 Too Many Requests)${retry !== undefined ? `; retry after ${formatWait(retry)}` : '; wait a while before retrying'}${suffix}`;
        return new RegistryError('rate-limited', message, retry !== undefined ? { status, errors, retryAfterSeconds: retry } : { status, errors });
      }
      default:
        if (what === 'push' && status >= 400 && status < 500) {
          return new RegistryError('rejected', `${host} refused the manifest for ${formatReference(ref)} (${status} ${response.statusText})${suffix}`.replace(' )', ')'), { status, errors });
        }
        return new RegistryError('protocol', `${host} answered ${status} ${response.statusText} for ${name}${suffix}`.replace(`${status}  `, `${status} `), { status, errors });
    }
  }
}

