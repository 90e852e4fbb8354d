// The alternative a user has today: vscode-json-languageservice validating against the official
// OCI JSON Schemas. The schemas are read at run time from the Debian package
// golang-github-opencontainers-image-spec-dev (never copied into the repository, never fetched).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export const SCHEMA_PACKAGE = 'golang-github-opencontainers-image-spec-dev';

/** Which official schema validates which document kind. */
export const SCHEMA_FOR_KIND = {
  index: 'image-index-schema.json',
  manifest: 'image-manifest-schema.json',
  config: 'config-schema.json',
  layout: 'image-layout-schema.json',
};

/** The directory holding image-spec's schema/*.json, or a reason why there is none. */
export function findSchemaDirectory() {
  let listing;
  try {
    listing = execFileSync('dpkg', ['-L', SCHEMA_PACKAGE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return { reason: `the Debian package ${SCHEMA_PACKAGE} is not installed (apt-get install -y ${SCHEMA_PACKAGE})` };
  }
  const indexSchema = listing.split('\n').find((line) => line.endsWith('/schema/image-index-schema.json'));
  if (!indexSchema || !existsSync(indexSchema)) {
    return { reason: `the Debian package ${SCHEMA_PACKAGE} lists no schema/image-index-schema.json` };
  }
  return { dir: path.dirname(indexSchema) };
}

/**
 * A JSON language service configured with the OCI schemas. `$ref`s are relative file names
 * ("defs-descriptor.json#/…"), resolved against the referring schema's file URI; the schemas'
 * own `id`s (https://opencontainers.org/schema/…) are mapped to their files too, so nothing is
 * ever requested from the network.
 */
export async function createJsonLanguageService(schemaDir) {
  const ls = require('vscode-json-languageservice');
  const byUri = new Map();
  for (const name of readdirSync(schemaDir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(schemaDir, name);
    const content = readFileSync(file, 'utf8');
    byUri.set(pathToFileURL(file).href, content);
    const id = JSON.parse(content).id ?? JSON.parse(content).$id;
    if (typeof id === 'string') byUri.set(id.replace(/#$/, ''), content);
  }
  const requested = new Set();
  const service = ls.getLanguageService({
    schemaRequestService: (uri) => {
      requested.add(uri);
      const content = byUri.get(uri.replace(/#$/, ''));
      return content !== undefined ? Promise.resolve(content) : Promise.reject(`no local schema for ${uri} (the benchmark makes no network requests)`);
    },
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
  });
  const schemas = Object.entries(SCHEMA_FOR_KIND).map(([kind, file]) => ({
    uri: pathToFileURL(path.join(schemaDir, file)).href,
    fileMatch: [`*.${kind}.json`],
  }));
  service.configure({ validate: true, allowComments: false, schemas });
  return {
    /** Parse and validate `text` as a document of `kind`; resolves with the diagnostics. */
    async validate(text, kind, version = 1) {
      const uri = `file:///bench/document.${SCHEMA_FOR_KIND[kind] ? kind : 'other'}.json`;
      const document = ls.TextDocument.create(uri, 'json', version, text);
      const json = service.parseJSONDocument(document);
      return service.doValidation(document, json, { comments: 'error', trailingCommas: 'error', schemaValidation: 'error', schemaRequest: 'error' });
    },
    requested,
  };
}

export const packageVersion = () => {
  const main = require.resolve('vscode-json-languageservice');
  let dir = path.dirname(main);
  while (!existsSync(path.join(dir, 'package.json')) || JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== 'vscode-json-languageservice') {
    dir = path.dirname(dir);
  }
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
};

// Keep fileURLToPath imported for callers that want to show the schema files.
export { fileURLToPath };
