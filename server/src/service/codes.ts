import type { Severity } from './types';

export interface CodeInfo {
  readonly severity: Severity;
  /** One line for the docs table and for hovers. */
  readonly summary: string;
  readonly href: string;
}

const IS = 'https://github.com/opencontainers/image-spec/blob/main';
const DS = 'https://github.com/distribution/distribution/blob/main/docs/content/spec/manifest-v2-2.md';
const RFC8259 = 'https://www.rfc-editor.org/rfc/rfc8259';

/** Every diagnostic code the service emits, with its default severity. Codes never change meaning. */
export const DIAGNOSTIC_CODES = {
  // The document as a whole
  'json-syntax': { severity: 'error', summary: 'The text is not valid JSON (manifests are strict JSON: no comments, no trailing commas).', href: RFC8259 },
  'invalid-utf8': { severity: 'error', summary: 'The bytes are not valid UTF-8, the only encoding JSON may be exchanged in; decoders replace them with U+FFFD, so values differ from what was hashed. Found by the CLI (it reads bytes; an editor hands over decoded text).', href: `${RFC8259}#section-8.1` },
  'duplicate-key': { severity: 'warning', summary: 'A key appears twice in one object, or a defined member has a case twin (`Digest` beside `digest`, one member to Go); parsers disagree on which value wins.', href: `${RFC8259}#section-4` },
  'ambiguous-kind': { severity: 'error', summary: 'The document has both `manifests` and `config`/`layers`; registries refuse it (GHSA-77vh-xpmg-72qh).', href: 'https://github.com/opencontainers/image-spec/security/advisories/GHSA-77vh-xpmg-72qh' },
  'media-type-mismatch': { severity: 'error', summary: 'The top-level `mediaType` does not match the kind of document.', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  'missing-media-type': { severity: 'warning', summary: 'The top-level `mediaType` is absent; the spec says it SHOULD be set.', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  'schema1-deprecated': { severity: 'information', summary: 'Docker schema 1 is deprecated; Docker 27+, containerd 2 and distribution 3 refuse it.', href: 'https://distribution.github.io/distribution/spec/deprecated-schema-v1/' },
  'schema1-history-count': { severity: 'error', summary: 'A schema 1 manifest whose `history` and `fsLayers` differ in length; docker and containers/image refuse it.', href: 'https://distribution.github.io/distribution/spec/deprecated-schema-v1/' },
  'artifact-manifest-withdrawn': { severity: 'warning', summary: 'The OCI artifact manifest was withdrawn before image-spec 1.1.0.', href: `${IS}/manifest.md#guidelines-for-artifact-usage` },
  'validation-limited': { severity: 'information', summary: 'The document is larger than `imageManifest.maxValidationSize`: only syntax and structure were checked.', href: 'https://github.com/opencontainers/image-spec/blob/main/manifest.md' },
  'tool-output-field': { severity: 'information', summary: 'A top-level `digest`/`size` is not part of the format: this looks like tool output, not the stored bytes.', href: `${IS}/considerations.md#extensibility` },
  'go-field-names': { severity: 'error', summary: 'A manifest whose members are named like Go struct fields (`SchemaVersion`, `Config`): only Go clients read it.', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  'tool-output': { severity: 'information', summary: 'Not a manifest but a tool\'s report about an image (`docker manifest inspect -v`, `skopeo inspect`, `docker image inspect`): where the manifest is instead.', href: `${IS}/manifest.md` },
  // Structure, from the JSON Schemas in schemas/
  'missing-property': { severity: 'error', summary: 'A required member is missing.', href: `${IS}/descriptor.md#properties` },
  'wrong-type': { severity: 'error', summary: 'A member has the wrong JSON type (for example a string where a number is required, or `null`).', href: `${IS}/descriptor.md#properties` },
  'invalid-value': { severity: 'error', summary: 'A member has a value the spec does not allow (e.g. `schemaVersion` other than 2).', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  'near-miss-property': { severity: 'warning', summary: 'An unknown member whose name is close to a defined one; clients silently ignore it.', href: `${IS}/considerations.md#extensibility` },
  // Descriptors
  'invalid-media-type': { severity: 'error', summary: 'A media type does not follow the RFC 6838 `type/subtype` grammar.', href: `${IS}/descriptor.md#properties` },
  'media-type-typo': { severity: 'warning', summary: 'An unknown media type that looks like a misspelling of a known one.', href: `${IS}/media-types.md` },
  'media-type-role': { severity: 'warning', summary: 'A known media type used in the wrong place (e.g. a layer type as the config).', href: `${IS}/media-types.md` },
  'mixed-family': { severity: 'warning', summary: 'Docker and OCI media types mixed in one document; some registries and clients refuse it.', href: `${IS}/media-types.md#compatibility-matrix` },
  'docker-manifest-layer-type': { severity: 'warning', summary: 'A Docker v2 schema 2 manifest has a layer of a type that is neither Docker\'s nor OCI\'s; containers/image (podman, skopeo, CRI-O) refuses it.', href: DS },
  'docker-manifest-oci-type': { severity: 'error', summary: 'A Docker v2 schema 2 manifest refers to OCI config or layer types; containers/image refuses it.', href: DS },
  'deprecated-media-type': { severity: 'information', summary: 'A deprecated media type (non-distributable layers, schema 1).', href: `${IS}/layer.md#non-distributable-layers` },
  'prerelease-media-type': { severity: 'warning', summary: 'A release-candidate media type that the released spec renamed.', href: `${IS}/manifest.md#guidance-for-an-empty-descriptor` },
  'invalid-digest': { severity: 'error', summary: 'A digest does not follow the `algorithm:encoded` grammar.', href: `${IS}/descriptor.md#digests` },
  'digest-uppercase': { severity: 'error', summary: 'A registered digest algorithm with uppercase hex; the encoded part must be lowercase.', href: `${IS}/descriptor.md#registered-algorithms` },
  'digest-length': { severity: 'error', summary: 'The encoded part has the wrong length or characters for its algorithm.', href: `${IS}/descriptor.md#registered-algorithms` },
  'unknown-digest-algorithm': { severity: 'warning', summary: 'An algorithm that is not registered; go-digest, distribution and go-containerregistry refuse it.', href: `${IS}/descriptor.md#registered-algorithms` },
  'digest-algorithm-support': { severity: 'information', summary: 'sha512 and blake3 are valid but many registries and clients support only sha256.', href: `${IS}/descriptor.md#registered-algorithms` },
  'invalid-size': { severity: 'error', summary: '`size` must be a plain non-negative integer up to 2^63−1 (no fraction, no exponent).', href: `${IS}/descriptor.md#properties` },
  'empty-descriptor': { severity: 'error', summary: 'A descriptor of the empty type must have the empty digest and size 2.', href: `${IS}/manifest.md#guidance-for-an-empty-descriptor` },
  'invalid-data': { severity: 'error', summary: '`data` is not valid base64, or its decoded bytes do not match `size` and `digest`.', href: `${IS}/descriptor.md#embedded-content` },
  'invalid-url': { severity: 'error', summary: 'An entry of `urls` is not a valid absolute URL.', href: `${IS}/descriptor.md#properties` },
  'url-scheme': { severity: 'warning', summary: 'An entry of `urls` should use http or https.', href: `${IS}/descriptor.md#properties` },
  'foreign-layer-urls': { severity: 'warning', summary: 'A Docker foreign layer without `urls` cannot be fetched; distribution refuses it ("missing URL on layer"). OCI non-distributable layers MAY have `urls` and are not reported.', href: DS },
  'docker-unsupported-field': { severity: 'information', summary: 'An OCI field that the Docker format does not define; strict Docker parsers fail on it.', href: DS },
  // Manifests
  'missing-artifact-type': { severity: 'error', summary: '`artifactType` must be set when the config is the empty descriptor.', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  'empty-layers': { severity: 'warning', summary: 'An image manifest should have at least one layer.', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  'empty-image-config': { severity: 'warning', summary: 'The config has an image config type but the digest of `{}`: an image config without the REQUIRED architecture, os and rootfs.', href: `${IS}/config.md#properties` },
  'non-image-config': { severity: 'information', summary: 'The config is not an image config: an artifact that container runtimes cannot run.', href: `${IS}/manifest.md#guidelines-for-artifact-usage` },
  'non-filesystem-layer': { severity: 'information', summary: 'A layer that is not a filesystem changeset (attestation, signature, …); runtimes cannot unpack it.', href: `${IS}/manifest.md#image-manifest-property-descriptions` },
  // Indexes and platforms
  'duplicate-platform': { severity: 'warning', summary: 'Two entries with the same platform; clients take the first match, so the later one is never chosen.', href: `${IS}/image-index.md#image-index-property-descriptions` },
  'windows-os-version': { severity: 'information', summary: 'A Windows entry without `os.version` cannot be matched to the host build.', href: `${IS}/image-index.md#image-index-property-descriptions` },
  'os-version-not-windows': { severity: 'information', summary: '`os.version` outside Windows has implementation-defined values.', href: `${IS}/image-index.md#image-index-property-descriptions` },
  'unknown-os': { severity: 'warning', summary: 'An operating system that is not a Go `GOOS` value.', href: `${IS}/image-index.md#platform-variants` },
  'unknown-architecture': { severity: 'warning', summary: 'An architecture that is not a Go `GOARCH` value.', href: `${IS}/image-index.md#platform-variants` },
  'unknown-variant': { severity: 'warning', summary: 'A CPU variant that is not listed for its architecture.', href: `${IS}/image-index.md#platform-variants` },
  'platform-alias': { severity: 'warning', summary: 'A common alias (x86_64, aarch64, armhf, …) instead of the Go name clients match on.', href: `${IS}/image-index.md#platform-variants` },
  // Annotations
  'invalid-annotation-value': { severity: 'warning', summary: 'A predefined annotation whose value does not have the defined format.', href: `${IS}/annotations.md#pre-defined-annotation-keys` },
  'reserved-annotation-key': { severity: 'warning', summary: 'A key in the reserved `org.opencontainers` namespace that no released spec defines.', href: `${IS}/annotations.md#rules` },
  'annotation-key-namespace': { severity: 'warning', summary: 'An annotation key without a reverse-domain namespace (e.g. `version` instead of `com.example.version`).', href: `${IS}/annotations.md#rules` },
  'annotation-key-typo': { severity: 'hint', summary: 'A key that looks like a misspelt `org.opencontainers.image.` key.', href: `${IS}/annotations.md#pre-defined-annotation-keys` },
  // Image configs
  'invalid-created': { severity: 'error', summary: '`created` is not an RFC 3339 date-time.', href: `${IS}/config.md#properties` },
  'created-go-time': { severity: 'information', summary: '`created` is RFC 3339 but in a form Go refuses (lowercase `t`/`z`, a space, second 60); Go clients fail to decode the config.', href: `${IS}/config.md#properties` },
  'invalid-env': { severity: 'warning', summary: 'An `Env` entry is not `NAME=value`.', href: `${IS}/config.md#properties` },
  'history-layer-count': { severity: 'warning', summary: 'History entries that produced a layer do not match the number of `diff_ids`.', href: `${IS}/config.md#properties` },
  'invalid-exposed-port': { severity: 'warning', summary: 'An `ExposedPorts` key that is not `port`, `port/tcp` or `port/udp`.', href: `${IS}/config.md#properties` },
  // Across the documents of an OCI image layout
  'layout-media-type-mismatch': { severity: 'error', summary: 'A descriptor\'s `mediaType` differs from the media type of the blob it points to.', href: `${IS}/descriptor.md#properties` },
  'blob-missing': { severity: 'information', summary: 'The layout has no blob for this digest (allowed: layouts may leave blobs out).', href: `${IS}/image-layout.md#blobs` },
  'blob-unreadable': { severity: 'warning', summary: 'The blob for this digest is not a regular file inside the layout (a symlink out of it, a FIFO, a device, a directory); it is not read.', href: `${IS}/image-layout.md#blobs` },
  'blob-size-mismatch': { severity: 'error', summary: 'The blob in the layout has a different size than the descriptor says.', href: `${IS}/descriptor.md#properties` },
  'blob-digest-mismatch': { severity: 'error', summary: 'The blob\'s content hashes to another digest than the one naming it (a changed, truncated or corrupt blob); clients refuse it. Checked per `imageManifest.layout.verifyDigests`.', href: `${IS}/descriptor.md#digests` },
  'blob-content-mismatch': { severity: 'error', summary: 'The blob\'s content is not what the descriptor\'s media type says (e.g. zstd data declared as gzip, a tarball declared as JSON).', href: `${IS}/descriptor.md#properties` },
  'layout-layer-count': { severity: 'error', summary: 'The image config\'s `rootfs.diff_ids` and the manifest\'s `layers` differ in number; runtimes cannot unpack the image.', href: `${IS}/config.md#properties` },
  'layout-index-kind': { severity: 'error', summary: 'The `index.json` of an OCI image layout must be an image index.', href: `${IS}/image-layout.md#indexjson-file` },
  'layout-platform-mismatch': { severity: 'warning', summary: 'An index entry\'s `platform` differs from the os/architecture/variant in the referenced image config.', href: `${IS}/image-index.md#image-index-property-descriptions` },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
