import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { DocumentKind } from './types';

/** The schema file that describes each kind; configs of both families share one. */
const SCHEMA_FILE_BY_KIND: Record<Exclude<DocumentKind, 'unknown'>, string> = {
  'oci-manifest': 'oci-manifest.schema.json',
  'oci-index': 'oci-index.schema.json',
  'docker-manifest': 'docker-manifest.schema.json',
  'docker-manifest-list': 'docker-manifest-list.schema.json',
  'docker-schema1': 'docker-schema1.schema.json',
  'oci-config': 'image-config.schema.json',
  'docker-config': 'image-config.schema.json',
  'oci-layout': 'oci-layout.schema.json',
};

export const ARTIFACT_MANIFEST_SCHEMA = 'oci-artifact-manifest.schema.json';

let schemaDirectory: string | undefined;

/**
 * `schemas/` sits at the repository root; the compiled service (server/out/service) and the
 * bundle (dist/) both find it by walking up from their own location.
 */
export function findSchemaDirectory(start: string = __dirname): string {
  if (schemaDirectory) return schemaDirectory;
  let current = start;
  for (;;) {
    for (const candidate of [path.join(current, 'schemas'), path.join(current, 'node_modules', 'image-manifest-language-server', 'schemas')]) {
      if (fs.existsSync(path.join(candidate, 'descriptor.schema.json'))) {
        schemaDirectory = candidate;
        return candidate;
      }
    }
    const parent = path.dirname(current);
    if (parent === current) throw new Error(`image-manifest: cannot find the schemas/ folder above ${start}`);
    current = parent;
  }
}

const loadedSchemas = new Map<string, Record<string, unknown>>();

export function loadSchema(file: string): Record<string, unknown> {
  let schema = loadedSchemas.get(file);
  if (!schema) {
    schema = JSON.parse(fs.readFileSync(path.join(findSchemaDirectory(), file), 'utf8')) as Record<string, unknown>;
    loadedSchemas.set(file, schema);
  }
  return schema;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorFor(file: string): ValidateFunction {
  let validator = validators.get(file);
  if (!validator) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: false });
      ajv.addSchema(loadSchema('descriptor.schema.json'));
    }
    validator = ajv.compile(loadSchema(file));
    validators.set(file, validator);
  }
  return validator;
}

export function schemaFileFor(kind: DocumentKind, artifactManifest = false): string | undefined {
  if (kind === 'unknown') return undefined;
  return artifactManifest ? ARTIFACT_MANIFEST_SCHEMA : SCHEMA_FILE_BY_KIND[kind];
}

/** Structural errors of `value` against the schema of its kind. */
export function structuralErrors(file: string, value: unknown): ErrorObject[] {
  const validate = validatorFor(file);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** Compiles every kind's validator now, so the first document opened does not wait for it. */
export function warmUpSchemas(): void {
  for (const file of new Set([...Object.values(SCHEMA_FILE_BY_KIND), ARTIFACT_MANIFEST_SCHEMA])) validatorFor(file);
}
