/**
 * Links in documents the editor fetched from a registry (`oci-registry:` URIs): each child
 * manifest, config or JSON blob opens under the same registry and repository, by digest. The
 * server only writes URIs here; the client's file system provider does the fetching, so the
 * language server stays free of network code.
 */
import { REGISTRY_SCHEME, type RegistryResource } from '../registry/api';
import { parseRegistryUri, registryUri } from '../registry/uri';
import { childLinks, type OffsetRange, type ParsedDocument } from '../service';

export interface RegistryLink {
  readonly range: OffsetRange;
  readonly target: string;
  readonly tooltip: string;
  readonly digest: string;
}

/** The registry resource a document URI names, when it is an `oci-registry:` document. */
export function registryResourceOf(uri: string): RegistryResource | undefined {
  // Cheap test first: every document of every request passes through here.
  if (!uri.startsWith(`${REGISTRY_SCHEME}:`)) return undefined;
  return parseRegistryUri(uri);
}

/** Links from the descriptors of a registry document to the documents they name. */
export function registryLinks(uri: string, parsed: ParsedDocument, limit: number): RegistryLink[] {
  const resource = registryResourceOf(uri);
  if (!resource) return [];
  const { registry, repository } = resource.reference;
  return childLinks(parsed, limit).map((link) => ({
    range: link.range,
    digest: link.digest,
    target: registryUri({ reference: { registry, repository, digest: link.digest }, kind: link.endpoint }),
    tooltip: `Open ${link.endpoint === 'manifest' ? 'manifest' : 'blob'} ${link.digest} from ${registry}/${repository}`,
  }));
}
