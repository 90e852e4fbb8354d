/**
 * A token endpoint written from the distribution token specification, for a registry started with
 * `auth: token`: GET /token?service=…&scope=… (Basic credentials optional) and POST /token with an
 * OAuth2 form (grant_type=password or refresh_token). It issues JWTs signed ES256 with a key whose
 * self-signed certificate (made by the real `openssl` CLI) is the registry's rootcertbundle; the
 * certificate travels in the JWT header's `x5c`, which is how distribution 2.8 finds the key.
 * Listens on 127.0.0.1 only; records every request, never a password or token.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { TestUser } from './registry';

export interface TokenRequest {
  readonly method: string;
  readonly service: string | undefined;
  /** The scopes asked for, as sent (`repository:test/multi:pull,push`). */
  readonly scopes: readonly string[];
  readonly grantType: 'basic' | 'anonymous' | 'password' | 'refresh_token';
  /** The user the credentials proved, if any (never the password). */
  readonly user: string | undefined;
  /** 200 with a token, 401 for bad credentials, 400 for a malformed request. */
  readonly status: number;
  /** What the issued token allows, per scope. */
  readonly granted: readonly { type: string; name: string; actions: string[] }[];
}

export interface TokenServer {
  /** `http://127.0.0.1:<port>/token` */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly certFile: string;
  readonly requests: TokenRequest[];
  close(): Promise<void>;
}

export interface TokenServerOptions {
  /** Where the key and certificate are written. */
  readonly dir: string;
  readonly users: readonly TestUser[];
  readonly anonymousPull?: boolean;
  /** refresh token → user name. */
  readonly identityTokens?: Readonly<Record<string, string>>;
  readonly expiresIn?: number;
  readonly service?: string;
  readonly issuer?: string;
}

function openssl(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', [...args], { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve();
    });
  });
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter((a) => a !== '') };
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const service = options.service ?? 'image-manifest-test-registry';
  const issuer = options.issuer ?? 'image-manifest-test-issuer';
  const keyFile = path.join(options.dir, 'token-key.pem');
  const certFile = path.join(options.dir, 'token-cert.pem');
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=image-manifest test token issuer']);
  const key: KeyObject = createPrivateKey(fs.readFileSync(keyFile));
  const certDer = new X509Certificate(fs.readFileSync(certFile)).raw.toString('base64');
  const expiresIn = options.expiresIn ?? 300;
  const requests: TokenRequest[] = [];
  const identityTokens = new Map(Object.entries(options.identityTokens ?? {}));

  function issue(user: string | undefined, scopes: readonly string[]): { token: string; granted: TokenRequest['granted'] } {
    const granted = scopes.flatMap((scope) => {
      const parsed = parseScope(scope);
      if (!parsed) return [];
      const allowed = user !== undefined ? ['pull', 'push', 'delete'] : options.anonymousPull ? ['pull'] : [];
      return [{ type: parsed.type, name: parsed.name, actions: parsed.actions.filter((a) => allowed.includes(a)) }];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer] };
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + expiresIn, nbf: now - 10, iat: now, jti: randomBytes(12).toString('hex'), access: granted };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    // JWS ES256 wants r||s, not DER.
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${b64url(signature)}`, granted };
  }

  function checkPassword(username: string | undefined, password: string | undefined): string | undefined {
    const user = options.users.find((u) => u.username === username);
    return user && user.password === password ? user.username : undefined;
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const reply = (status: number, body: unknown, record: Omit<TokenRequest, 'status'>) => {
        requests.push({ ...record, status });
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const deny = (record: Omit<TokenRequest, 'status' | 'granted'>, message: string) =>
        reply(401, { errors: [{ code: 'UNAUTHORIZED', message, detail: null }] }, { ...record, granted: [] });
      if (url.pathname !== '/token') {
        response.writeHead(404).end();
        return;
      }
      if (request.method === 'GET') {
        const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
        const serviceParam = url.searchParams.get('service') ?? undefined;
        const authorization = request.headers.authorization;
        let user: string | undefined;
        let grantType: TokenRequest['grantType'] = 'anonymous';
        if (authorization !== undefined) {
          const match = /^Basic\s+(\S+)$/i.exec(authorization);
          const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
          const colon = decoded.indexOf(':');
          grantType = 'basic';
          user = colon > 0 ? checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
          if (!user) return deny({ method: 'GET', service: serviceParam, scopes, grantType, user: undefined }, 'invalid username or password');
        }
        const { token, granted } = issue(user, scopes);
        return reply(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString() }, { method: 'GET', service: serviceParam, scopes, grantType, user, granted });
      }
      if (request.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
        const serviceParam = form.get('service') ?? undefined;
        const grant = form.get('grant_type');
        if (grant === 'password') {
          const user = checkPassword(form.get('username') ?? undefined, form.get('password') ?? undefined);
          if (!user) return deny({ method: 'POST', service: serviceParam, scopes, grantType: 'password', user: undefined }, 'invalid username or password');
          const { token, granted } = issue(user, scopes);
          const body: Record<string, unknown> = { access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString(), scope: scopes.join(' ') };
          if (form.get('access_type') === 'offline') {
            const refresh = randomBytes(24).toString('hex');
            identityTokens.set(refresh, user);
            body.refresh_token = refresh;
          }
          return reply(200, body, { method: 'POST', service: serviceParam, scopes, grantType: 'password', user, granted });
        }
        if (grant === 'refresh_token') {
          const user = identityTokens.get(form.get('refresh_token') ?? '');
          if (!user) return deny({ method: 'POST', service: serviceParam, scopes, grantType: 'refresh_token', user: undefined }, 'invalid refresh token');
          const { token, granted } = issue(user, scopes);
          return reply(200, { access_token: token, expires_in: expiresIn, issued_at: new Date().toISOString(), scope: scopes.join(' ') }, { method: 'POST', service: serviceParam, scopes, grantType: 'refresh_token', user, granted });
        }
        return reply(400, { error: 'unsupported_grant_type' }, { method: 'POST', service: serviceParam, scopes, grantType: 'password', user: undefined, granted: [] });
      }
      response.writeHead(405).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
