/**
 * Hover on a layer of a manifest fetched from a registry: a `HEAD` of the blob says whether the
 * registry has it and whether its size is the descriptor's. Shown below the language server's own
 * layer hover; runs in the extension host because the server never touches the network. Answers
 * are cached per blob for the session (a blob is content addressed: it does not change).
 */
import { findNodeAtOffset, parseTree, type Node } from 'jsonc-parser';
import { Hover, MarkdownString, Range, languages, workspace, type Disposable, type HoverProvider, type LogOutputChannel, type Position, type TextDocument } from 'vscode';
import { REGISTRY_SCHEME, type BlobHead, type ImageReference } from './registry-api';
import { resourceOf } from './registry-documents';
import { describeRegistryError, registryClient } from './registry-settings';

interface LayerAt {
  readonly digest: string;
  readonly size: number | undefined;
  readonly node: Node;
}

function member(object: Node, key: string): Node | undefined {
  return object.children?.find((property) => property.children?.[0]?.value === key)?.children?.[1];
}

/** The layer descriptor (`layers[i]` of the top-level object) that contains `offset`, if any. */
export function layerAt(text: string, offset: number): LayerAt | undefined {
  const root = parseTree(text);
  if (!root || root.type !== 'object') return undefined;
  const layers = member(root, 'layers');
  if (layers?.type !== 'array') return undefined;
  let node = findNodeAtOffset(root, offset, true);
  while (node && node.parent !== layers) node = node.parent;
  if (!node || node.type !== 'object') return undefined;
  const digest = member(node, 'digest');
  if (digest?.type !== 'string' || typeof digest.value !== 'string') return undefined;
  const size = member(node, 'size');
  return { digest: digest.value, size: size?.type === 'number' && typeof size.value === 'number' ? size.value : undefined, node };
}

function bytes(value: number): string {
  return `${String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${value === 1 ? 'byte' : 'bytes'}`;
}

export function describeHead(head: BlobHead, layer: { digest: string; size: number | undefined }, repository: string): string {
  if (!head.exists) {
    return `**Registry:** \`${repository}\` has no blob \`${layer.digest}\` (HTTP ${head.status}): pulling this image will fail.`;
  }
  if (head.size === undefined) return `**Registry:** \`${repository}\` has this blob (its size was not given).`;
  if (layer.size !== undefined && head.size !== layer.size) {
    return `**Registry:** \`${repository}\` has this blob, but it is ${bytes(head.size)} and the descriptor says ${bytes(layer.size)}: clients refuse a size that differs.`;
  }
  return `**Registry:** \`${repository}\` has this blob, ${bytes(head.size)}${layer.size !== undefined ? ', as the descriptor says' : ''}.`;
}

export class RegistryBlobHover implements HoverProvider, Disposable {
  readonly #heads = new Map<string, Promise<BlobHead>>();
  readonly #registration: Disposable;

  constructor(private readonly log: LogOutputChannel) {
    this.#registration = languages.registerHoverProvider({ scheme: REGISTRY_SCHEME }, this);
  }

  async provideHover(document: TextDocument, position: Position): Promise<Hover | undefined> {
    if (!workspace.isTrusted) return undefined;
    const resource = resourceOf(document.uri);
    if (!resource) return undefined;
    const layer = layerAt(document.getText(), document.offsetAt(position));
    if (!layer) return undefined;
    const { registry, repository } = resource.reference;
    const where = `${registry}/${repository}`;
    let text: string;
    try {
      const head = await this.#head({ registry, repository, digest: layer.digest });
      text = describeHead(head, layer, where);
    } catch (error) {
      text = `**Registry:** could not check the blob in \`${where}\`: ${describeRegistryError(error)}`;
    }
    const range = new Range(document.positionAt(layer.node.offset), document.positionAt(layer.node.offset + layer.node.length));
    return new Hover(new MarkdownString(text), range);
  }

  #head(reference: ImageReference): Promise<BlobHead> {
    const key = `${reference.registry}/${reference.repository}@${reference.digest}`;
    let answer = this.#heads.get(key);
    if (!answer) {
      answer = registryClient(this.log).headBlob(reference);
      this.#heads.set(key, answer);
      // Failures (a timeout, the network) are not facts about the blob: ask again next time.
      answer.catch(() => this.#heads.delete(key));
    }
    return answer;
  }

  dispose(): void {
    this.#registration.dispose();
  }
}
