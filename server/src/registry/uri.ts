/**
 * `oci-registry:` URIs name the documents the editor opens from a registry:
 *
 *   oci-registry://<registry>/<repository>/manifests/<tag or digest>
 *   oci-registry://<registry>/<repository>/blobs/<digest>
 *
 * The strings are made by vscode-uri, so they equal what VS Code's `Uri.toString()` prints for the
 * same URI (the digest's colon is `%3A`, the authority lowercase): the extension compares them.
 */
import { URI } from 'vscode-uri';
import { REGISTRY_SCHEME, type ImageReference, type RegistryResource } from './api';
import { isValidDigest, isValidRegistry, isValidRepository, isValidTag } from './reference';

const SEGMENT: Record<RegistryResource['kind'], string> = { manifest: 'manifests', blob: 'blobs' };

/** The URI of a manifest (by tag or digest; the digest wins) or of a blob (by digest). */
export function registryUri(resource: RegistryResource): string {
  const { reference, kind } = resource;
  const target = kind === 'blob' ? reference.digest : (reference.digest ?? reference.tag);
  if (target === undefined) throw new Error(`a registry ${kind} URI needs ${kind === 'blob' ? 'a digest' : 'a tag or a digest'}`);
  return URI.from({ scheme: REGISTRY_SCHEME, authority: reference.registry, path: `/${reference.repository}/${SEGMENT[kind]}/${target}` }).toString();
}

/** The resource an `oci-registry:` URI names, or undefined when it is not a valid one. */
export function parseRegistryUri(uri: string): RegistryResource | undefined {
  let parsed: URI;
  try {
    parsed = URI.parse(uri, true);
  } catch {
    return undefined;
  }
  if (parsed.scheme !== REGISTRY_SCHEME || parsed.query !== '' || parsed.fragment !== '') return undefined;
  const registry = parsed.authority;
  if (!isValidRegistry(registry)) return undefined;
  const parts = parsed.path.split('/');
  // ['', ...repository, 'manifests' | 'blobs', target]: the repository may itself hold a
  // component named `manifests` or `blobs`, so the kind is the second-to-last segment.
  if (parts.length < 4 || parts[0] !== '') return undefined;
  const target = parts[parts.length - 1];
  const segment = parts[parts.length - 2];
  const repository = parts.slice(1, -2).join('/');
  if (!isValidRepository(repository)) return undefined;
  if (segment === 'blobs') {
    if (!isValidDigest(target)) return undefined;
    return { kind: 'blob', reference: { registry, repository, digest: target } };
  }
  if (segment !== 'manifests') return undefined;
  let reference: ImageReference;
  if (isValidDigest(target)) reference = { registry, repository, digest: target };
  else if (isValidTag(target)) reference = { registry, repository, tag: target };
  else return undefined;
  return { kind: 'manifest', reference };
}
