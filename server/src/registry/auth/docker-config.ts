/**
 * Credentials the way the docker CLI finds them: `config.json` in `$DOCKER_CONFIG` (else
 * `~/.docker`); `credHelpers[<host>]`, else `credsStore`, names a `docker-credential-<name>` program
 * asked with `get` and the server URL on stdin; otherwise the `auths` entry for the host (`auth` =
 * base64 of user:password, or `username`/`password`, or `identitytoken`). Docker Hub's key is
 * `https://index.docker.io/v1/`. Nothing is ever written, cached on disk or logged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSeconds, RegistryError } from '../http';
import { safeText } from '../text';

/** Docker Hub's key in config.json and for credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string; readonly source: string }
  /** An identity (refresh) token: only usable in the bearer-token flow. */
  | { readonly kind: 'identity-token'; readonly username?: string; readonly identityToken: string; readonly source: string };

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

export interface DockerConfig {
  readonly file: string;
  readonly auths: Readonly<Record<string, AuthEntry>>;
  readonly credsStore?: string;
  readonly credHelpers: Readonly<Record<string, string>>;
}

/** `$DOCKER_CONFIG`, else `~/.docker`. */
export function defaultDockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG && env.DOCKER_CONFIG !== '' ? env.DOCKER_CONFIG : path.join(os.homedir(), '.docker');
}

