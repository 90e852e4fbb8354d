#!/usr/bin/env node
// Runs the in-editor suite (test/vscode) in a real VS Code without internet: the VS Code server
// from the npm package `code-server`, driven by Debian's chromium through playwright-core. See
// test/vscode/README.md for how it works.
//
//   node scripts/vscode-test/offline.mjs                      test the working tree (dist/ bundles)
//   node scripts/vscode-test/offline.mjs --vsix <file>        test an installed .vsix instead
//   node scripts/vscode-test/offline.mjs --packaged           same, with the `npm run package` output
//   node scripts/vscode-test/offline.mjs --screenshots docs   also save README screenshots there
//   --trusted                                                 trust the folder (default: Restricted Mode);
//                                                             also starts docker-registry for the registry suite
//   --keep                                                    keep the temporary folder and its logs
//
// Environment: IMAGE_MANIFEST_VSCODE_CACHE (where VS Code is installed once),
// IMAGE_MANIFEST_VSCODE_TIMEOUT (seconds for the suite, default 360), IMAGE_MANIFEST_CHROMIUM
// (browser binary, default /usr/bin/chromium), IMAGE_MANIFEST_TEST_GREP (mocha grep).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ENV,
  checkBuilt,
  copyWorkspace,
  fail,
  findFiles,
  formatResults,
  log,
  makeTempDir,
  repoRoot,
  runnerExtension,
  scenesIndex,
  secondsFromEnv,
  suiteIndex,
  tail,
  waitForFile,
} from './common.mjs';
import { ensureVSCode } from './vscode-cache.mjs';
import { REGISTRY_ENV, startTestRegistry } from './registry.mjs';
import { SCENES } from './scenes.mjs';

const BROWSER_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // No crash-report database in the user's ~/.config and no crashpad helpers outliving the run.
  '--disable-breakpad',
];

/** Everything started here, stopped in reverse order exactly once, whatever ends the run. */
class Cleanup {
  #steps = [];
  #running;
  add(step) {
    this.#steps.push(step);
  }
  /** A second caller (a signal during cleanup) waits for the same cleanup instead of exiting early. */
  run() {
    this.#running ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step();
        } catch (error) {
          log(`cleanup: ${error.message}`);
        }
      }
    })();
    return this.#running;
  }
}

const cleanup = new Cleanup();
/** Process groups still to kill if the process exits without running the async cleanup. */
const groups = new Set();

process.on('exit', () => {
  for (const pid of groups) killGroupNow(pid, 'SIGKILL');
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanup.run().finally(() => process.exit(code));
  });
}

