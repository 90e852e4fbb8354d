/**
 * Answers a registry's 401 the way docker does: read the `WWW-Authenticate` challenges; for
 * `Bearer`, get a token from the realm (GET with Basic credentials when we have a password, POST
 * with the refresh token when we have an identity token, anonymous otherwise) for
 * `repository:<name>:<actions>` and cache it in memory until it expires; for `Basic`, send the
 * credentials from config.json or the credential helper. Credentials are looked up once per
 * registry, only after a 401, and never logged.
 */
import type { RegistryErrorEntry } from '../api';
import { HEADER_VALUE, hostPortOf, parseErrorBody, RegistryError, send, type HttpRequest } from '../http';
import { basicAuthorization, describeCredentialSources, findCredentials, type Credentials } from './docker-config';
import { isScheme, parseWwwAuthenticate, type Challenge } from './www-authenticate';
import { safeText } from '../text';

export interface AuthenticatorOptions {
  readonly dockerConfigDir?: string;
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly allowHttp: HttpRequest['allowHttp'];
  readonly rejectUnauthorized?: HttpRequest['rejectUnauthorized'];
}

/** What a request needs: the registry (`host[:port]` as in the reference) and the scope's parts. */
export interface AuthScope {
  readonly registry: string;
  readonly repository: string;
  readonly actions: readonly ('pull' | 'push')[];
}

interface CachedToken {
  readonly authorization: string;
  readonly expiresAt: number;
}

/** The token endpoint's answer must last at least this long (the spec's default is 60 s). */
const MIN_TOKEN_SECONDS = 60;

export function scopeString(scope: AuthScope): string {
  return `repository:${scope.repository}:${scope.actions.join(',')}`;
}

export class Authenticator {
  private readonly credentials = new Map<string, Promise<Credentials | undefined>>();
  private readonly tokens = new Map<string, CachedToken>();
  /** Registries that asked for Basic: the header can be sent up front next time. */
  private readonly basic = new Map<string, string>();

  constructor(private readonly options: AuthenticatorOptions) {}

  private tokenKey(scope: AuthScope): string {
    return `${scope.registry}\n${scopeString(scope)}`;
  }

  /** The Authorization header to send first (a cached token or known Basic credentials), if any. */
  cached(scope: AuthScope): string | undefined {
    const token = this.tokens.get(this.tokenKey(scope));
    if (token && token.expiresAt > Date.now()) return token.authorization;
    if (token) this.tokens.delete(this.tokenKey(scope));
    return this.basic.get(scope.registry);
  }

  /** Forgets what was cached for this scope (a 401 with it means it no longer works). */
  forget(scope: AuthScope): void {
    this.tokens.delete(this.tokenKey(scope));
    this.basic.delete(scope.registry);
  }

  private lookup(registry: string): Promise<Credentials | undefined> {
    let found = this.credentials.get(registry);
    if (!found) {
      found = findCredentials(registry, { dockerConfigDir: this.options.dockerConfigDir, timeoutMs: this.options.timeoutMs, log: this.options.log });
      // A failed lookup (helper missing) is not remembered: the user may fix it and retry.
      found.catch(() => this.credentials.delete(registry));
      this.credentials.set(registry, found);
    }
    return found;
  }

  /**
   * The Authorization header that answers these challenges, fetching a token if needed. Throws a
   * RegistryError (`unauthorized`, `insecure`, …) saying why when there is no way in.
   */
  async respond(scope: AuthScope, challengeHeaders: readonly string[], host: string): Promise<{ authorization: string; credentials: Credentials | undefined }> {
    const challenges = parseWwwAuthenticate(challengeHeaders);
    const bearer = challenges.find((c) => isScheme(c, 'Bearer') && c.params.realm);
    const basic = challenges.find((c) => isScheme(c, 'Basic'));
    if (bearer) {
      const credentials = await this.lookup(scope.registry);
      const authorization = await this.fetchToken(scope, bearer, credentials, host);
      return { authorization, credentials };
    }
    if (basic) {
      const credentials = await this.lookup(scope.registry);
      if (!credentials) throw this.noCredentials(scope, host);
      if (credentials.kind !== 'basic') {
        throw new RegistryError('unauthorized', `${host} asks for Basic authentication, but ${credentials.source} holds an identity token, which only works with token authentication; log in again with a password (docker login ${scope.registry})`, { status: 401 });
      }
      const authorization = basicAuthorization(credentials);
      this.basic.set(scope.registry, authorization);
      this.options.log?.(`${host}: Basic authentication with ${credentials.source}`);
      return { authorization, credentials };
    }
    const sent = challengeHeaders.join(', ').trim();
    if (sent === '') throw new RegistryError('unauthorized', `${host} requires authentication but sent no WWW-Authenticate challenge`, { status: 401 });
    // A Basic or Bearer challenge we could not use (no realm), or nothing that parses as one.
    if (challenges.length === 0 || challenges.some((c) => isScheme(c, 'Bearer') || isScheme(c, 'Basic'))) {
      throw new RegistryError('unauthorized', `${host} requires authentication, but could not parse the registry's authentication challenge (WWW-Authenticate: ${safeText(sent, 200)})`, { status: 401 });
    }
    const schemes = [...new Set(challenges.map((c) => c.scheme))].join(', ');
    throw new RegistryError('unauthorized', `${host} requires authentication with ${schemes}, which is not supported (Basic and Bearer are)`, { status: 401 });
  }

