import type { Node } from 'jsonc-parser';
import { anchorRange, member, propertyNode } from '../json-tree';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_ARTIFACT_MANIFEST, OCI_INDEX, OCI_MANIFEST, mediaTypeInfo } from '../media-types';
import type { DocumentKind } from '../types';
import { detectTextStyle, insertPropertyEdit } from '../text-style';
import { replaceValue, show, type RuleContext } from './context';

const EXPECTED_MEDIA_TYPE: Partial<Record<DocumentKind, string>> = {
  'oci-manifest': OCI_MANIFEST,
  'oci-index': OCI_INDEX,
  'docker-manifest': DOCKER_MANIFEST,
  'docker-manifest-list': DOCKER_LIST,
};

const KIND_WORDS: Partial<Record<DocumentKind, string>> = {
  'docker-schema1': 'a Docker schema 1 manifest',
  'oci-config': 'an image config',
  'docker-config': 'an image config',
  'oci-layout': 'an `oci-layout` header',
  'oci-manifest': 'an image manifest (it has `config`/`layers`)',
  'oci-index': 'an index (it has `manifests`)',
  'docker-manifest': 'an image manifest (it has `config`/`layers`)',
  'docker-manifest-list': 'a manifest list (it has `manifests`)',
};

/** What kind of document this is, and whether its top-level `mediaType` says so. */
export function checkDocumentKind(ctx: RuleContext): void {
  const { detection } = ctx.doc;
  const root = ctx.root;
  if (ctx.context.isLayoutIndex && detection.kind !== 'oci-index') {
    const target = member(root, 'mediaType') ?? { start: root.offset, end: root.offset + 1 };
    ctx.report('layout-index-kind', target, `This is the \`index.json\` of an OCI image layout, so it MUST be an image index (\`manifests\`, media type \`${OCI_INDEX}\`), not ${KIND_WORDS[detection.kind] ?? 'this kind of document'}.`);
  }
  if (detection.kind === 'docker-schema1') {
    const target = member(root, 'schemaVersion') ?? anchorRange(root);
    ctx.report('schema1-deprecated', target, 'Docker image manifest schema 1 is deprecated: Docker 27+, containerd 2 and distribution 3 refuse it. Convert the image to schema 2 or OCI (e.g. `skopeo copy --format oci`).');
    return;
  }
  if (detection.ambiguous) {
    const key = propertyNode(root, 'manifests')?.children?.[0] ?? anchorRange(root);
    ctx.report('ambiguous-kind', key, 'The document has both `manifests` (an index) and `config`/`layers` (a manifest); distribution and containers/image refuse such ambiguous documents (GHSA-77vh-xpmg-72qh). Keep one shape.');
  }
  checkSchemaVersionToken(ctx);
  const expected = EXPECTED_MEDIA_TYPE[detection.kind];
  if (!expected) return;
  const mediaType = member(root, 'mediaType');
  if (mediaType && mediaType.type !== 'string') {
    ctx.report('wrong-type', mediaType, `\`mediaType\` must be a string, the media type \`${expected}\`, not ${mediaType.type}.`, [replaceValue(`Set ${expected}`, mediaType, expected)]);
    return;
  }
  if (detection.artifactManifest) {
    if (mediaType) {
      const written = mediaType.type === 'string' ? (mediaType.value as string) : OCI_ARTIFACT_MANIFEST;
      const history =
        written === OCI_ARTIFACT_MANIFEST
          ? `\`${OCI_ARTIFACT_MANIFEST}\` existed only in image-spec 1.1.0-rc1/rc2 and was removed before 1.1.0`
          : `${show(written)} is a pre-1.1 artifact manifest (with \`blobs\`), a format image-spec 1.1.0 did not adopt`;
      ctx.report('artifact-manifest-withdrawn', mediaType, `${history}; many clients and registries refuse it. Use \`${OCI_MANIFEST}\` with \`artifactType\`, and \`layers\` instead of \`blobs\`.`);
    }
    return;
  }
  if (!mediaType) {
    if (detection.kind === 'oci-manifest' || detection.kind === 'oci-index') {
      const brace = { start: root.offset, end: root.offset + 1 };
      const edit = insertPropertyEdit(ctx.doc.text, root, 'mediaType', JSON.stringify(expected), detectTextStyle(ctx.doc.text), 'schemaVersion');
      ctx.report('missing-media-type', brace, `The document has no \`mediaType\`; it SHOULD be \`${expected}\` so that clients need not guess the kind.`, [
        { title: `Add "mediaType": "${expected}"`, ...edit },
      ]);
    }
    return;
  }
  if (mediaType.type !== 'string' || mediaType.value === expected) return;
  const value = mediaType.value as string;
  const fix = [replaceValue(`Set ${expected}`, mediaType, expected)];
  if (value === '') {
    ctx.report('media-type-mismatch', mediaType, `\`mediaType\` is an empty string, which is not a media type (schema-validating registries such as Quay refuse it): set \`${expected}\` or remove the member.`, fix);
  } else if (detection.contradicts || mediaTypeInfo(value)) {
    ctx.report('media-type-mismatch', mediaType, `\`mediaType\` is ${show(value)}, but the document is ${KIND_WORDS[detection.kind]}; it must be \`${expected}\`.`, fix);
  } else {
    ctx.report('media-type-mismatch', mediaType, `\`mediaType\` ${show(value)} is not a manifest media type; for ${KIND_WORDS[detection.kind]} it must be \`${expected}\`.`, fix);
  }
}

/** `buildx imagetools inspect --raw`-style output adds these; the stored bytes never have them. */
export function checkToolOutputFields(ctx: RuleContext): void {
  if (!EXPECTED_MEDIA_TYPE[ctx.kind]) return;
  for (const field of ['digest', 'size']) {
    const key: Node | undefined = propertyNode(ctx.root, field)?.children?.[0];
    if (key) {
      ctx.report('tool-output-field', key, `\`${field}\` is not a member of a manifest or index; this looks like tool output (e.g. \`buildx imagetools inspect\`), not the bytes a registry stores, so its digest differs.`);
    }
  }
}

/** `2.0` and `2e0` parse as 2, but Go's integer decoding refuses them. */
function checkSchemaVersionToken(ctx: RuleContext): void {
  const node = member(ctx.root, 'schemaVersion');
  if (node?.type !== 'number' || ctx.doc.plainNumbers) return;
  const raw = ctx.doc.text.slice(node.offset, node.offset + node.length);
  if (Number.isInteger(node.value) && !/^-?(0|[1-9]\d*)$/.test(raw)) {
    ctx.report('invalid-value', node, `\`schemaVersion\` must be written as the integer ${String(node.value)}, not \`${raw}\`; Go clients refuse a fraction or exponent here.`, [
      { title: `Write ${String(node.value)}`, range: { start: node.offset, end: node.offset + node.length }, newText: String(node.value) },
    ]);
  }
}

/** OCI members at the top of a Docker document: Docker clients ignore them, strict parsers fail. */
export function checkDockerTopLevelFields(ctx: RuleContext): void {
  if (ctx.kind !== 'docker-manifest' && ctx.kind !== 'docker-manifest-list') return;
  for (const field of ['annotations', 'artifactType', 'subject']) {
    const key: Node | undefined = propertyNode(ctx.root, field)?.children?.[0];
    if (!key) continue;
    ctx.report(
      'docker-unsupported-field',
      key,
      `\`${field}\` is an OCI member that the Docker ${ctx.kind === 'docker-manifest' ? 'manifest' : 'manifest list'} format does not define; Docker clients ignore it and strict parsers fail on it. Use the OCI media types if you need it.`,
    );
  }
}
