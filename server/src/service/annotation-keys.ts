/**
 * Annotation keys with a defined meaning: the pre-defined `org.opencontainers.image.*` keys of
 * image-spec `annotations.md`, and the keys BuildKit and containerd write. Completion and hover read
 * this table.
 */
export interface AnnotationKeyInfo {
  readonly key: string;
  readonly description: string;
  /** The value's format, in words (shown in hover and completion). */
  readonly format: string;
  readonly href: string;
  /** Where the key is meaningful, if not everywhere. */
  readonly scope?: string;
}

const ANNOTATIONS_MD = 'https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys';
const P = 'org.opencontainers.image.';

export const ANNOTATION_KEYS: readonly AnnotationKeyInfo[] = [
  { key: `${P}created`, description: 'Date and time on which the image was built.', format: 'RFC 3339 date-time, e.g. `2024-05-01T12:00:00Z`', href: ANNOTATIONS_MD },
  { key: `${P}authors`, description: 'Contact details of the people or organization responsible for the image.', format: 'free-form string', href: ANNOTATIONS_MD },
  { key: `${P}url`, description: 'URL to find more information on the image.', format: 'URL', href: ANNOTATIONS_MD },
  { key: `${P}documentation`, description: 'URL to get documentation on the image.', format: 'URL', href: ANNOTATIONS_MD },
  { key: `${P}source`, description: 'URL to get the source code for building the image.', format: 'URL', href: ANNOTATIONS_MD },
  { key: `${P}version`, description: 'Version of the packaged software.', format: 'free-form; semantic versioning recommended', href: ANNOTATIONS_MD },
  { key: `${P}revision`, description: 'Source control revision identifier for the packaged software.', format: 'free-form, e.g. a git commit', href: ANNOTATIONS_MD },
  { key: `${P}vendor`, description: 'Name of the distributing entity, organization or individual.', format: 'free-form string', href: ANNOTATIONS_MD },
  { key: `${P}licenses`, description: 'License(s) under which the contained software is distributed.', format: 'SPDX license expression, e.g. `Apache-2.0 OR MIT`', href: ANNOTATIONS_MD },
  { key: `${P}ref.name`, description: 'Name of the reference for a target (a tag such as `latest` or `v1.2.3`).', format: 'reference name: alphanumerics separated by `-`, `.`, `_`, `:`, `@`, `/`, `+`, `--`', href: ANNOTATIONS_MD, scope: "only meaningful in the `index.json` of an OCI image layout" },
  { key: `${P}title`, description: 'Human-readable title of the image (ORAS also uses it as the file name of an artifact layer).', format: 'free-form string', href: ANNOTATIONS_MD },
  { key: `${P}description`, description: 'Human-readable description of the software packaged in the image.', format: 'free-form string', href: ANNOTATIONS_MD },
  { key: `${P}base.digest`, description: 'Digest of the image this image is based on.', format: 'digest, e.g. `sha256:` + 64 lowercase hex digits', href: ANNOTATIONS_MD },
  { key: `${P}base.name`, description: 'Image reference of the image this image is based on.', format: 'fully qualified reference, e.g. `docker.io/library/alpine:3.20`', href: ANNOTATIONS_MD },
  { key: 'vnd.docker.reference.type', description: 'BuildKit: marks an attestation manifest (`attestation-manifest`); its platform is `unknown/unknown`.', format: '`attestation-manifest`', href: 'https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md', scope: 'index entries written by BuildKit' },
  { key: 'vnd.docker.reference.digest', description: 'BuildKit: the digest of the image manifest an attestation manifest describes.', format: 'digest', href: 'https://github.com/moby/buildkit/blob/master/docs/attestations/attestation-storage.md', scope: 'index entries written by BuildKit' },
  { key: 'io.containerd.image.name', description: 'containerd: the full image name of a manifest in an exported layout (`ctr export`).', format: 'image reference', href: 'https://github.com/containerd/containerd/blob/main/core/images/annotations.go', scope: 'the `index.json` of an image layout' },
];

const BY_KEY = new Map(ANNOTATION_KEYS.map((info) => [info.key, info]));

export function annotationKeyInfo(key: string): AnnotationKeyInfo | undefined {
  return BY_KEY.get(key);
}
