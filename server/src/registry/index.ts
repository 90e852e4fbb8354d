/** The registry client: references, `oci-registry:` URIs, HTTP client with docker's auth, push errors. */
export * from './api';
export * from './reference';
export * from './uri';
