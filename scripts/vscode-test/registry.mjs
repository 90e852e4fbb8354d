// The real distribution registry (Debian's `docker-registry`) for the in-editor registry suite,
// started by the launcher and filled by skopeo through test/helpers/registry.ts (compiled to
// test/out/helpers/registry.js). The extension host is VS Code's child, not the launcher's, so
// what the suite needs travels in the environment (test/vscode/src/registry-env.ts reads it).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fail, log, repoRoot } from './common.mjs';

export const REGISTRY_ENV = {
  host: 'IMAGE_MANIFEST_TEST_REGISTRY',
  fill: 'IMAGE_MANIFEST_TEST_REGISTRY_FILL',
  skip: 'IMAGE_MANIFEST_TEST_REGISTRY_SKIP',
};

const helpers = path.join(repoRoot, 'test', 'out', 'helpers', 'registry.js');

/**
 * Starts and fills a registry when the run is trusted (the registry commands refuse in Restricted
 * Mode, so a Restricted Mode run has nothing to use it for). Resolves with the environment for
 * the VS Code server and a `stop`. Without the tools the suite is skipped with the reason, except
 * under CI, where that is an error: CI installs them.
 */
export async function startTestRegistry({ trusted }) {
  if (!trusted) return { env: { [REGISTRY_ENV.skip]: 'Restricted Mode run' }, stop: async () => {} };
  if (!fs.existsSync(helpers)) throw fail(`not built yet: ${path.relative(repoRoot, helpers)} (run: npx tsc -b)`);
  const { startRegistry, fillRegistry, registrySkipReason } = createRequire(import.meta.url)(helpers);
  let reason;
  try {
    reason = registrySkipReason();
  } catch (error) {
    throw fail(error.message);
  }
  if (reason) {
    log(`registry suite will be skipped: ${reason}`);
    return { env: { [REGISTRY_ENV.skip]: reason }, stop: async () => {} };
  }
  const started = Date.now();
  const registry = await startRegistry();
  try {
    const filled = await fillRegistry(registry);
    log(`docker-registry on ${registry.host} with ${filled.repository} (index and ${filled.platforms.length} platforms) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      env: { [REGISTRY_ENV.host]: registry.host, [REGISTRY_ENV.fill]: JSON.stringify(filled) },
      stop: () => registry.stop(),
      logs: () => registry.logs(),
    };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}
