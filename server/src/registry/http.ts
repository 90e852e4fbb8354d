/**
 * One HTTP exchange with a registry, on node:http/node:https: a timeout over the whole exchange, a
 * body size limit, redirects (at most 5) that drop the Authorization header when they leave the
 * origin, and plain http only where the caller allows it. Errors are RegistryErrors with a message
 * naming the host; headers and bodies are never logged.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { RegistryErrorEntry, RegistryErrorKind } from './api';
import { safeText } from './text';

export const INSECURE_SETTING = 'imageManifest.registry.insecureHosts';
export const INSECURE_FLAG = '--insecure-host';

export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly status?: number;
  readonly errors: RegistryErrorEntry[];
  /** 429: the registry's Retry-After, in seconds, when it sent one. */
  readonly retryAfterSeconds?: number;

  constructor(kind: RegistryErrorKind, message: string, details: { status?: number; errors?: RegistryErrorEntry[]; retryAfterSeconds?: number } = {}) {
    // Messages quote registries (error entries, realms, headers): never let one reach a terminal raw.
    super(safeText(message, 4000));
    this.name = 'RegistryError';
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    this.errors = details.errors ?? [];
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly timeoutMs: number;
  /** Larger bodies fail with `too-large`; HEAD reads no body. */
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
  /** Whether plain http may be spoken to this `host:port` (loopback, the user's insecure hosts). */
  readonly allowHttp: (hostPort: string, hostname: string) => boolean;
  /** TLS certificate checks: off only for hosts the user marked insecure. */
  readonly rejectUnauthorized?: (hostPort: string, hostname: string) => boolean;
  readonly log?: (line: string) => void;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Every WWW-Authenticate header, in order. */
  readonly challenges: readonly string[];
  readonly body: Buffer;
  /** The URL that answered (after redirects). */
  readonly url: URL;
  /** An error body longer than the limit: `body` is its first part. */
  readonly bodyTruncated?: boolean;
}

/** The longest timeout node's timers hold (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A timeout a timer can hold: at least 1 ms, at most MAX_TIMEOUT_MS; not a number: `fallback`. */
export function clampTimeout(ms: number, fallback: number): number {
  if (!Number.isFinite(ms)) return ms === Infinity ? MAX_TIMEOUT_MS : fallback;
  return Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.round(ms)));
}

/** Error bodies are read up to this many bytes whatever the limit: they only feed messages. */
export const MAX_ERROR_BODY_BYTES = 1 << 20;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 5;

/** 127.0.0.0/8, ::1 and localhost: docker treats them as insecure registries by default. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host) ?? /^::ffff:127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** `host:port` of a URL, with the scheme's default port written out. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

export function hostPortOf(url: URL): string {
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

/** Milliseconds as seconds for a message: `30`, `2.5`, `0.3`, `0.001` (never `0.0`). */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (Number.isInteger(s)) return `${s}`;
  return s >= 1 ? String(Number(s.toFixed(1))) : String(Number(s.toPrecision(2)));
}

