/**
 * A real distribution registry (the Debian package `docker-registry`, 2.8) for tests, started on
 * 127.0.0.1 with a temporary config and storage, and filled by the real `skopeo` from layouts the
 * real `umoci` builds. Usable from node:test and from any other runner (the VS Code test launcher
 * requires the compiled test/out/helpers/registry.js): plain node APIs, nothing of node:test.
 *
 *   const registry = await startRegistry({ auth: 'htpasswd' });
 *   const filled = await fillRegistry(registry);          // repository `test/multi`, tags multi, amd64
 *   ...   // http://${registry.host}/v2/test/multi/manifests/multi
 *   await registry.stop();
 *
 * Nothing here reaches beyond 127.0.0.1. Registries still running when the process exits are killed.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTokenServer, type TokenServer } from './token-server';

export const REGISTRY_BINARY = 'docker-registry';

export interface TestUser {
  readonly username: string;
  readonly password: string;
}

/** The users every auth mode knows unless told otherwise. */
export const TEST_USERS: readonly TestUser[] = [
  { username: 'alice', password: 'alice-secret-1' },
  { username: 'bob', password: 'bob-secret-2' },
];

export interface StartRegistryOptions {
  /** `none` (default): anyone may pull and push. `htpasswd`: Basic auth. `token`: the bearer-token flow. */
  readonly auth?: 'none' | 'htpasswd' | 'token';
  /** For htpasswd and token modes; default TEST_USERS. */
  readonly users?: readonly TestUser[];
  /** Token mode: anonymous token requests get `pull` (default: nothing, so anonymous pulls are denied). */
  readonly anonymousPull?: boolean;
  /** Token mode: refresh tokens (identity tokens) the token endpoint accepts, each naming its user. */
  readonly identityTokens?: Readonly<Record<string, string>>;
  /** Token mode: `expires_in` of issued tokens, seconds (default 300). */
  readonly tokenExpiresIn?: number;
  /** Seconds to wait for `/v2/` to answer (default 30: the test machines are loaded). */
  readonly startTimeoutSeconds?: number;
}

