/**
 * JSON that tools print about an image, which users open or paste expecting a manifest:
 * `docker manifest inspect -v`, `skopeo inspect`, `docker image inspect`. None of them is a
 * manifest (their digests are not of these bytes), so they are not validated as one; what helps is
 * saying which tool wrote it and where the manifest is.
 */
import type { Node } from 'jsonc-parser';
import { elements, hasMember, isArray, isObject, member, stringMember } from './json-tree';

export interface ToolOutput {
  /** The command that prints this shape. */
  readonly tool: string;
  /** What to do instead, as a sentence. */
  readonly advice: string;
}

/** docker/cli's `ImageManifest` (manifest/types): `Ref`, `Descriptor`, `Raw`, and the parsed manifest. */
function isDockerVerboseEntry(node: Node | undefined): boolean {
  return (
    isObject(node) &&
    typeof stringMember(node, 'Ref') === 'string' &&
    isObject(member(node, 'Descriptor')) &&
    (hasMember(node, 'Raw') || hasMember(node, 'SchemaV2Manifest') || hasMember(node, 'OCIManifest'))
  );
}

function dockerVerboseField(node: Node): string {
  return hasMember(node, 'OCIManifest') ? 'OCIManifest' : 'SchemaV2Manifest';
}

/** Recognises only these exact shapes, so no other JSON file gets a note. */
export function recognizeToolOutput(root: Node | undefined): ToolOutput | undefined {
  if (isDockerVerboseEntry(root)) {
    const field = dockerVerboseField(root as Node);
    return {
      tool: '`docker manifest inspect -v`',
      advice: `The manifest is under \`${field}\`, re-serialised by docker; the bytes the registry stores are base64 in \`Raw\`, and \`Descriptor.digest\` is their digest. Save those bytes (e.g. \`jq -r .Raw | base64 -d\`) or run \`docker manifest inspect\` without \`-v\` to check the manifest.`,
    };
  }
  if (isArray(root)) {
    const items = elements(root);
    if (items.length > 0 && items.every(isDockerVerboseEntry)) {
      return {
        tool: '`docker manifest inspect -v` (of a manifest list)',
        advice: 'Each entry holds one platform\'s manifest under `SchemaV2Manifest` or `OCIManifest`, with its stored bytes base64 in `Raw`; the list itself is not here. Run `docker manifest inspect` without `-v` to check the list.',
      };
    }
    if (items.length > 0 && items.every((item) => isObject(item) && hasMember(item, 'Id') && hasMember(item, 'RootFS') && hasMember(item, 'RepoTags'))) {
      return {
        tool: '`docker image inspect`',
        advice: 'It describes an image in the local engine; the manifest and config are not in it. Use `docker save`, `crane manifest`/`crane config` or `skopeo inspect --raw` / `--config --raw`.',
      };
    }
    return undefined;
  }
  if (
    isObject(root) &&
    hasMember(root, 'Name') &&
    typeof stringMember(root, 'Digest') === 'string' &&
    (isArray(member(root, 'Layers')) || isArray(member(root, 'LayersData'))) &&
    !hasMember(root, 'schemaVersion')
  ) {
    return {
      tool: '`skopeo inspect`',
      advice: 'This is skopeo\'s summary of an image. `skopeo inspect --raw` prints the manifest as stored, `skopeo inspect --config --raw` the image config.',
    };
  }
  return undefined;
}
