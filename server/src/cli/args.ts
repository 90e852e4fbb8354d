import type { VerifyDigests } from '../layout/fs-blob-store';
import { DIAGNOSTIC_CODES, type RuleSetting } from '../service';
import { MAX_TIMEOUT_MS } from '../registry/http';
import { isValidRegistry } from '../registry/reference';

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
    }
  | {
      name: 'fetch';
      reference: string;
      /** `-o`: the file the bytes go to; absent: stdout. */
      output?: string;
      insecureHosts: string[];
      /** `--timeout`, seconds per request; absent: 30. */
      timeoutSeconds?: number;
      verbose: boolean;
    }
  | {
      name: 'push';
      file: string;
      reference: string;
      force: boolean;
      /** `--media-type`; absent: the document's own, else its kind's. */
      mediaType?: string;
      rules: Record<string, RuleSetting>;
      insecureHosts: string[];
      timeoutSeconds?: number;
      verbose: boolean;
    };

/** Bad usage: reported as one line on stderr with exit code 2, never as a stack trace. */
export class UsageError extends Error {}

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];
const SETTINGS: readonly RuleSetting[] = ['off', 'error', 'warning', 'information', 'hint'];

export const USAGE = `Usage: image-manifest check [options] <files or directories...>
       image-manifest fetch [options] <reference>
       image-manifest push [options] <file> <reference>

check: checks Docker and OCI image manifests, indexes, image configs and OCI image layouts.
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
  -v, --verbose                also list files that were skipped and why (fetch, push: show the
                               requests and where credentials came from, never the credentials)
  -h, --help                   show this help
  -V, --version                show the version

fetch: downloads a manifest or index from a registry (reference: [host[:port]/]repository[:tag]
[@digest]; \`alpine\` is docker.io/library/alpine:latest) and writes its bytes exactly as served to
stdout or to -o; the media type, the digest and whether it matches the registry's
Docker-Content-Digest go to stderr.
  -o, --output <file>          write the manifest to this file instead of stdout
  --insecure-host <host>       allow plain http (and unverified TLS) for this host or host:port
                               (repeatable; loopback addresses are always allowed)
  --timeout <seconds>          per request (default 30; from 0.001 to 2147483, larger values are
                               refused)

push: checks <file> like \`check\` and, when it has no errors, PUTs its bytes unchanged to the
registry under the reference's tag (or digest); prints the digest the registry stored. A digest in
the reference (repo@sha256:… or repo:tag@sha256:…) pins the content: unless the file hashes to it,
nothing is sent (exit 1); with a tag beside it, the PUT goes to the tag.
  --force                      push even when the check finds errors
  --media-type <type>          the Content-Type to push with (default: the document's mediaType,
                               else the type of the kind of document)
  --rule, --insecure-host, --timeout as above

Credentials come from docker's config.json ($DOCKER_CONFIG, else ~/.docker): credHelpers,
credsStore (docker-credential-<name>) or auths entries; anonymous otherwise.

Exit status: 0 no errors, 1 errors found (check, push refused by the check), the registry refused
(unauthorized, denied, not found, rate limited, push rejected, another error status), its answer was
unusable (over 16 MiB, not a manifest), a credential helper failed, or a digest mismatched (fetched,
pushed, or the file against the reference's), 2 bad usage, unreadable input, network failure or timeout,
or internal failure (unreadable input includes a file named to check that is no JSON document).`;

export function parseArgs(argv: readonly string[]): Command {
  let format: OutputFormat = 'text';
  const rules: Record<string, RuleSetting> = {};
  let verbose = false;
  const positionals: string[] = [];
  let optionsEnded = false;
  let verifyDigests: VerifyDigests | undefined;
  let verifyMaxSize: number | undefined;
  let maxValidationSize: number | undefined;
  let output: string | undefined;
  const insecureHosts: string[] = [];
  let timeoutSeconds: number | undefined;
  let force = false;
  let mediaType: string | undefined;
  /** Options given, to refuse those that do not apply to the command. */
  const used = new Set<string>();

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

    used.add(flag === '-o' ? '--output' : flag === '-v' ? '--verbose' : flag);
    switch (flag) {
      case '-o':
      case '--output':
        output = takeValue();
        if (output === '') throw new UsageError(`${flag} needs a file name`);
        break;
      case '--insecure-host': {
        const host = takeValue().trim();
        if (!isValidRegistry(host)) {
          throw new UsageError(`--insecure-host expects a host or host:port (no scheme, path or wildcard), got '${host}'`);
        }
        insecureHosts.push(host);
        break;
      }
      case '--timeout': {
        const value = takeValue();
        const seconds = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0)) throw new UsageError(`--timeout expects a number of seconds greater than 0, got '${value}'`);
        // Node's timers hold at most 2^31-1 ms; beyond that they would fire at once.
        if (seconds * 1000 > MAX_TIMEOUT_MS) throw new UsageError(`--timeout is at most ${Math.floor(MAX_TIMEOUT_MS / 1000)} seconds (about 24 days), got '${value}'`);
        if (seconds < 0.001) throw new UsageError(`--timeout is at least 0.001 seconds (1 ms), got '${value}'`);
        timeoutSeconds = seconds;
        break;
      }
      case '--force':
        noValue();
        force = true;
        break;
      case '--media-type':
        mediaType = takeValue();
        if (!/^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*$/.test(mediaType)) throw new UsageError(`--media-type expects a media type such as application/vnd.oci.image.manifest.v1+json, got '${mediaType}'`);
        break;
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
  if (command !== 'check' && command !== 'fetch' && command !== 'push') throw new UsageError(`unknown command '${command}' (the commands are check, fetch and push)`);
  const allowed: Record<string, readonly string[]> = {
    check: ['--format', '--rule', '--verbose', '--verify-digests', '--verify-max-size', '--max-validation-size'],
    fetch: ['--output', '--insecure-host', '--timeout', '--verbose'],
    push: ['--force', '--media-type', '--rule', '--insecure-host', '--timeout', '--verbose'],
  };
  for (const option of used) {
    if (!allowed[command].includes(option)) throw new UsageError(`${option} does not apply to ${command}`);
  }
  if (command === 'fetch') {
    if (inputs.length !== 1) throw new UsageError(inputs.length === 0 ? 'fetch needs an image reference, e.g. `image-manifest fetch registry.example.com/team/app:1.0`' : `fetch takes one image reference, got ${inputs.length} arguments`);
    const fetch: Extract<Command, { name: 'fetch' }> = { name: 'fetch', reference: inputs[0], insecureHosts, verbose };
    if (output !== undefined) fetch.output = output;
    if (timeoutSeconds !== undefined) fetch.timeoutSeconds = timeoutSeconds;
    return fetch;
  }
  if (command === 'push') {
    if (inputs.length !== 2) throw new UsageError('push needs a file and an image reference, e.g. `image-manifest push manifest.json registry.example.com/team/app:1.0`');
    const push: Extract<Command, { name: 'push' }> = { name: 'push', file: inputs[0], reference: inputs[1], force, rules, insecureHosts, verbose };
    if (mediaType !== undefined) push.mediaType = mediaType;
    if (timeoutSeconds !== undefined) push.timeoutSeconds = timeoutSeconds;
    return push;
  }
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
