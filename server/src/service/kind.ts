import type { Node } from 'jsonc-parser';
import { elements, hasMember, isArray, isObject, member, stringMember } from './json-tree';
import {
  DOCKER_CONFIG,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  DOCKER_SCHEMA1,
  DOCKER_SCHEMA1_SIGNED,
  OCI_ARTIFACT_MANIFEST,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types';
import type { DocumentKind } from './types';

export interface KindDetection {
  kind: DocumentKind;
  /** The document uses the withdrawn OCI artifact manifest format (kind is then `oci-manifest`). */
  artifactManifest?: boolean;
  /** Both `manifests` and `config`/`layers`: refused by distribution and containers/image. */
  ambiguous?: boolean;
  /** `mediaType` was absent or not a manifest type, so the kind was guessed from the shape. */
  guessed?: boolean;
  /** `mediaType` names one kind while the members are those of another; the kind follows the shape. */
  contradicts?: boolean;
}

const UNKNOWN: KindDetection = { kind: 'unknown' };

/** Fields only Docker's image config has, to tell a Docker config from an OCI one. */
const DOCKER_CONFIG_FIELDS = ['container_config', 'docker_version', 'container', 'config.Image', 'Image'];

/** Recognises the document by content (never by file name), as containers/image guesses. */
export function detectKind(root: Node | undefined): KindDetection {
  if (!isObject(root)) return UNKNOWN;
  const mediaType = stringMember(root, 'mediaType');
  const schemaVersion = member(root, 'schemaVersion');
  const version = schemaVersion?.type === 'number' ? (schemaVersion.value as number) : undefined;

  const hasManifests = hasMember(root, 'manifests');
  const hasImageParts = hasMember(root, 'config') || hasMember(root, 'layers');

  // A lone descriptor (e.g. `crane manifest --descriptor`) names a manifest but is not one.
  if (schemaVersion === undefined && !hasManifests && !hasImageParts && hasMember(root, 'digest') && hasMember(root, 'size')) {
    return UNKNOWN;
  }

  if (
    mediaType === DOCKER_SCHEMA1 ||
    mediaType === DOCKER_SCHEMA1_SIGNED ||
    (version === 1 && (hasMember(root, 'fsLayers') || (hasMember(root, 'history') && hasMember(root, 'name')))) ||
    // A schema 1 body whose version was edited (moby's validate_manifest/bad_manifest): it is still
    // schema 1 by shape, and the wrong version is what to report, not "not a manifest".
    (schemaVersion !== undefined && !hasManifests && !hasImageParts && isArray(member(root, 'fsLayers')))
  ) {
    return { kind: 'docker-schema1' };
  }

  const both = hasManifests && hasImageParts;
  const indexShapeOnly = hasManifests && !hasImageParts;
  const manifestShapeOnly = hasImageParts && !hasManifests;
  if (mediaType === DOCKER_MANIFEST) {
    return indexShapeOnly ? { kind: 'docker-manifest-list', contradicts: true } : { kind: 'docker-manifest', ambiguous: both };
  }
  if (mediaType === DOCKER_LIST) {
    return manifestShapeOnly ? { kind: 'docker-manifest', contradicts: true } : { kind: 'docker-manifest-list', ambiguous: both };
  }
  if (mediaType === OCI_ARTIFACT_MANIFEST) return { kind: 'oci-manifest', artifactManifest: true, ambiguous: hasManifests };
  if (mediaType === OCI_MANIFEST) {
    return indexShapeOnly ? { kind: 'oci-index', contradicts: true } : { kind: 'oci-manifest', ambiguous: both };
  }
  if (mediaType === OCI_INDEX) {
    return manifestShapeOnly ? { kind: 'oci-manifest', contradicts: true } : { kind: 'oci-index', ambiguous: both };
  }

  if (schemaVersion === undefined && mediaType === undefined) {
    if (hasMember(root, 'imageLayoutVersion') && !hasManifests && !hasImageParts) return { kind: 'oci-layout' };
    // `docker save`'s legacy per-layer JSON has `id`/`parent` and no rootfs: not an image config.
    if (hasMember(root, 'id') && !hasMember(root, 'rootfs')) return UNKNOWN;
    if (looksLikeImageConfig(root)) return { kind: isDockerConfig(root) ? 'docker-config' : 'oci-config' };
  }

  // Other JSON formats have a `schemaVersion` too (AWS SSM documents, …): it takes a manifest part.
  const hasManifestPart = hasManifests || hasImageParts || hasMember(root, 'blobs');
  const looksLikeManifest =
    ((schemaVersion !== undefined || mediaType !== undefined) && hasManifestPart) ||
    (isArray(member(root, 'layers')) && isObject(member(root, 'config'))) ||
    elements(member(root, 'manifests')).some((child) => hasMember(child, 'digest'));
  if (!looksLikeManifest) return UNKNOWN;

  if (hasManifests && hasImageParts) return { kind: 'oci-index', ambiguous: true, guessed: true };
  if (hasManifests) return { kind: 'oci-index', guessed: true };
  // containers/image: an OCI config means an image manifest, anything else an artifact manifest;
  // both are OCI image manifests for validation.
  // containers/image guesses a Docker v2s2 manifest from a Docker config type.
  if (stringMember(member(root, 'config'), 'mediaType') === DOCKER_CONFIG && !hasManifests) {
    return { kind: 'docker-manifest', guessed: true };
  }
  if (hasImageParts) return { kind: 'oci-manifest', guessed: true };
  if (hasMember(root, 'blobs') && hasMember(root, 'artifactType')) {
    return { kind: 'oci-manifest', artifactManifest: true, guessed: true };
  }
  return { kind: 'oci-manifest', guessed: true };
}

function looksLikeImageConfig(root: Node): boolean {
  const rootfs = member(root, 'rootfs');
  // Other configs borrow `rootfs` (Docker's model config has `"type": "rootfs"` and no os or
  // architecture): only the image config's own type value, or a platform beside it, says image.
  if (isObject(rootfs) && (hasMember(rootfs, 'diff_ids') || hasMember(rootfs, 'type'))) {
    return member(rootfs, 'type')?.value === 'layers' || hasMember(root, 'architecture') || hasMember(root, 'os');
  }
  return hasMember(root, 'architecture') && hasMember(root, 'os') && (hasMember(root, 'config') || hasMember(root, 'history') || hasMember(root, 'created'));
}

function isDockerConfig(root: Node): boolean {
  if (DOCKER_CONFIG_FIELDS.some((field) => hasMember(root, field))) return true;
  const config = member(root, 'config');
  return ['Image', 'Hostname', 'AttachStdin', 'Tty'].some((field) => hasMember(config, field));
}
