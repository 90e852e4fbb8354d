#!/usr/bin/env node
// `npm run test:vscode`: runs the in-editor suite with the launcher that can work here.
//
// Offline (VS Code from the npm registry, in a browser) is the default, because CI and these
// machines cannot download VS Code, and probing the network from CI is not acceptable. Choose:
//   IMAGE_MANIFEST_VSCODE_ONLINE=1      use @vscode/test-electron (downloads VS Code)
//   IMAGE_MANIFEST_VSCODE_ONLINE=auto   probe the download service (3 s), electron if reachable
//   --electron / --offline              force one; other arguments go to the chosen launcher
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

async function downloadServiceReachable() {
  try {
    const response = await fetch('https://update.code.visualstudio.com/api/releases/stable', {
      method: 'HEAD',
      signal: AbortSignal.timeout(3000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function choose() {
  if (args.includes('--electron')) return 'electron';
  if (args.includes('--offline')) return 'offline';
  const online = process.env.IMAGE_MANIFEST_VSCODE_ONLINE ?? '';
  if (online === '1' || online === 'true') return 'electron';
  if (online === 'auto') return (await downloadServiceReachable()) ? 'electron' : 'offline';
  return 'offline';
}

const launcher = await choose();
const rest = args.filter((a) => a !== '--electron' && a !== '--offline');
if (launcher === 'electron' && rest.length > 0) {
  process.stderr.write(`[vscode-test] ${rest.join(' ')}: only the offline launcher takes these options\n`);
  process.exit(2);
}
process.stderr.write(`[vscode-test] launcher: ${launcher}\n`);
const child = spawn(process.execPath, [path.join(here, `${launcher}.mjs`), ...rest], { stdio: 'inherit' });
// The launcher has its own cleanup; pass the signals on and wait for it to finish.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
