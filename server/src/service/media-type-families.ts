import { DOCKER_CONFIG, DOCKER_LIST, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from './media-types';

/** Docker and OCI types that describe the same content, for quick fixes and conversions. */
const PAIRS: ReadonlyArray<readonly [docker: string, oci: string]> = [
  [DOCKER_MANIFEST, OCI_MANIFEST],
  [DOCKER_LIST, OCI_INDEX],
  [DOCKER_CONFIG, OCI_CONFIG],
  ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'application/vnd.oci.image.layer.v1.tar+gzip'],
  ['application/vnd.docker.image.rootfs.diff.tar', 'application/vnd.oci.image.layer.v1.tar'],
  ['application/vnd.docker.image.rootfs.diff.tar.zstd', 'application/vnd.oci.image.layer.v1.tar+zstd'],
  ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip'],
];

export function equivalentInFamily(mediaType: string, family: 'docker' | 'oci'): string | undefined {
  for (const [docker, oci] of PAIRS) {
    if (family === 'oci' && mediaType === docker) return oci;
    if (family === 'docker' && mediaType === oci) return docker;
  }
  return undefined;
}

export const DOCKER_OCI_PAIRS = PAIRS;