function killGroupNow(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Stops a detached child with everything it started (extension host, language server). */
async function stopGroup(child, name) {
  groups.delete(child.pid);
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroupNow(child.pid, 'SIGKILL'); // grandchildren may outlive their parent
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroupNow(child.pid, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000));
  if ((await Promise.race([exited, timer])) === 'timeout') log(`${name} ignored SIGTERM; killing`);
  killGroupNow(child.pid, 'SIGKILL');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function serverArgs(vscode, dirs) {
  return [
    vscode.serverMain,
    '--accept-server-license-terms',
    '--user-data-dir', dirs.userData,
    '--server-data-dir', dirs.serverData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
  ];
}

async function startServer(vscode, dirs, env, { name = 'server', extraArgs = [] } = {}) {
  const port = await freePort();
  const logFile = path.join(dirs.tmp, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const args = [
    ...serverArgs(vscode, dirs),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    // Without it the built workbench ignores the extension-development payload.
    '--enable-smoke-test-driver',
    ...extraArgs,
  ];
  const child = spawn(vscode.nodeBin, args, { env, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  groups.add(child.pid);
  cleanup.add(() => stopGroup(child, 'VS Code server'));
  const exitState = () => (child.exitCode !== null || child.signalCode !== null ? `the VS Code server exited (${child.signalCode ?? child.exitCode}; log: ${logFile})` : undefined);

  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    const dead = exitState();
    if (dead) throw fail(`${dead}\n${tail(logFile)}`);
    if (Date.now() > deadline) throw fail(`the VS Code server did not listen on port ${port} within 60 s\n${tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, child, logFile, exitState, stop: () => stopGroup(child, 'VS Code server') };
}

/** `--install-extension` into the private extensions folder; returns the installed folder. */
function installVsix(vscode, dirs, vsix) {
  const result = spawnSync(vscode.nodeBin, [...serverArgs(vscode, dirs), '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw fail(`installing ${vsix} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const installed = path.join(dirs.extensions, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  if (!fs.existsSync(path.join(installed, 'package.json'))) {
    throw fail(`${vsix} did not install to ${installed}; the extensions folder has: ${fs.readdirSync(dirs.extensions).join(', ')}`);
  }
  log(`installed ${path.basename(vsix)} to ${installed}`);
  return installed;
}

async function launchBrowser(dirs) {
  // Deferred so that `--help` and build checks work before `npm install`.
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.IMAGE_MANIFEST_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw fail(`no browser at ${executablePath} (run scripts/ci/install-vscode-deps.sh)`);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: BROWSER_FLAGS,
    // This script owns the signal handling and closes the browser in its cleanup.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  cleanup.add(() => browser.close());
  const browserLog = path.join(dirs.tmp, 'browser.log');
  return { browser, browserLog };
}

async function openWorkbench({ browser, browserLog }, server, { folder, developmentPath, testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [];
  if (developmentPath) payload.push(['extensionDevelopmentPath', remote(developmentPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const page = await browser.newPage({
    viewport: { width: 1366, height: 800 },
    // `vscode.env.clipboard` in a browser workbench is the page's clipboard (Copy Document Digest).
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // The workbench's own errors (offline marketplace lookups and the like) are noise unless the
  // run fails; keep them in a file instead of the output.
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') fs.appendFileSync(browserLog, `[${message.type()}] ${message.text()}\n`);
  });
  page.on('pageerror', (error) => fs.appendFileSync(browserLog, `[pageerror] ${error.message}\n`));
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  return page;
}

/**
 * Screenshots for the README. Each scene is staged inside VS Code by test/vscode/src/scenes.ts
 * (which writes `<name>.ready`), captured here, and released (`<name>.done`) for the next one.
 */
async function takeScreenshots(vscode, browserHandle, dirs, env, { developmentPath, outDir }) {
  fs.mkdirSync(outDir, { recursive: true });
  // Scenes of the registry commands need the real docker-registry: the suite's own when it ran
  // trusted, else one started for the pictures (filled the same way) and stopped after them.
  let scenes = SCENES;
  let registry;
  if (scenes.some((scene) => scene.registry) && !env[REGISTRY_ENV.host]) {
    registry = await startTestRegistry({ trusted: true });
    cleanup.add(() => registry.stop());
    if (!registry.env[REGISTRY_ENV.host]) {
      log(`skipping the registry screenshots: ${registry.env[REGISTRY_ENV.skip]}`);
      scenes = scenes.filter((scene) => !scene.registry);
    }
    env = { ...env, ...registry.env };
    delete env[REGISTRY_ENV.skip];
  }
  try {
    await takeScenes(vscode, browserHandle, dirs, env, { developmentPath, outDir, scenes });
  } finally {
    await registry?.stop();
  }
}

async function takeScenes(vscode, browserHandle, dirs, env, { developmentPath, outDir, scenes }) {
  fs.writeFileSync(path.join(dirs.scenes, 'scenes.json'), JSON.stringify(scenes.map((scene) => scene.name)));
  // A fresh, untouched workspace: the suite's copies and settings would show in the pictures.
  const folder = copyWorkspace(path.join(dirs.tmp, 'screenshots-workspace'));
  fs.writeFileSync(
    path.join(folder, '.vscode', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'files.exclude': { '.vscode': true },
      // The minimap would cut off the end of a digest line.
      'editor.minimap.enabled': false,
      // Sticky scroll pins `"config": {` over the top lines, which reads as a rendering glitch.
      'editor.stickyScroll.enabled': false,
    }),
  );
  // The suite runs in Restricted Mode, as users first meet it; the pictures are of a trusted
  // folder, without the Restricted Mode banner across the top.
  const server = await startServer(vscode, dirs, env, { name: 'screenshots-server', extraArgs: ['--disable-workspace-trust'] });
  try {
    const page = await openWorkbench(browserHandle, server, { folder, developmentPath, testsPath: scenesIndex });
    for (const scene of scenes) {
      await waitForFile(path.join(dirs.scenes, `${scene.name}.ready`), {
        timeoutMs: 120_000,
        what: `the "${scene.name}" scene`,
        stillAlive: server.exitState,
      });
      for (const selector of scene.waitFor ?? []) await page.waitForSelector(selector, { state: 'visible', timeout: 30_000 });
      if (scene.arrange) {
        await scene.arrange(page);
        for (const selector of scene.thenWaitFor ?? []) await page.waitForSelector(selector, { state: 'visible', timeout: 30_000 });
      }
      // Let the last layout and paint settle: two animation frames.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const file = path.join(outDir, scene.file);
      await page.screenshot({ path: file });
      log(`saved ${path.relative(process.cwd(), file)}`);
      fs.writeFileSync(path.join(dirs.scenes, `${scene.name}.done`), '');
    }
    await page.close();
  } catch (error) {
    log(`screenshots server log (tail):\n${tail(server.logFile, 20)}`);
    throw error;
  } finally {
    await server.stop();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      vsix: { type: 'string' },
      packaged: { type: 'boolean', default: false },
      screenshots: { type: 'string' },
      keep: { type: 'boolean', default: false },
      trusted: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
    return 0;
  }
  let vsix = values.vsix ? path.resolve(values.vsix) : undefined;
  if (values.packaged) {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  }
  if (vsix && !fs.existsSync(vsix)) throw fail(`no such file: ${vsix}`);
  checkBuilt({ needBundle: !vsix });
  const timeoutMs = secondsFromEnv('IMAGE_MANIFEST_VSCODE_TIMEOUT', 360) * 1000;

  const vscode = await ensureVSCode({
    onChild: (child) => {
      groups.add(child.pid);
      child.once('exit', () => groups.delete(child.pid));
    },
  });

  const tmp = makeTempDir();
  cleanup.add(() => {
    if (values.keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  });
  const dirs = {
    tmp,
    userData: path.join(tmp, 'ud'),
    serverData: path.join(tmp, 'sd'),
    extensions: path.join(tmp, 'ext'),
    scenes: path.join(tmp, 'scenes'),
  };
  for (const dir of [dirs.userData, dirs.serverData, dirs.extensions, dirs.scenes]) fs.mkdirSync(dir, { recursive: true });
  const resultsFile = path.join(tmp, 'results.json');

  // The extension under test: the working tree, or the installed .vsix with a code-less runner
  // extension as the development path (VS Code only loads a test suite on behalf of one).
  let extensionRoot = repoRoot;
  let developmentPath = repoRoot;
  if (vsix) {
    extensionRoot = installVsix(vscode, dirs, vsix);
    developmentPath = runnerExtension;
  }

  // The registry suite needs a trusted window; the registry stops with everything else.
  const registry = await startTestRegistry({ trusted: values.trusted });
  cleanup.add(() => registry.stop());

  // The extension host is started by the VS Code server, not by this script, so the suite's
  // settings travel through the server's environment.
  const env = {
    ...process.env,
    ...registry.env,
    [ENV.results]: resultsFile,
    [ENV.extensionRoot]: extensionRoot,
    [ENV.scenes]: dirs.scenes,
    [ENV.trusted]: values.trusted ? '1' : '0',
  };
  const started = Date.now();
  // A folder opened this way starts in Restricted Mode, which is how users first meet the
  // extension, so that is the default; --trusted covers the other half.
  const server = await startServer(vscode, dirs, env, { extraArgs: values.trusted ? ['--disable-workspace-trust'] : [] });
  log(`VS Code server on 127.0.0.1:${server.port}; testing ${vsix ? path.basename(vsix) : 'the working tree'} in ${values.trusted ? 'a trusted folder' : 'Restricted Mode'}`);
  const browserHandle = await launchBrowser(dirs);
  const folder = copyWorkspace(path.join(tmp, 'workspace'));

  let outcome;
  try {
    const page = await openWorkbench(browserHandle, server, { folder, developmentPath, testsPath: suiteIndex });
    await waitForFile(resultsFile, { timeoutMs, what: 'test results', stillAlive: server.exitState });
    log(`suite finished ${Math.round((Date.now() - started) / 1000)} s after the server started`);
    outcome = formatResults(resultsFile);
    await page.close();
    if (values.screenshots) {
      // The suite's server has done its job; stopping it halves the memory the pictures need.
      await server.stop();
      await takeScreenshots(vscode, browserHandle, dirs, env, { developmentPath, outDir: path.resolve(values.screenshots) });
    }
  } catch (error) {
    reportLogs(dirs, server, browserHandle.browserLog, registry);
    throw error;
  } finally {
    if (outcome?.exitCode) reportLogs(dirs, server, browserHandle.browserLog, registry);
  }
  await cleanup.run();
  process.stdout.write(outcome.text);
  return outcome.exitCode;
}

/** Where to look when the run failed: VS Code's own logs and the extension's output channel. */
function reportLogs(dirs, server, browserLog, registry) {
  log(`VS Code server log (tail):\n${tail(server.logFile, 20)}`);
  if (registry.logs) log(`docker-registry log (tail):\n${registry.logs().trimEnd().split('\n').slice(-20).join('\n')}`);
  log(`browser console (tail):\n${tail(browserLog, 20)}`);
  // The remote extension host logs under the user-data folder, the server under its own.
  const logs = [...findFiles(dirs.userData, /remoteexthost\.log$|Image Manifest\.log$/), ...findFiles(dirs.serverData, /\.log$/)];
  for (const file of logs) {
    log(`${path.relative(dirs.tmp, file)} (tail):\n${tail(file, 30)}`);
  }
}

main().then(
  async (code) => {
    await cleanup.run();
    process.exit(code);
  },
  async (error) => {
    await cleanup.run();
    log(error.expected ? error.message : error.stack);
    process.exit(1);
  },
);
