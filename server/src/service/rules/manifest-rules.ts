import type { Node } from 'jsonc-parser';
import { elements, hasMember, member, propertyNode } from '../json-tree';
import { LazyNode } from '../lazy-tree';
import { DOCKER_CONFIG, EMPTY_DIGEST, isImageConfigType, mediaTypeInfo, OCI_EMPTY } from '../media-types';
import { detectTextStyle, insertPropertyEdit } from '../text-style';
import type { RuleContext } from './context';
import { checkDigestValue } from './descriptor-rules';

/** Docker 1.10.0–1.11.0 pushed real image configs under these types (moby#21949, moby#22378). */
const LEGACY_DOCKER_CONFIG_TYPES = new Set(['application/octet-stream', 'text/html']);

export function checkManifest(ctx: RuleContext): void {
  if (ctx.kind !== 'oci-manifest' && ctx.kind !== 'docker-manifest') return;
  if (ctx.doc.detection.artifactManifest) return;
  const root = ctx.root;
  const configMediaType = member(member(root, 'config'), 'mediaType');
  const configType = configMediaType?.type === 'string' ? (configMediaType.value as string) : undefined;
  const configInfo = configType ? mediaTypeInfo(configType) : undefined;

  if (configMediaType && configInfo?.role === 'empty' && !hasMember(root, 'artifactType') && ctx.kind === 'oci-manifest') {
    ctx.report('missing-artifact-type', configMediaType, 'The config is the empty descriptor, so `artifactType` MUST be set at the top level to say what kind of artifact this is.', [
      { title: 'Add "artifactType"', ...insertPropertyEdit(ctx.doc.text, root, 'artifactType', '"application/vnd.example+type"', detectTextStyle(ctx.doc.text), 'mediaType') },
    ]);
  }

  const layers = member(root, 'layers');
  if (layers?.type === 'array' && elements(layers).length === 0 && ctx.kind === 'oci-manifest') {
    const key = propertyNode(root, 'layers')?.children?.[0] as Node;
    ctx.report('empty-layers', key, 'The manifest has no layers; it SHOULD have at least one (artifacts without content use the empty descriptor as their single layer). The OCI JSON schema even requires one.');
  }

  if (configMediaType && configType && !isImageConfigType(configType) && configInfo?.role !== 'empty' && configInfo?.role !== 'artifact' && !ctx.has('media-type-role', configMediaType) && !ctx.has('invalid-media-type', configMediaType)) {
    if (ctx.kind === 'docker-manifest' && LEGACY_DOCKER_CONFIG_TYPES.has(configType)) {
      ctx.report('non-image-config', configMediaType, `\`${configType}\` is a config type Docker 1.10.0–1.11.0 wrote for image configs (fixed in 1.11.1); Docker and containerd still run such images, but registries and tools that check config types (older Pulp, Quay's allow-list) may refuse it. A re-push with a current client writes \`${DOCKER_CONFIG}\`.`);
    } else {
      const what = configInfo ? configInfo.description : `\`${configType}\` is not an image config.`;
      ctx.report('non-image-config', configMediaType, `${what} This is an artifact, not a runnable container image: docker and container runtimes cannot run it, and some registries (e.g. Quay's default allow-list) refuse config types they do not list.`);
    }
  }

  const configDigest = member(member(root, 'config'), 'digest');
  if (configType && isImageConfigType(configType) && configDigest?.type === 'string' && configDigest.value === EMPTY_DIGEST) {
    ctx.report(
      'empty-image-config',
      configDigest,
      `This digest is that of the two bytes \`{}\`, so the config is empty, yet its type \`${configType}\` says image config, which REQUIRES \`architecture\`, \`os\` and \`rootfs\`: runtimes cannot run it. An artifact without a config uses the type \`${OCI_EMPTY}\` and sets \`artifactType\`.`,
    );
  }

  if (configType && isImageConfigType(configType)) {
    for (const layer of elements(layers)) {
      if (layer instanceof LazyNode && isPlainFilesystemLayer(layer.raw)) continue;
      const mediaType = member(layer, 'mediaType');
      if (mediaType?.type !== 'string') continue;
      const info = mediaTypeInfo(mediaType.value as string);
      if (info?.role === 'layer' || info?.role === 'empty' || ctx.has('media-type-typo', mediaType) || ctx.has('media-type-role', mediaType) || ctx.has('invalid-media-type', mediaType) || ctx.has('docker-manifest-layer-type', mediaType)) continue;
      if (info?.role !== 'artifact' && info !== undefined) continue;
      const layerType = mediaType.value as string;
      // The one failure seen in the wild is ctr's, on BuildKit's in-toto attestation layers.
      const example = layerType.includes('in-toto') ? ' (e.g. `ctr pull --all-platforms` fails on attestation manifests)' : '';
      ctx.report('non-filesystem-layer', mediaType, `\`${layerType}\` is not a filesystem layer${info ? ` (${info.description.replace(/\.$/, '')})` : ''}; runtimes cannot unpack it${example}.`);
    }
  }
}

/** From the parsed value: a layer the loop above has nothing to say about (most of them). */
function isPlainFilesystemLayer(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return true;
  const mediaType = (raw as Record<string, unknown>).mediaType;
  if (typeof mediaType !== 'string') return true;
  const info = mediaTypeInfo(mediaType);
  return info !== undefined && info.role !== 'artifact';
}

export function checkSchema1(ctx: RuleContext): void {
  if (ctx.kind !== 'docker-schema1') return;
  const fsLayers = member(ctx.root, 'fsLayers');
  for (const layer of elements(fsLayers)) checkDigestValue(ctx, member(layer, 'blobSum'));
  const history = member(ctx.root, 'history');
  if (fsLayers?.type === 'array' && history?.type === 'array' && elements(fsLayers).length !== elements(history).length) {
    ctx.report(
      'schema1-history-count',
      propertyNode(ctx.root, 'history')?.children?.[0] as Node,
      `Schema 1 pairs \`history\` with \`fsLayers\` one to one, but there are ${elements(history).length} history entries and ${elements(fsLayers).length} layers; docker and containers/image refuse it ("length of history not equal to number of layers").`,
    );
  }
}
