import * as fs from 'node:fs';
import * as path from 'node:path';

export const TOOL_NAME = 'image-manifest';

export interface ToolInfo {
  version: string;
  /** For SARIF viewers: the package's `homepage`; none (rather than a dead link) while it has none. */
  informationUri?: string;
}

let cached: ToolInfo | undefined;

/** Read from the server package.json at run time, so version and links cannot drift from it. */
export function toolInfo(): ToolInfo {
  if (cached) return cached;
  let manifest: { name?: unknown; version?: unknown; homepage?: unknown } = {};
  try {
    // out/cli/tool.js → server/package.json
    manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    // A broken install still checks files; it just reports a placeholder version.
  }
  cached = {
    version: typeof manifest.version === 'string' ? manifest.version : '0.0.0',
    informationUri: typeof manifest.homepage === 'string' ? manifest.homepage : undefined,
  };
  return cached;
}
