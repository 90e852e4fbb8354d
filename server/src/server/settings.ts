import { DEFAULT_VERIFY_MAX_SIZE, type VerifyDigests } from '../layout/fs-blob-store';
import { DEFAULT_MAX_VALIDATION_SIZE, DIAGNOSTIC_CODES, type RuleSetting } from '../service';

/** The configuration section the client owns; keys below are relative to it. */
export const SETTINGS_SECTION = 'imageManifest';

export interface ServerSettings {
  /** `imageManifest.validate.enable` */
  readonly validateEnable: boolean;
  /** `imageManifest.rules`: per-code severity or 'off', handed to the validator as is. */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  /** `imageManifest.maxValidationSize`: above this many characters only syntax and structure are checked. */
  readonly maxValidationSize: number;
  /** `imageManifest.inlayHints.sizes` */
  readonly inlayHintSizes: boolean;
  /** `imageManifest.documentDigest.codeLens` */
  readonly digestCodeLens: boolean;
  /** `imageManifest.layout.verifyDigests`: hash layout blobs and compare them with their digests. */
  readonly verifyDigests: VerifyDigests;
  /** `imageManifest.layout.verifyDigestsMaxSize`: the size limit of `auto`, in bytes. */
  readonly verifyDigestsMaxSize: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  validateEnable: true,
  rules: {},
  maxValidationSize: DEFAULT_MAX_VALIDATION_SIZE,
  inlayHintSizes: true,
  digestCodeLens: true,
  verifyDigests: 'auto',
  verifyDigestsMaxSize: DEFAULT_VERIFY_MAX_SIZE,
};

/** What one source of settings said; absent fields leave the lower layer in place. */
export interface PartialSettings {
  validateEnable?: boolean;
  rules?: Record<string, RuleSetting>;
  maxValidationSize?: number;
  inlayHintSizes?: boolean;
  digestCodeLens?: boolean;
  verifyDigests?: VerifyDigests;
  verifyDigestsMaxSize?: number;
}

