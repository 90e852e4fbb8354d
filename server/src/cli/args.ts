import type { VerifyDigests } from '../layout/fs-blob-store';
import { DIAGNOSTIC_CODES, type RuleSetting } from '../service';

export type OutputFormat = 'text' | 'json' | 'sarif';

export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | {
      name: 'check';
      format: OutputFormat;
      rules: Record<string, RuleSetting>;
      verbose: boolean;
      inputs: string[];
      /** `--verify-digests`; absent: auto. */
      verifyDigests?: VerifyDigests;
      /** `--verify-max-size`, in bytes; absent: 64 MiB. */
      verifyMaxSize?: number;
      /** `--max-validation-size`, in characters; absent: the service's default. */
      maxValidationSize?: number;
    };

/** Bad usage: reported as one line on stderr with exit code 2, never as a stack trace. */
export class UsageError extends Error {}

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const SETTINGS: readonly RuleSetting[] = ['off', 'error', 'warning', 'information', 'hint'];

export const USAGE = `Usage: image-manifest check [options] <files or directories...>

Checks Docker and OCI image manifests, indexes, image configs and OCI image layouts.
Directories are searched recursively for *.json files, the oci-layout file and layout blobs
(blobs/<algorithm>/<digest>); layer tarballs and other binary blobs are skipped unread.

Options:
  --format <text|json|sarif>   output format (default: text)
  --rule <code>=<setting>      turn a diagnostic code off or change its severity; setting is one of
                               off, error, warning, information, hint (repeatable)
  --verify-digests <mode>      hash the blobs of OCI image layouts and compare them with their
                               digests: auto (blobs up to --verify-max-size, the default),
                               always, or never
  --verify-max-size <bytes>    the size limit of auto, e.g. 67108864, 512M or 2G (default 64M)
  --max-validation-size <n>    documents with more characters are only checked for syntax and
                               structure, e.g. 50M (default 20000000)
  -v, --verbose                also list files that were skipped and why
  -h, --help                   show this help
  -V, --version                show the version

Exit status: 0 no errors, 1 errors found, 2 bad usage, unreadable input or internal failure.`;

export function parseArgs(argv: readonly string[]): Command {
  let format: OutputFormat = 'text';
  const rules: Record<string, RuleSetting> = {};
  let verbose = false;
  const positionals: string[] = [];
  let optionsEnded = false;
  let verifyDigests: VerifyDigests | undefined;
  let verifyMaxSize: number | undefined;
  let maxValidationSize: number | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    // Accept both `--format json` and `--format=json`.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inlineValue = eq === -1 ? undefined : arg.slice(eq + 1);
    const takeValue = (): string => {
      if (inlineValue !== undefined) return inlineValue;
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    const noValue = (): void => {
      if (inlineValue !== undefined) throw new UsageError(`${flag} takes no value`);
    };

    switch (flag) {
      case '-h':
      case '--help':
        noValue();
        return { name: 'help' };
      case '-V':
      case '--version':
        noValue();
        return { name: 'version' };
      case '-v':
      case '--verbose':
        noValue();
        verbose = true;
        break;
      case '--format':
        format = parseFormat(takeValue());
        break;
      case '--verify-digests': {
        const value = takeValue();
        if (value !== 'auto' && value !== 'always' && value !== 'never') throw new UsageError(`unknown --verify-digests mode '${value}' (expected auto, always, never)`);
        verifyDigests = value;
        break;
      }
      case '--verify-max-size':
        verifyMaxSize = parseByteSize(takeValue(), '--verify-max-size');
        break;
      case '--max-validation-size':
        maxValidationSize = parseByteSize(takeValue(), '--max-validation-size');
        break;
      case '--rule': {
        const [code, setting] = parseRule(takeValue());
        rules[code] = setting;
        break;
      }
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }

  const [command, ...inputs] = positionals;
  if (command === undefined) throw new UsageError('missing command: try `image-manifest check <files or directories>`');
  if (command !== 'check') throw new UsageError(`unknown command '${command}' (the only command is 'check')`);
  if (inputs.length === 0) throw new UsageError('no files or directories to check');
  const check: Extract<Command, { name: 'check' }> = { name: 'check', format, rules, verbose, inputs };
  if (verifyDigests !== undefined) check.verifyDigests = verifyDigests;
  if (verifyMaxSize !== undefined) check.verifyMaxSize = verifyMaxSize;
  if (maxValidationSize !== undefined) check.maxValidationSize = maxValidationSize;
  return check;
}

/** `67108864`, `64M`, `64MiB`, `2G`: binary units. */
function parseByteSize(value: string, option: string): number {
  const match = /^(\d+)\s*(?:([kKmMgGtT])(?:i?[bB])?|[bB])?$/.exec(value);
  const units: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
  const bytes = match ? Number(match[1]) * (match[2] ? units[match[2].toLowerCase()] : 1) : NaN;
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${option} expects a number such as 67108864 or 64M, got '${value}'`);
  return bytes;
}

function parseFormat(value: string): OutputFormat {
  const format = FORMATS.find((f) => f === value);
  if (!format) throw new UsageError(`unknown format '${value}' (expected ${FORMATS.join(', ')})`);
  return format;
}

function parseRule(value: string): [string, RuleSetting] {
  const eq = value.lastIndexOf('=');
  if (eq <= 0) throw new UsageError(`--rule expects <code>=<setting>, got '${value}'`);
  const code = value.slice(0, eq);
  const setting = SETTINGS.find((s) => s === value.slice(eq + 1));
  if (!setting) throw new UsageError(`unknown setting in --rule '${value}' (expected ${SETTINGS.join(', ')})`);
  // A misspelt code would otherwise be silently ignored and the CI run would still fail.
  if (!Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code)) throw new UsageError(`unknown diagnostic code '${code}' in --rule`);
  return [code, setting];
}
