/**
 * The one place the extension imports the registry client from (server/src/registry, compiled;
 * esbuild bundles it into dist/client.js). Network code runs here in the extension host, never in
 * the language server.
 */
export {
  MANIFEST_ACCEPT,
  RegistryClient,
  RegistryError,
  formatReference,
  locateRegistryErrors,
  parseReference,
  parseRegistryUri,
  registryUri,
} from 'image-manifest-language-server/out/registry';
export {
  REGISTRY_SCHEME,
  type BlobHead,
  type FetchedBlob,
  type FetchedManifest,
  type ImageReference,
  type LocatedRegistryError,
  type PushResult,
  type RegistryOptions,
  type RegistryResource,
} from 'image-manifest-language-server/out/registry/api';
