import { parseArgs, USAGE, UsageError, type Command } from './args';
import { DEFAULT_VERIFY_MAX_SIZE, type LayoutOptions, type VerificationStats } from '../layout/fs-blob-store';
import { checkFile, defaultService, type FileResult, type Service } from './check';
import { compare, describeFsError, discover, InputError } from './discover';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { visibleText } from './terminal-text';
import { exitCodeOf, type RunResult } from './summary';
import { TOOL_NAME, toolInfo } from './tool';
import { fetchCommand, pushCommand, type RegistryIo } from './registry-commands';
import { stopCredentialHelpers } from '../registry/auth/docker-config';

/** Where output goes; a parameter so the whole CLI can run in-process in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Bytes for stdout unchanged (a fetched manifest); text commands never need it. */
  stdoutBytes?(bytes: Uint8Array): void | Promise<void>;
}

const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdoutBytes: (bytes) => new Promise<void>((resolve) => process.stdout.write(bytes, () => resolve())),
};

/**
 * Runs every command (`fetch` and `push` talk to a registry, so this is async) and returns the
 * exit code; never throws.
 */
export async function runAsync(argv: readonly string[], io: Io = processIo, service: Service = defaultService): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch {
    return run(argv, io, service);
  }
  if (command.name !== 'fetch' && command.name !== 'push') return run(argv, io, service);
  try {
    return command.name === 'fetch' ? await fetchCommand(command, io as RegistryIo) : await pushCommand(command, io as RegistryIo, service);
  } catch (error) {
    io.stderr(`${TOOL_NAME}: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

/** Runs the synchronous commands (check, help, version) and returns the exit code; never throws. */
export function run(argv: readonly string[], io: Io = processIo, service: Service = defaultService): number {
  try {
    const command = parseArgs(argv);
    switch (command.name) {
      case 'help':
        io.stdout(USAGE + '\n');
        return 0;
      case 'version':
        io.stdout(toolInfo().version + '\n');
        return 0;
      case 'check':
        return check(command, io, service);
      case 'fetch':
      case 'push':
        io.stderr(`${TOOL_NAME}: internal error: ${command.name} talks to a registry: call runAsync\n`);
        return 2;
    }
  } catch (error) {
    // Both quote arguments, which a shell glob may have filled with any file name.
    if (error instanceof UsageError) {
      io.stderr(`${TOOL_NAME}: ${visibleText(error.message)}\n${TOOL_NAME}: run '${TOOL_NAME} --help' for usage\n`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr(`${TOOL_NAME}: ${visibleText(error.message)}\n`);
      return 2;
    }
    // A bug of ours: one line, no stack, so CI logs stay readable; the per-file guard makes this rare.
    io.stderr(`${TOOL_NAME}: internal error: ${visibleText(error instanceof Error ? error.message : String(error))}\n`);
    return 2;
  }
}

function check(command: Extract<Command, { name: 'check' }>, io: Io, service: Service): number {
  const { candidates, errors, skipped } = discover(command.inputs);
  const stats: VerificationStats = { verified: new Set(), mismatched: new Set(), bytesHashed: 0, tooLarge: new Set() };
  const layout: LayoutOptions = { verifyDigests: command.verifyDigests ?? 'auto', verifyMaxSize: command.verifyMaxSize, stats };
  const files: FileResult[] = candidates.map((c) => checkFile(c, command.rules, service, undefined, layout, command.maxValidationSize));
  for (const entry of skipped) files.push({ status: 'skipped', path: entry.display, explicit: false, reason: entry.reason });
  files.sort((a, b) => compare(a.path, b.path));
  const result: RunResult = { files, walkErrors: errors, blobs: { verified: stats.verified.size, mismatched: stats.mismatched.size, bytesHashed: stats.bytesHashed, tooLarge: stats.tooLarge?.size ?? 0, limit: command.verifyMaxSize ?? DEFAULT_VERIFY_MAX_SIZE } };

  // stderr reaches the terminal in every format: paths and reasons are made visible, as in formatText.
  for (const message of result.walkErrors) io.stderr(`${TOOL_NAME}: ${visibleText(message)}\n`);
  for (const file of result.files) {
    if (file.status === 'failed') io.stderr(`${visibleText(`${file.path}: error: ${file.reason}`)}\n`);
  }

  if (command.format === 'text') {
    io.stdout(formatText(result, command.verbose));
  } else {
    // stdout carries only the JSON/SARIF document, so notes go to stderr.
    for (const file of result.files) {
      if (file.status === 'skipped' && (file.explicit || command.verbose)) {
        io.stderr(`${visibleText(`${file.path}: ${file.explicit ? 'note: not checked' : 'skipped'}: ${file.reason}`)}\n`);
      }
    }
    io.stdout(command.format === 'json' ? formatJson(result) : formatSarif(result));
  }
  return exitCodeOf(result);
}

function talksToRegistry(argv: readonly string[]): boolean {
  try {
    const name = parseArgs(argv).name;
    return name === 'fetch' || name === 'push';
  } catch {
    return false;
  }
}

/** Entry point for bin/image-manifest.js. */
export function main(): void {
  // `image-manifest check . | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // A full disk or a closed descriptor: the output is incomplete, so the run cannot vouch for anything.
    process.stderr.write(`${TOOL_NAME}: cannot write to stdout: ${describeFsError(error)}\n`);
    process.exit(2);
  });
  const argv = process.argv.slice(2);
  // Credential helpers run in process groups of their own, out of the terminal's reach: end them too.
  // Only around registry commands: a handler would delay Ctrl-C on a long synchronous `check`.
  if (talksToRegistry(argv)) {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      process.once(signal, () => {
        stopCredentialHelpers();
        process.exit(code);
      });
    }
  }
  void runAsync(argv).then((code) => {
    process.exitCode = code;
  });
}
