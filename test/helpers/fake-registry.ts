/**
 * Small node:http servers on 127.0.0.1 playing a registry that misbehaves in one chosen way, and
 * the CLI's fetch and push run in-process against them (stdout bytes and stderr text captured).
 * Nothing leaves 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { Command } from 'image-manifest-language-server/out/cli/args';
import { parseArgs } from 'image-manifest-language-server/out/cli/args';
import { fetchCommand, pushCommand } from 'image-manifest-language-server/out/cli/registry-commands';
import { tempFolder } from './docker-config';

export interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

export interface Fake {
  host: string;
  seen: Seen[];
  close(): Promise<void>;
}

const open: Fake[] = [];

/** Closes every fake server started so far (call from `after`). */
export async function closeFakes(): Promise<void> {
  for (const server of open.splice(0)) await server.close();
}

/** A server whose handler sees each request after its body has arrived. */
export function fake(handler: (request: http.IncomingMessage, response: http.ServerResponse, body: Buffer) => void): Promise<Fake> {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, accept: request.headers.accept, contentType: request.headers['content-type'], body });
      // A client that hangs up mid-answer is what some tests are about; the server does not care.
      response.on('error', () => undefined);
      handler(request, response, body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      const result: Fake = {
        host: `127.0.0.1:${address.port}`,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      };
      open.push(result);
      resolve(result);
    });
  });
}

/** `sha256:<hex>` by node:crypto. */
export function sha256(bytes: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A folder without config.json: anonymous access. */
export const NO_DOCKER_CONFIG = tempFolder('im-fake-no-config-');

export interface InProcessRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** `image-manifest fetch|push …` in this process (the fake servers must keep answering). */
export async function runRegistryCli(argv: readonly string[], dockerConfigDir: string = NO_DOCKER_CONFIG): Promise<InProcessRun> {
  const command: Command = parseArgs(argv);
  const out: Buffer[] = [];
  let stderr = '';
  const io = {
    stdout: (text: string) => void out.push(Buffer.from(text, 'utf8')),
    stderr: (text: string) => void (stderr += text),
    stdoutBytes: (bytes: Uint8Array) => void out.push(Buffer.from(bytes)),
  };
  let code: number;
  if (command.name === 'fetch') code = await fetchCommand(command, io, { dockerConfigDir });
  else if (command.name === 'push') code = await pushCommand(command, io, undefined, { dockerConfigDir });
  else throw new Error(`not a registry command: ${argv.join(' ')}`);
  return { code, stdout: Buffer.concat(out), stderr };
}