/** The parsed config.json, or undefined when there is none. A broken file is an error that says where. */
export function readDockerConfig(dir: string): DockerConfig | undefined {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new RegistryError('unauthorized', `cannot read ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RegistryError('unauthorized', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  // docker refuses such a file too; reading it as empty would hide the user's credentials silently.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RegistryError('unauthorized', `${file} is not a JSON object (docker's config.json is one)`);
  const config = value as { auths?: unknown; credsStore?: unknown; credHelpers?: unknown };
  const auths = typeof config.auths === 'object' && config.auths !== null ? (config.auths as Record<string, AuthEntry>) : {};
  const credHelpers: Record<string, string> = {};
  if (typeof config.credHelpers === 'object' && config.credHelpers !== null) {
    for (const [key, helper] of Object.entries(config.credHelpers)) if (typeof helper === 'string' && helper !== '') credHelpers[key] = helper;
  }
  const result: { file: string; auths: Record<string, AuthEntry>; credHelpers: Record<string, string>; credsStore?: string } = { file, auths, credHelpers };
  if (typeof config.credsStore === 'string' && config.credsStore !== '') result.credsStore = config.credsStore;
  return result;
}

/** Docker's `ConvertToHostname`: the key without scheme and without path. */
export function keyHostname(key: string): string {
  let host = key.replace(/^https?:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash !== -1) host = host.slice(0, slash);
  return host;
}

/** The key docker uses for a registry: the Hub's v1 URL, else the host as written in the reference. */
export function authKeyFor(registry: string): string {
  return DOCKER_HUB_HOSTS.has(registry) ? DOCKER_HUB_AUTH_KEY : registry;
}

function matchesRegistry(key: string, registry: string): boolean {
  const host = keyHostname(key);
  if (DOCKER_HUB_HOSTS.has(registry)) return DOCKER_HUB_HOSTS.has(host);
  return host === registry;
}

/** The `auths` entry for a registry: the exact key first, then any key whose hostname matches. */
function findAuthEntry(config: DockerConfig, registry: string): { key: string; entry: AuthEntry } | undefined {
  const key = authKeyFor(registry);
  if (Object.prototype.hasOwnProperty.call(config.auths, key)) return { key, entry: config.auths[key] };
  for (const [candidate, entry] of Object.entries(config.auths)) {
    if (typeof entry === 'object' && entry !== null && matchesRegistry(candidate, registry)) return { key: candidate, entry };
  }
  return undefined;
}

function entryCredentials(entry: AuthEntry, source: string): Credentials | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new RegistryError('unauthorized', `${source} is not an object with "auth", "username"/"password" or "identitytoken"`);
  for (const member of ['auth', 'username', 'password', 'identitytoken'] as const) {
    const value = entry[member];
    if (value !== undefined && value !== null && typeof value !== 'string') throw new RegistryError('unauthorized', `the "${member}" value of ${source} is not a string`);
  }
  let username = typeof entry.username === 'string' ? entry.username : '';
  let password = typeof entry.password === 'string' ? entry.password : '';
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new RegistryError('unauthorized', `the "auth" value of ${source} is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    return username !== '' ? { kind: 'identity-token', username, identityToken: entry.identitytoken, source } : { kind: 'identity-token', identityToken: entry.identitytoken, source };
  }
  if (username === '' && password === '') return undefined;
  return { kind: 'basic', username, password, source };
}

export interface CredentialLookup {
  /** config.json's folder; default `$DOCKER_CONFIG` or `~/.docker`. */
  readonly dockerConfigDir?: string;
  /** For a credential helper; default 30 s. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** Where docker would look (for messages): the config file and, if any, the helper. */
export function describeCredentialSources(registry: string, lookup: CredentialLookup = {}): string {
  const dir = lookup.dockerConfigDir ?? defaultDockerConfigDir();
  let config: DockerConfig | undefined;
  try {
    config = readDockerConfig(dir);
  } catch {
    config = undefined;
  }
  const file = path.join(dir, 'config.json');
  if (!config) return `${file} (not found)`;
  const helper = helperFor(config, registry);
  return helper ? `docker-credential-${safeText(helper.name, 100)} (${helper.why} in ${file})` : `"auths" in ${file}`;
}

function helperFor(config: DockerConfig, registry: string): { name: string; why: string } | undefined {
  const key = authKeyFor(registry);
  for (const candidate of [key, registry, ...(DOCKER_HUB_HOSTS.has(registry) ? [...DOCKER_HUB_HOSTS] : [])]) {
    const name = config.credHelpers[candidate];
    if (name) return { name, why: `credHelpers["${candidate}"]` };
  }
  return config.credsStore ? { name: config.credsStore, why: 'credsStore' } : undefined;
}

/**
 * The credentials docker would use for `registry` (`host[:port]`, `docker.io` for the Hub), or
 * undefined when there are none. Runs a credential helper when config.json names one.
 */
export async function findCredentials(registry: string, lookup: CredentialLookup = {}): Promise<Credentials | undefined> {
  const dir = lookup.dockerConfigDir ?? defaultDockerConfigDir();
  const config = readDockerConfig(dir);
  if (!config) {
    lookup.log?.(`no ${path.join(dir, 'config.json')}: anonymous`);
    return undefined;
  }
  const helper = helperFor(config, registry);
  if (helper) {
    const invalid = invalidHelperName(helper.name);
    if (invalid !== undefined) throw new RegistryError('unauthorized', `refusing to run the credential helper named by ${helper.why} in ${config.file}: ${invalid}`);
    const serverUrl = authKeyFor(registry);
    lookup.log?.(`credentials for ${registry}: docker-credential-${helper.name} (${helper.why})`);
    return runCredentialHelper(helper.name, serverUrl, { timeoutMs: lookup.timeoutMs, source: `docker-credential-${helper.name} (${helper.why} in ${config.file})` });
  }
  const found = findAuthEntry(config, registry);
  if (!found) {
    lookup.log?.(`no entry for ${registry} in ${config.file}: anonymous`);
    return undefined;
  }
  const source = `auths["${found.key}"] in ${config.file}`;
  lookup.log?.(`credentials for ${registry}: ${source}`);
  return entryCredentials(found.entry, source);
}

/** What a helper name may be: it becomes part of a program name looked up on PATH. */
const HELPER_NAME = /^[A-Za-z0-9._-]+$/;

/** Why a helper name from config.json is refused, or undefined when it is fine. */
export function invalidHelperName(name: string): string | undefined {
  if (!HELPER_NAME.test(name) || name.includes('..')) {
    return `${JSON.stringify(safeText(name, 100))} is not a valid credential helper name (letters, digits, '.', '_' and '-' only, no '..' or '/'): docker-credential-<name> is run from PATH`;
  }
  return undefined;
}

/** The most a helper may print: its answer is one small JSON object. */
const MAX_HELPER_OUTPUT = 1 << 20;

/** The first line of a helper's stderr, made safe and short, for a message. Never its stdout. */
function firstLine(stderr: string): string {
  const line = stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return safeText(line.trim(), 200);
}

/** Ends the helper and everything it started (its process group, where there is one). */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    // Already gone.
    try {
      child.kill('SIGKILL');
    } catch {
      // Nothing left to end.
    }
  }
}

/** Helpers still running: ended with their process groups when the CLI is interrupted. */
const runningHelpers = new Set<ChildProcess>();

/**
 * Ends every credential helper still running, and what each started. A helper runs in its own
 * process group (so a timeout can end it whole), which also means Ctrl-C in the terminal does not
 * reach it: whoever is interrupted calls this before exiting.
 */
export function stopCredentialHelpers(): void {
  for (const child of runningHelpers) killTree(child);
  runningHelpers.clear();
}

/**
 * `docker-credential-<name> get` with the server URL on stdin; its answer is
 * `{"ServerURL","Username","Secret"}` (Username `<token>`: Secret is an identity token). "Not found"
 * answers mean no credentials; a missing or failing helper is an error saying which helper. The
 * helper runs in its own process group, which is killed whole on timeout, so nothing it started
 * outlives it. Messages quote only the first line of its stderr: its stdout may hold the secret.
 */
export function runCredentialHelper(name: string, serverUrl: string, options: { timeoutMs?: number; source?: string } = {}): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  const source = options.source ?? program;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const invalid = invalidHelperName(name);
  if (invalid !== undefined) return Promise.reject(new RegistryError('unauthorized', `refusing to run a credential helper: ${invalid}`));
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(program, ['get'], { detached: process.platform !== 'win32', stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      reject(new RegistryError('unauthorized', `the credential helper ${source} could not be started: ${safeText((error as Error).message, 200)}`));
      return;
    }
    runningHelpers.add(child);
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      runningHelpers.delete(child);
      clearTimeout(timer);
      action();
    };
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outputBytes = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > MAX_HELPER_OUTPUT) {
        killTree(child);
        settle(() => reject(new RegistryError('unauthorized', `the credential helper ${program} printed more than ${MAX_HELPER_OUTPUT.toLocaleString('en-US')} bytes; its answer was not used`)));
        return;
      }
      into.push(chunk);
    };
    child.stdout?.on('data', collect(stdout));
    child.stderr?.on('data', collect(stderr));
    const timer = setTimeout(() => {
      killTree(child);
      settle(() => reject(new RegistryError('timeout', `the credential helper ${program} did not answer within ${formatSeconds(timeoutMs)} s`)));
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') settle(() => reject(new RegistryError('unauthorized', `the credential helper ${source} is not installed or not on PATH`)));
      else settle(() => reject(new RegistryError('unauthorized', `the credential helper ${program} could not be run: ${safeText(error.message, 200)}`)));
    });
    // 'close': the helper has exited and its output is complete (or something it started still holds it open until the timeout).
    child.on('close', (code, signal) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (code !== 0) {
        // The helpers' own words for "nothing stored for this server".
        if (/credentials not found|not found in native keychain|no credentials/i.test(`${out}\n${err}`)) {
          settle(() => resolve(undefined));
          return;
        }
        const reason = firstLine(err) || (signal ? `killed by ${signal}` : `exit status ${code ?? 'unknown'}`);
        settle(() => reject(new RegistryError('unauthorized', `the credential helper ${program} failed: ${reason}`)));
        return;
      }
      let value: { Username?: unknown; Secret?: unknown };
      try {
        value = JSON.parse(out) as typeof value;
      } catch {
        settle(() => reject(new RegistryError('unauthorized', `the credential helper ${program} answered something that is not JSON`)));
        return;
      }
      const username = typeof value?.Username === 'string' ? value.Username : '';
      const secret = typeof value?.Secret === 'string' ? value.Secret : '';
      settle(() => {
        if (secret === '' && username === '') resolve(undefined);
        else if (username === '<token>') resolve({ kind: 'identity-token', identityToken: secret, source });
        else resolve({ kind: 'basic', username, password: secret, source });
      });
    });
    child.stdin?.on('error', () => {
      // The helper may exit before reading; its exit status tells the story.
    });
    child.stdin?.end(serverUrl);
  });
}

/** `Basic <base64 user:password>`. */
export function basicAuthorization(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}