/** The message for a failed connection: what went wrong in words, and what the user can do. */
export function describeNetworkError(error: NodeJS.ErrnoException, url: URL): string {
  const host = hostPortOf(url);
  const code = error.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${host}: connection refused (is the registry running, and is the port right?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${url.hostname}: no such host (check the registry name)`;
    case 'ECONNRESET':
      return `the connection to ${host} was reset`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} is unreachable (${code})`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate of ${host} is not trusted (${error.message}); if this is a private registry you trust, add ${host} to ${INSECURE_SETTING} (CLI: ${INSECURE_FLAG} ${host})`;
    default:
      if (code === 'EPROTO' || code.startsWith('ERR_SSL')) {
        return `TLS handshake with ${host} failed (${error.message}); if the registry speaks plain http, add ${host} to ${INSECURE_SETTING} (CLI: ${INSECURE_FLAG} ${host})`;
      }
      return `cannot talk to ${host}: ${error.message}${code ? ` (${code})` : ''}`;
  }
}

/** Whether an https attempt failed in a way that a plain-http registry on that port would cause. */
export function looksLikePlainHttp(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return code === 'EPROTO' || code.startsWith('ERR_SSL') || code === 'ECONNRESET' || /wrong version number|packet length too long|socket hang up/i.test((error as Error | undefined)?.message ?? '');
}

/** One request, following redirects. Throws RegistryError for network, timeout, size and scheme problems only. */
export async function send(request: HttpRequest): Promise<HttpResponse> {
  let url = request.url;
  let method = request.method;
  let body = request.body;
  let headers: Record<string, string> = { ...request.headers };
  const startOrigin = originOf(url);
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError(
        'protocol',
        redirects === 0 ? `cannot request ${url.href}: the URL scheme '${url.protocol.slice(0, -1)}' is not supported (https or http)` : `${hostPortOf(request.url)} redirected to an unsupported URL scheme '${url.protocol.slice(0, -1)}'`,
      );
    }
    if (url.protocol === 'http:' && !request.allowHttp(hostPortOf(url), url.hostname)) {
      throw new RegistryError(
        'insecure',
        `refusing plain http to ${hostPortOf(url)}: only loopback addresses and the hosts in ${INSECURE_SETTING} (CLI: ${INSECURE_FLAG} ${hostPortOf(url)}) may be spoken to without TLS`,
      );
    }
    const response = await exchange({ ...request, url, method, body, headers });
    if (!REDIRECTS.has(response.status) || (method === 'PUT' && response.status !== 307 && response.status !== 308)) {
      return response;
    }
    const location = response.headers.location;
    if (location === undefined) return response;
    if (redirects >= MAX_REDIRECTS) throw new RegistryError('protocol', `${hostPortOf(request.url)} redirected more than ${MAX_REDIRECTS} times`, { status: response.status });
    const next = URL.canParse(location, url.href) ? new URL(location, url) : undefined;
    if (!next) throw new RegistryError('protocol', `${hostPortOf(url)} redirected to an invalid URL ${JSON.stringify(safeText(location, 200))}`, { status: response.status });
    if (url.protocol === 'https:' && next.protocol === 'http:' && !request.allowHttp(hostPortOf(next), next.hostname)) {
      throw new RegistryError('insecure', `${hostPortOf(url)} redirected to plain http at ${hostPortOf(next)}; refusing (allow it with ${INSECURE_SETTING}, CLI: ${INSECURE_FLAG} ${hostPortOf(next)})`);
    }
    if (originOf(next) !== startOrigin && headers.Authorization !== undefined) {
      // Blob storage (S3, a CDN) gets the signed URL, never the registry's credentials.
      const { Authorization: _dropped, ...rest } = headers;
      headers = rest;
      request.log?.(`redirect to ${next.protocol}//${hostPortOf(next)}: Authorization not sent to another host`);
    } else {
      request.log?.(`redirect to ${next.protocol}//${hostPortOf(next)}${next.pathname}`);
    }
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    url = next;
  }
}