  noCredentials(scope: AuthScope, host: string): RegistryError {
    return new RegistryError(
      'unauthorized',
      `${host} requires authentication to ${scope.actions.join(' and ')} ${scope.repository}, and no credentials were found (looked in ${describeCredentialSources(scope.registry, { dockerConfigDir: this.options.dockerConfigDir })}); run \`docker login ${scope.registry}\``,
      { status: 401 },
    );
  }

  private async fetchToken(scope: AuthScope, challenge: Challenge, credentials: Credentials | undefined, host: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm);
    } catch {
      throw new RegistryError('protocol', `${host} named a token service that is not a URL: '${challenge.params.realm}'`, { status: 401 });
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryError('protocol', `the token realm ${safeText(realm.href, 200)} named by ${host} uses an unsupported scheme '${realm.protocol.slice(0, -1)}' (a token service is reached over https, or http for loopback and insecure hosts)`, { status: 401 });
    }
    const service = challenge.params.service;
    const scopeText = scopeString(scope);
    const realmHost = hostPortOf(realm);
    let request: HttpRequest;
    const common = {
      timeoutMs: this.options.timeoutMs,
      maxBytes: 1 << 20,
      signal: this.options.signal,
      allowHttp: this.options.allowHttp,
      rejectUnauthorized: this.options.rejectUnauthorized,
      log: this.options.log,
    };
    if (credentials?.kind === 'identity-token') {
      // The OAuth2 refresh-token grant of the distribution token spec.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'image-manifest', scope: scopeText });
      if (service !== undefined) form.set('service', service);
      request = { ...common, method: 'POST', url: realm, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Accept: 'application/json' }, body: Buffer.from(form.toString(), 'utf8') };
    } else {
      const url = new URL(realm.toString());
      if (service !== undefined) url.searchParams.set('service', service);
      url.searchParams.append('scope', scopeText);
      if (credentials?.kind === 'basic') url.searchParams.set('account', credentials.username);
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (credentials?.kind === 'basic') headers.Authorization = basicAuthorization(credentials);
      request = { ...common, method: 'GET', url, headers };
    }
    const who = credentials ? `with ${credentials.source}` : 'anonymously';
    this.options.log?.(`token for ${scopeText} from ${realm.protocol}//${realmHost}${realm.pathname} ${who}`);
    const response = await send(request);
    if (response.status === 401 || response.status === 403) {
      const said = describeEntries(parseErrorBody(response.body)) || oauthError(response.body);
      throw new RegistryError(
        'unauthorized',
        credentials
          ? `the token service ${realmHost} refused the credentials from ${credentials.source} (${response.status}${said ? `: ${said}` : ''})`
          : `the token service ${realmHost} refused anonymous access (${response.status}${said ? `: ${said}` : ''})`,
        { status: response.status, errors: parseErrorBody(response.body) },
      );
    }
    if (response.status !== 200) {
      throw new RegistryError('protocol', `the token service ${realmHost} answered ${response.status} ${response.statusText}`.trim(), { status: response.status, errors: parseErrorBody(response.body) });
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      body = JSON.parse(response.body.toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError('protocol', `the token service ${realmHost} answered something that is not JSON`);
    }
    const token = typeof body.token === 'string' && body.token !== '' ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
    if (token === '') throw new RegistryError('protocol', `the token service ${realmHost} answered without a token`);
    if (!HEADER_VALUE.test(token)) throw new RegistryError('protocol', `the token service ${realmHost} sent a token that cannot be used in an HTTP header (it holds line breaks or other characters HTTP forbids)`);
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in >= MIN_TOKEN_SECONDS ? body.expires_in : MIN_TOKEN_SECONDS;
    const issuedAt = typeof body.issued_at === 'string' && !Number.isNaN(Date.parse(body.issued_at)) ? Math.min(Date.parse(body.issued_at), Date.now()) : Date.now();
    const authorization = `Bearer ${token}`;
    // Renew a little early so a token does not expire between cache and use.
    this.tokens.set(this.tokenKey(scope), { authorization, expiresAt: issuedAt + (expiresIn - 5) * 1000 });
    return authorization;
  }
}

/** `CODE: message; CODE: message` for a message. */
export function describeEntries(errors: readonly RegistryErrorEntry[]): string {
  return errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
}

function oauthError(body: Buffer): string {
  try {
    const value = JSON.parse(body.toString('utf8')) as { error?: unknown; error_description?: unknown; details?: unknown };
    const parts = [value.error, value.error_description ?? value.details].filter((v): v is string => typeof v === 'string');
    return parts.join(': ');
  } catch {
    return '';
  }
}