const RULE_SETTINGS: ReadonlySet<string> = new Set<RuleSetting>(['off', 'error', 'warning', 'information', 'hint']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Finds the `imageManifest` section in whatever a client pushed (initializationOptions or a
 * didChangeConfiguration payload). Editors differ: some nest it under `imageManifest`, some send
 * flattened `imageManifest.rules` keys, some send the section's content directly.
 */
export function extractSection(payload: unknown): unknown {
  if (!isRecord(payload)) return undefined;
  if (SETTINGS_SECTION in payload) return payload[SETTINGS_SECTION];
  const prefix = `${SETTINGS_SECTION}.`;
  const flattened: Record<string, unknown> = {};
  let found = false;
  for (const [key, value] of Object.entries(payload)) {
    if (key.startsWith(prefix)) {
      flattened[key.slice(prefix.length)] = value;
      found = true;
    }
  }
  if (found) return flattened;
  if ('validate' in payload || 'rules' in payload || 'validate.enable' in payload || 'maxValidationSize' in payload || 'layout' in payload) return payload;
  return undefined;
}

/**
 * Reads the section's content. Values of the wrong shape are ignored, one by one, and reported
 * through `warn`, so a typo in one rule does not throw away the rest of the user's settings.
 */
export function readSection(section: unknown, warn: (problem: string) => void): PartialSettings {
  if (section === undefined || section === null) return {};
  if (!isRecord(section)) {
    warn(`"${SETTINGS_SECTION}" should be an object, got ${describe(section)}; using defaults.`);
    return {};
  }
  const result: PartialSettings = {};

  const validate = section['validate'];
  const enable = isRecord(validate) ? validate['enable'] : section['validate.enable'];
  if (enable !== undefined && enable !== null) {
    if (typeof enable === 'boolean') result.validateEnable = enable;
    else warn(`"${SETTINGS_SECTION}.validate.enable" should be true or false, got ${describe(enable)}; ignored.`);
  } else if (validate !== undefined && validate !== null && !isRecord(validate)) {
    warn(`"${SETTINGS_SECTION}.validate" should be an object, got ${describe(validate)}; ignored.`);
  }

  const rules = section['rules'];
  if (rules !== undefined && rules !== null) {
    if (!isRecord(rules)) {
      warn(`"${SETTINGS_SECTION}.rules" should be an object of code → severity, got ${describe(rules)}; ignored.`);
    } else {
      result.rules = {};
      for (const [code, setting] of Object.entries(rules)) {
        if (!Object.hasOwn(DIAGNOSTIC_CODES, code)) {
          warn(`"${SETTINGS_SECTION}.rules": unknown diagnostic code "${code}"; ignored.`);
        } else if (typeof setting !== 'string' || !RULE_SETTINGS.has(setting)) {
          warn(
            `"${SETTINGS_SECTION}.rules.${code}" should be one of ${[...RULE_SETTINGS].join(', ')}, got ${describe(setting)}; ignored.`,
          );
        } else {
          result.rules[code] = setting as RuleSetting;
        }
      }
    }
  }
  readBoolean(section, 'inlayHints', 'sizes', warn, (value) => (result.inlayHintSizes = value));
  readBoolean(section, 'documentDigest', 'codeLens', warn, (value) => (result.digestCodeLens = value));

  const layout = section['layout'];
  const layoutValue = (name: string): unknown => (isRecord(layout) ? layout[name] : section[`layout.${name}`]);
  const verify = layoutValue('verifyDigests');
  if (verify !== undefined && verify !== null) {
    if (verify === 'auto' || verify === 'always' || verify === 'never') result.verifyDigests = verify;
    else warn(`"${SETTINGS_SECTION}.layout.verifyDigests" should be "auto", "always" or "never", got ${describe(verify)}; ignored.`);
  }
  const verifyMax = layoutValue('verifyDigestsMaxSize');
  if (verifyMax !== undefined && verifyMax !== null) {
    if (typeof verifyMax === 'number' && Number.isFinite(verifyMax) && verifyMax >= 0) result.verifyDigestsMaxSize = verifyMax;
    else warn(`"${SETTINGS_SECTION}.layout.verifyDigestsMaxSize" should be a number of bytes (0 or more), got ${describe(verifyMax)}; ignored.`);
  }

  const maxSize = section['maxValidationSize'];
  if (maxSize !== undefined && maxSize !== null) {
    if (typeof maxSize === 'number' && Number.isFinite(maxSize) && maxSize >= 0) result.maxValidationSize = maxSize;
    else warn(`"${SETTINGS_SECTION}.maxValidationSize" should be a number of characters (0 or more), got ${describe(maxSize)}; ignored.`);
  }
  return result;
}

/** A boolean at `group.name`, nested (`{group: {name}}`) or flattened (`"group.name"`). */
function readBoolean(section: Record<string, unknown>, group: string, name: string, warn: (problem: string) => void, set: (value: boolean) => void): void {
  const nested = section[group];
  const value = isRecord(nested) ? nested[name] : section[`${group}.${name}`];
  if (value === undefined || value === null) return;
  if (typeof value === 'boolean') set(value);
  else warn(`"${SETTINGS_SECTION}.${group}.${name}" should be true or false, got ${describe(value)}; ignored.`);
}

/** Later layers win field by field; rules merge code by code. */
export function mergeSettings(...layers: PartialSettings[]): ServerSettings {
  let validateEnable = DEFAULT_SETTINGS.validateEnable;
  let maxValidationSize = DEFAULT_SETTINGS.maxValidationSize;
  let inlayHintSizes = DEFAULT_SETTINGS.inlayHintSizes;
  let digestCodeLens = DEFAULT_SETTINGS.digestCodeLens;
  let verifyDigests = DEFAULT_SETTINGS.verifyDigests;
  let verifyDigestsMaxSize = DEFAULT_SETTINGS.verifyDigestsMaxSize;
  const rules: Record<string, RuleSetting> = {};
  for (const layer of layers) {
    if (layer.verifyDigests !== undefined) verifyDigests = layer.verifyDigests;
    if (layer.verifyDigestsMaxSize !== undefined) verifyDigestsMaxSize = layer.verifyDigestsMaxSize;
    if (layer.validateEnable !== undefined) validateEnable = layer.validateEnable;
    if (layer.maxValidationSize !== undefined) maxValidationSize = layer.maxValidationSize;
    if (layer.inlayHintSizes !== undefined) inlayHintSizes = layer.inlayHintSizes;
    if (layer.digestCodeLens !== undefined) digestCodeLens = layer.digestCodeLens;
    if (layer.rules) Object.assign(rules, layer.rules);
  }
  return { validateEnable, rules, maxValidationSize, inlayHintSizes, digestCodeLens, verifyDigests, verifyDigestsMaxSize };
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return typeof value;
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof value;
  }
}