export interface StartedRegistry {
  /** `127.0.0.1:<port>`, as a reference's registry part. */
  readonly host: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly auth: 'none' | 'htpasswd' | 'token';
  readonly users: readonly TestUser[];
  /** The temporary folder holding config.yml, storage/, the log and (token mode) the key and cert. */
  readonly dir: string;
  readonly configFile: string;
  readonly storageDir: string;
  /** Token mode: the token endpoint, its requests (never their secrets) and the names it uses. */
  readonly token?: TokenServer;
  /** Everything the registry wrote to stdout and stderr so far. */
  logs(): string;
  /** Kills the registry (and the token endpoint) and removes the folder. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function toolWorks(name: string, args: readonly string[]): boolean {
  const run = spawnSync(name, args, { stdio: 'ignore' });
  return !run.error && run.status === 0;
}

/**
 * Why the registry tests cannot run here, or false when they can. With `CI` set a missing tool is
 * an error (thrown), never a silent skip: CI installs them (.ci/run).
 */
export function registrySkipReason(tools: readonly ('docker-registry' | 'skopeo' | 'umoci' | 'htpasswd' | 'openssl')[] = ['docker-registry', 'skopeo', 'umoci']): string | false {
  const checks: Record<string, readonly string[]> = {
    'docker-registry': ['--version'],
    skopeo: ['--version'],
    umoci: ['--version'],
    htpasswd: ['-nbB', 'probe', 'probe'],
    openssl: ['version'],
  };
  const missing = tools.filter((tool) => !toolWorks(tool, checks[tool]));
  if (missing.length === 0) return false;
  const reason = `${missing.join(', ')} not installed (Debian packages: docker-registry, skopeo, umoci, apache2-utils, openssl)`;
  if (process.env.CI) throw new Error(`registry tests cannot run in CI: ${reason}`);
  return reason;
}

/** A port on 127.0.0.1 that was free a moment ago (the registry start retries if it is taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One GET to 127.0.0.1 that resolves with the status, or undefined when nothing answers. */
function probe(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

function htpasswdLine(user: TestUser): string {
  // bcrypt, as the registry requires; made by the real htpasswd (apache2-utils).
  const run = spawnSync('htpasswd', ['-Bbn', user.username, user.password], { encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`htpasswd failed: ${run.error?.message ?? run.stderr}`);
  return run.stdout.trim();
}

function configYaml(port: number, storageDir: string, auth: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storageDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    auth,
    '',
  ].join('\n');
}

/** Starts a registry; resolves once `/v2/` answers (200, or 401 with auth). */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<StartedRegistry> {
  const mode = options.auth ?? 'none';
  const users = options.users ?? TEST_USERS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-registry-'));
  const storageDir = path.join(dir, 'storage');
  fs.mkdirSync(storageDir);
  const configFile = path.join(dir, 'config.yml');
  const logFile = path.join(dir, 'registry.log');
  let token: TokenServer | undefined;
  let authYaml = '';
  try {
    if (mode === 'htpasswd') {
      const file = path.join(dir, 'htpasswd');
      fs.writeFileSync(file, users.map(htpasswdLine).join('\n') + '\n');
      authYaml = ['auth:', '  htpasswd:', '    realm: image-manifest-test', `    path: ${JSON.stringify(file)}`].join('\n');
    } else if (mode === 'token') {
      token = await startTokenServer({ dir, users, anonymousPull: options.anonymousPull, identityTokens: options.identityTokens, expiresIn: options.tokenExpiresIn });
      authYaml = [
        'auth:',
        '  token:',
        `    realm: ${JSON.stringify(token.realm)}`,
        `    service: ${JSON.stringify(token.service)}`,
        `    issuer: ${JSON.stringify(token.issuer)}`,
        `    rootcertbundle: ${JSON.stringify(token.certFile)}`,
      ].join('\n');
    }
  } catch (error) {
    await token?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  installExitHook();
  const deadline = Date.now() + (options.startTimeoutSeconds ?? 30) * 1000;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    fs.writeFileSync(configFile, configYaml(port, storageDir, authYaml));
    const out = fs.openSync(logFile, 'a');
    const child = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    running.add(child);
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
    });
    child.on('error', (error) => {
      spawnError = error;
      running.delete(child);
    });
    const url = `http://127.0.0.1:${port}`;
    const logs = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    for (;;) {
      if (spawnError) {
        await token?.close();
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(`cannot start ${REGISTRY_BINARY}: ${spawnError.message}`);
      }
      if (exited) break;
      const status = await probe(`${url}/v2/`);
      if (status === 200 || status === 401) {
        const stop = async (): Promise<void> => {
          if (!exited && !spawnError) {
            const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await gone;
            clearTimeout(timer);
          }
          await token?.close();
          fs.rmSync(dir, { recursive: true, force: true });
        };
        return { host: `127.0.0.1:${port}`, url, auth: mode, users, dir, configFile, storageDir, token, logs, stop };
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await token?.close();
        const text = logs();
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(`${REGISTRY_BINARY} did not answer on ${url}/v2/ in time; its log:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // It exited before answering: most likely the port was taken meanwhile; try another.
    const text = logs();
    if (attempt >= 5 || !/address already in use/i.test(text)) {
      await token?.close();
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`${REGISTRY_BINARY} exited (${exited?.code ?? exited?.signal}) before answering; its log:\n${text}`);
    }
  }
}

/** Runs a tool asynchronously (the token endpoint lives in this process and must keep answering). */
export function runTool(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

export interface PushImageOptions {
  /** Credentials for skopeo's `--dest-creds` (htpasswd and token registries). */
  readonly creds?: TestUser;
  /** Copy every manifest of an index (`--all`); default true. */
  readonly all?: boolean;
}

/**
 * `skopeo copy --dest-tls-verify=false --all --preserve-digests oci:<layout>:<sourceTag>
 * docker://<host>/<repository>:<tag>`: the registry then serves the layout's bytes unchanged.
 */
export async function pushImage(registry: { readonly host: string }, layoutDir: string, sourceTag: string, repository: string, tag: string = sourceTag, options: PushImageOptions = {}): Promise<void> {
  const args = ['copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests'];
  if (options.all ?? true) args.push('--all');
  if (options.creds) args.push('--dest-creds', `${options.creds.username}:${options.creds.password}`);
  else args.push('--dest-no-creds');
  args.push(`oci:${layoutDir}:${sourceTag}`, `docker://${registry.host}/${repository}:${tag}`);
  await runTool('skopeo', args);
}

export interface LayoutBlob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  /** The blob's file in the layout umoci wrote. */
  readonly file: string;
}

export interface FilledPlatform {
  readonly architecture: string;
  readonly os: string;
  /** The tag of this single-platform image in the layout and in the registry. */
  readonly tag: string;
  readonly manifest: LayoutBlob;
  readonly config: LayoutBlob;
  readonly layers: readonly LayoutBlob[];
}

export interface FilledRegistry {
  readonly repository: string;
  /** The OCI layout the images were built in (kept until the registry stops). */
  readonly layout: string;
  /** The multi-platform index, tagged `multi` in the registry. */
  readonly index: LayoutBlob & { readonly tag: string };
  /** linux/amd64 and linux/arm64, each also pushed under its own tag. */
  readonly platforms: readonly FilledPlatform[];
}

const OCI_INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

function blobPath(layout: string, digest: string): string {
  return path.join(layout, 'blobs', ...digest.split(':'));
}

function layoutBlob(layout: string, descriptor: { mediaType: string; digest: string; size: number }): LayoutBlob {
  return { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size, file: blobPath(layout, descriptor.digest) };
}

/**
 * Builds with umoci an OCI layout holding a linux/amd64 and a linux/arm64 image (one small layer
 * each, different contents), adds a multi-platform index over both, and copies it into the
 * registry with skopeo: `<repository>:multi` (the index and both children), `:amd64`, `:arm64`.
 */
export async function fillRegistry(registry: StartedRegistry | { readonly host: string; readonly dir?: string }, options: { repository?: string; creds?: TestUser } = {}): Promise<FilledRegistry> {
  const repository = options.repository ?? 'test/multi';
  const creds = options.creds ?? ('users' in registry && registry.auth !== 'none' ? registry.users[0] : undefined);
  const base = fs.mkdtempSync(path.join(registry.dir ?? os.tmpdir(), 'fill-'));
  const layout = path.join(base, 'L');
  await runTool('umoci', ['init', '--layout', layout]);
  const platforms: FilledPlatform[] = [];
  for (const architecture of ['amd64', 'arm64']) {
    const tree = path.join(base, `tree-${architecture}`);
    fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'etc', 'platform'), `linux/${architecture}\n`);
    fs.writeFileSync(path.join(tree, 'hello.txt'), `hello from ${architecture}\n`);
    await runTool('umoci', ['new', '--image', `${layout}:${architecture}`]);
    await runTool('umoci', ['insert', '--image', `${layout}:${architecture}`, tree, '/']);
    await runTool('umoci', ['config', '--image', `${layout}:${architecture}`, '--architecture', architecture, '--os', 'linux', '--config.cmd', '/hello.txt']);
  }
  const indexFile = path.join(layout, 'index.json');
  const top = JSON.parse(fs.readFileSync(indexFile, 'utf8')) as { manifests: Array<{ mediaType: string; digest: string; size: number; annotations?: Record<string, string> }> };
  for (const architecture of ['amd64', 'arm64']) {
    const entry = top.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === architecture);
    if (!entry) throw new Error(`umoci wrote no manifest tagged ${architecture}`);
    const manifest = JSON.parse(fs.readFileSync(blobPath(layout, entry.digest), 'utf8')) as { config: LayoutBlob; layers: LayoutBlob[] };
    platforms.push({
      architecture,
      os: 'linux',
      tag: architecture,
      manifest: layoutBlob(layout, entry),
      config: layoutBlob(layout, manifest.config),
      layers: manifest.layers.map((layer) => layoutBlob(layout, layer)),
    });
  }
  const indexText = JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX_TYPE,
      manifests: platforms.map((p) => ({ mediaType: p.manifest.mediaType, digest: p.manifest.digest, size: p.manifest.size, platform: { architecture: p.architecture, os: p.os } })),
    },
    null,
    2,
  );
  const indexDigest = `sha256:${createHash('sha256').update(indexText).digest('hex')}`;
  const indexBlob = blobPath(layout, indexDigest);
  fs.writeFileSync(indexBlob, indexText);
  top.manifests.push({ mediaType: OCI_INDEX_TYPE, digest: indexDigest, size: Buffer.byteLength(indexText), annotations: { 'org.opencontainers.image.ref.name': 'multi' } });
  fs.writeFileSync(indexFile, JSON.stringify(top));

  await pushImage(registry, layout, 'multi', repository, 'multi', { creds });
  for (const p of platforms) await pushImage(registry, layout, p.tag, repository, p.tag, { creds });
  return {
    repository,
    layout,
    index: { tag: 'multi', mediaType: OCI_INDEX_TYPE, digest: indexDigest, size: Buffer.byteLength(indexText), file: indexBlob },
    platforms,
  };
}
