/**
 * Field documentation from the JSON Schemas in `schemas/`, loaded at run time (they are the single
 * source of structure and field docs). Resolves a JSON path inside a document kind to the schema
 * that describes it, following `$ref`s between the schema files and merging `allOf`.
 */
import type { JSONPath } from 'jsonc-parser';
import type { KindDetection } from './kind';
import { loadSchema as loadSchemaFile, schemaFileFor } from './schemas';

export interface JsonSchema {
  $ref?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
  [key: string]: unknown;
}

/** A schema file by name, from the one loader the validator uses; undefined when unavailable. */
export function loadSchema(fileName: string): JsonSchema | undefined {
  try {
    return loadSchemaFile(fileName) as JsonSchema;
  } catch {
    return undefined;
  }
}

export function schemaFileForKind(detection: KindDetection): string | undefined {
  return schemaFileFor(detection.kind, detection.artifactManifest === true);
}

/** A schema with its `$ref`s followed and `allOf` merged; `description` prefers the referring one. */
export interface ResolvedSchema {
  readonly schema: JsonSchema;
  readonly file: string;
  readonly description?: string;
}

function pointer(schema: JsonSchema, fragment: string): JsonSchema | undefined {
  let current: unknown = schema;
  for (const raw of fragment.replace(/^\/?/, '').split('/')) {
    if (raw === '') continue;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current && typeof current === 'object' ? (current as JsonSchema) : undefined;
}

function deref(schema: JsonSchema, file: string, depth = 0): { schema: JsonSchema; file: string } | undefined {
  if (!schema.$ref || depth > 10) return { schema, file };
  const [target, fragment = ''] = schema.$ref.split('#');
  const targetFile = target === '' ? file : target;
  const base = loadSchema(targetFile);
  if (!base) return undefined;
  const resolved = fragment ? pointer(base, fragment) : base;
  if (!resolved) return undefined;
  return deref(resolved, targetFile, depth + 1);
}

/** Follows `$ref` and merges `allOf` members into one schema object. */
export function resolveSchema(schema: JsonSchema, file: string): ResolvedSchema | undefined {
  const target = deref(schema, file);
  if (!target) return undefined;
  let merged: JsonSchema = { ...target.schema };
  if (target.schema.allOf) {
    const properties: Record<string, JsonSchema> = { ...(target.schema.properties ?? {}) };
    const required = new Set(target.schema.required ?? []);
    for (const part of target.schema.allOf) {
      const resolvedPart = resolveSchema(part, target.file);
      if (!resolvedPart) continue;
      Object.assign(properties, resolvedPart.schema.properties ?? {});
      for (const name of resolvedPart.schema.required ?? []) required.add(name);
      merged = { ...resolvedPart.schema, ...merged };
      merged.description ??= resolvedPart.schema.description;
    }
    merged = { ...merged, properties, required: [...required] };
    delete merged.allOf;
  }
  return { schema: merged, file: target.file, description: schema.description ?? merged.description };
}

/** The schema describing the value at `path` in a document of the given kind. */
export function schemaAtPath(detection: KindDetection, path: JSONPath): ResolvedSchema | undefined {
  const file = schemaFileForKind(detection);
  const rootSchema = file ? loadSchema(file) : undefined;
  if (!file || !rootSchema) return undefined;
  let current = resolveSchema(rootSchema, file);
  for (const segment of path) {
    if (!current) return undefined;
    const schema = current.schema;
    let next: JsonSchema | undefined;
    if (typeof segment === 'number') {
      next = schema.items;
    } else {
      next = schema.properties?.[segment];
      if (!next && typeof schema.additionalProperties === 'object') next = schema.additionalProperties;
    }
    if (!next) return undefined;
    current = resolveSchema(next, current.file);
  }
  return current;
}

export interface PropertyDoc {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** The properties the schema defines for the object at `objectPath`, in schema order. */
export function propertiesAtPath(detection: KindDetection, objectPath: JSONPath): PropertyDoc[] {
  const resolved = schemaAtPath(detection, objectPath);
  if (!resolved?.schema.properties) return [];
  const required = new Set(resolved.schema.required ?? []);
  const result: PropertyDoc[] = [];
  for (const [name, raw] of Object.entries(resolved.schema.properties)) {
    const property = resolveSchema(raw, resolved.file);
    result.push({
      name,
      description: property?.description ?? raw.description,
      required: required.has(name),
      schema: property?.schema ?? raw,
    });
  }
  return result;
}

/** The description of the member at `path` (its own, or the referenced schema's). */
export function descriptionAtPath(detection: KindDetection, path: JSONPath): string | undefined {
  return schemaAtPath(detection, path)?.description;
}

/** The JSON types a schema allows, `null` last. */
export function schemaTypes(schema: JsonSchema): string[] {
  if (schema.const !== undefined) return [typeof schema.const === 'number' ? 'integer' : typeof schema.const];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  return [...types.filter((type) => type !== 'null'), ...types.filter((type) => type === 'null')];
}
