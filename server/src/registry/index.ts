/** The registry client: references, `oci-registry:` URIs, HTTP client with docker's auth, push errors. */
export * from './api';
export * from './reference';
export * from './uri';
export { RegistryClient, RegistryError, MANIFEST_ACCEPT, DEFAULT_TIMEOUT_MS, DEFAULT_MANIFEST_MAX_BYTES, DEFAULT_BLOB_MAX_BYTES, DOCKER_HUB_API_HOST, apiHost, digestOf } from './client';
export { INSECURE_SETTING, INSECURE_FLAG, isLoopback, send } from './http';
export { parseWwwAuthenticate, type Challenge } from './auth/www-authenticate';
export { findCredentials, readDockerConfig, defaultDockerConfigDir, runCredentialHelper, stopCredentialHelpers, DOCKER_HUB_AUTH_KEY, type Credentials } from './auth/docker-config';
export { locateRegistryErrors, detailDigests } from './push-errors';
