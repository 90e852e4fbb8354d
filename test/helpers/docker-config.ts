/**
 * Temporary docker config folders and fake credential helpers for tests: a `config.json` written
 * as docker writes it, and `docker-credential-<name>` shell scripts on a PATH folder that answer
 * `get` like the real helpers (and record the server URL they were asked about).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

/** A fresh temporary folder, removed when the process exits (one exit hook for all of them). */
export function tempFolder(prefix: string): string {
  if (made.length === 0) {
    process.on('exit', () => {
      for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A fresh folder holding `config.json` with this content; removed at exit. */
export function dockerConfigDir(config: unknown): string {
  const dir = tempFolder('im-docker-config-');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

/** `auths` entry with `auth` = base64 of user:password, as `docker login` writes it. */
export function authEntry(username: string, password: string): { auth: string } {
  return { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
}

export interface FakeHelper {
  /** The folder to put first on PATH. */
  readonly binDir: string;
  /** The file each `get` appends the server URL it read from stdin to. */
  readonly calls: string;
  /** The server URLs asked for so far. */
  asked(): string[];
}

/**
 * Writes `docker-credential-<name>`: for `get`, reads the server URL from stdin, records it, and
 * answers from `answers` (server URL → {Username, Secret}); an unknown server gets the helpers'
 * "credentials not found in native keychain" on stdout and exit 1. `fail` makes every call fail.
 */
export function fakeCredentialHelper(name: string, answers: Readonly<Record<string, { Username: string; Secret: string }>>, options: { fail?: string } = {}): FakeHelper {
  const binDir = tempFolder('im-cred-helper-');
  const calls = path.join(binDir, 'calls.log');
  const answersFile = path.join(binDir, 'answers.json');
  fs.writeFileSync(answersFile, JSON.stringify(answers));
  const script = `#!/bin/sh
# A fake docker credential helper for tests.
[ "$1" = "get" ] || { echo "unsupported action $1" >&2; exit 1; }
read -r server || true
printf '%s\\n' "$server" >> ${JSON.stringify(calls)}
${options.fail !== undefined ? `echo ${JSON.stringify(options.fail)} >&2; exit 3` : ''}
exec ${JSON.stringify(process.execPath)} -e '
const answers = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const server = process.argv[2];
if (!Object.prototype.hasOwnProperty.call(answers, server)) { console.log("credentials not found in native keychain"); process.exit(1); }
process.stdout.write(JSON.stringify({ ServerURL: server, ...answers[server] }));
' ${JSON.stringify(answersFile)} "$server"
`;
  const file = path.join(binDir, `docker-credential-${name}`);
  fs.writeFileSync(file, script, { mode: 0o755 });
  return {
    binDir,
    calls,
    asked: () => (fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').split('\n').filter((l) => l !== '') : []),
  };
}

/** Runs `body` with `dir` first on PATH (for helpers the code under test spawns). */
export async function withPath<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${saved ?? ''}`;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}