/** What a header value may hold (RFC 9110 field-value: visible characters, spaces and tabs, obs-text). */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function exchange(request: HttpRequest & { url: URL; headers: Record<string, string> }): Promise<HttpResponse> {
  const { url, timeoutMs, maxBytes } = request;
  const host = hostPortOf(url);
  return new Promise<HttpResponse>((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(new RegistryError('network', `the request to ${host} was cancelled`));
      return;
    }
    // Node refuses such a header with a bare TypeError; say which one, never its value (it may be a secret).
    const unsendable = Object.entries(request.headers).find(([, value]) => !HEADER_VALUE.test(value));
    if (unsendable) {
      reject(new RegistryError('protocol', `cannot send the ${unsendable[0]} header to ${host}: its value holds line breaks or other characters HTTP forbids`));
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'User-Agent': 'image-manifest', ...request.headers };
    if (request.body) headers['Content-Length'] = String(request.body.byteLength);
    let settled = false;
    const finish = (error: RegistryError | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else if (response) resolve(response);
    };
    const options: https.RequestOptions = { method: request.method, headers, agent: false };
    if (url.protocol === 'https:' && request.rejectUnauthorized && !request.rejectUnauthorized(hostPortOf(url), url.hostname)) options.rejectUnauthorized = false;
    // Headers arrived: a timeout after this is a body that did not finish, not a silent server.
    let answered = false;
    const req = transport.request(url, options, (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      const length = Number(res.headers['content-length']);
      const challenges = res.headersDistinct['www-authenticate'] ?? [];
      const done = (bodyBytes: Buffer, bodyTruncated = false) =>
        finish(undefined, { status, statusText: safeText(res.statusMessage ?? '', 100), headers: res.headers, challenges, body: bodyBytes, url, ...(bodyTruncated ? { bodyTruncated } : {}) });
      if (request.method === 'HEAD' || REDIRECTS.has(status)) {
        res.resume();
        res.on('end', () => done(Buffer.alloc(0)));
        res.on('error', (error: NodeJS.ErrnoException) => finish(new RegistryError('network', describeNetworkError(error, url))));
        return;
      }
      if (Number.isFinite(length) && length > maxBytes && status >= 200 && status < 300) {
        finish(new RegistryError('too-large', `${host} is sending ${length.toLocaleString('en-US')} bytes, more than the limit of ${maxBytes.toLocaleString('en-US')}`, { status }));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      const success = status >= 200 && status < 300;
      // Error bodies are read up to MAX_ERROR_BODY_BYTES whatever the limit: they only feed messages.
      const limit = success ? maxBytes : Math.min(maxBytes, MAX_ERROR_BODY_BYTES);
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const before = received;
        received += chunk.length;
        if (received > limit) {
          if (success) finish(new RegistryError('too-large', `${host} sent more than the limit of ${maxBytes.toLocaleString('en-US')} bytes`, { status }));
          else {
            // The status and the first part of the body are the answer. Resolve before hanging up:
            // destroying the response emits 'aborted', which must not turn it into a network error.
            chunks.push(chunk.subarray(0, limit - before));
            done(Buffer.concat(chunks), true);
            res.destroy();
          }
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => done(Buffer.concat(chunks)));
      res.on('error', (error: NodeJS.ErrnoException) => finish(new RegistryError('network', describeNetworkError(error, url))));
      res.on('aborted', () => finish(new RegistryError('network', `${host} closed the connection before the whole body arrived`)));
    });
    const timer = setTimeout(
      () => finish(new RegistryError('timeout', answered ? `${host} answered but did not finish within ${formatSeconds(timeoutMs)} s` : `${host} did not answer within ${formatSeconds(timeoutMs)} s`)),
      timeoutMs,
    );
    const onAbort = () => finish(new RegistryError('network', `the request to ${host} was cancelled`));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const wrapped = new RegistryError('network', describeNetworkError(error, url));
      (wrapped as RegistryError & { cause?: unknown }).cause = error;
      finish(wrapped);
    });
    if (request.body) req.end(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength));
    else req.end();
  });
}

/** The entries of a distribution error body `{"errors":[{code,message,detail}]}`, or none. */
export function parseErrorBody(body: Buffer | Uint8Array): RegistryErrorEntry[] {
  if (body.length === 0) return [];
  try {
    const value = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    const errors = (value as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((entry): RegistryErrorEntry[] => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { code, message, detail } = entry as { code?: unknown; message?: unknown; detail?: unknown };
      if (typeof code !== 'string') return [];
      // Code and message reach terminals and editor messages: made safe here, once.
      const result: { code: string; message: string; detail?: unknown } = { code: safeText(code, 100), message: typeof message === 'string' ? safeText(message, 1000) : '' };
      if (detail !== undefined && detail !== null) result.detail = detail;
      return [result];
    });
  } catch {
    return [];
  }
}

/** `Retry-After` in seconds (a number or an HTTP date), when present and sensible. */
export function retryAfterSeconds(headers: http.IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
