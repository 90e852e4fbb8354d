/**
 * The registry the launcher started for the suite (scripts/vscode-test/registry.mjs), as the
 * extension host's environment describes it, and plain node http to talk to it: the tests check
 * what the extension shows against bytes they fetched themselves.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';

export const REGISTRY_ENV = {
  /** `127.0.0.1:<port>` of the running docker-registry. */
  host: 'IMAGE_MANIFEST_TEST_REGISTRY',
  /** JSON of what test/helpers/registry.ts `fillRegistry` pushed. */
  fill: 'IMAGE_MANIFEST_TEST_REGISTRY_FILL',
  /** Why there is no registry (tools missing, or a Restricted Mode run). */
  skip: 'IMAGE_MANIFEST_TEST_REGISTRY_SKIP',
};

export interface FilledBlob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** The parts of test/helpers/registry.ts `FilledRegistry` the suite reads. */
export interface Filled {
  readonly repository: string;
  readonly index: FilledBlob & { readonly tag: string };
  readonly platforms: ReadonlyArray<{
    readonly architecture: string;
    readonly tag: string;
    readonly manifest: FilledBlob;
    readonly config: FilledBlob;
    readonly layers: readonly FilledBlob[];
  }>;
}

/** Every manifest and index type, written here rather than taken from the extension. */
export const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Served {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export function request(host: string, method: string, path: string, headers: http.OutgoingHttpHeaders = {}, body?: Buffer): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://${host}${path}`, { method, headers, timeout: 30_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET of a manifest (tag or digest) with every manifest type accepted; fails unless 200. */
export async function getManifest(host: string, repository: string, reference: string): Promise<Served> {
  const served = await request(host, 'GET', `/v2/${repository}/manifests/${reference}`, { Accept: ACCEPT });
  if (served.status !== 200) throw new Error(`GET manifest ${repository}:${reference}: HTTP ${served.status} ${served.body.toString('utf8')}`);
  return served;
}

export async function getBlob(host: string, repository: string, digest: string): Promise<Served> {
  const served = await request(host, 'GET', `/v2/${repository}/blobs/${digest}`);
  if (served.status !== 200) throw new Error(`GET blob ${repository}@${digest}: HTTP ${served.status}`);
  return served;
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
