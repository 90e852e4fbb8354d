import type { Node } from 'jsonc-parser';
import { memberKeys, propertyNode, rangeOf } from './json-tree';
import type { ManifestDiagnostic } from './types';
import { DIAGNOSTIC_CODES } from './codes';

/** The top-level members of manifests, indexes and layouts, as the specs spell them. */
const TOP_LEVEL = ['schemaVersion', 'mediaType', 'artifactType', 'config', 'layers', 'manifests', 'subject', 'annotations', 'imageLayoutVersion'];
const BY_FOLDED = new Map(TOP_LEVEL.map((name) => [name.toLowerCase(), name]));

/**
 * A manifest serialised from Go structs without `json` tags has `SchemaVersion`, `Config`,
 * `Layers`: Go clients (and a Go registry) read it, because encoding/json matches names without
 * case, but the names are case-sensitive everywhere else, so other clients see no manifest at
 * all. Such a document is recognised by its folded names and told so, member by member.
 */
export function goFieldNameDiagnostics(root: Node | undefined): ManifestDiagnostic[] {
  if (root?.type !== 'object') return [];
  const keys = memberKeys(root);
  const variants = keys.filter((key) => !TOP_LEVEL.includes(key) && BY_FOLDED.has(key.toLowerCase()));
  const folded = new Set(variants.map((key) => key.toLowerCase()));
  // schemaVersion and one part of a manifest, index or layout: anything less is some other JSON.
  const looksLikeOne = folded.has('schemaversion') && ['config', 'layers', 'manifests'].some((part) => folded.has(part));
  if (!looksLikeOne || keys.includes('schemaVersion')) return [];
  const info = DIAGNOSTIC_CODES['go-field-names'];
  return variants.map((key, index) => {
    const keyNode = propertyNode(root, key)?.children?.[0] as Node;
    const name = BY_FOLDED.get(key.toLowerCase()) as string;
    // The whole story once, on the first member; the others only say their own name.
    const why =
      index === 0
        ? ` Go clients read this document anyway (encoding/json matches names without case), but every other client finds no \`${name}\` and no manifest. Members inside (\`Digest\`, \`MediaType\`, \`Size\`) need the spec's names too; a Go struct serialised without \`json\` tags writes them like this.`
        : '';
    return {
      code: 'go-field-names',
      severity: info.severity,
      message: `${JSON.stringify(key)} must be \`${name}\`: member names are case-sensitive.${why}`,
      range: rangeOf(keyNode),
      // No rename fix: renaming one member makes the rest of the document a broken manifest; all
      // names (nested ones too) have to change together, which the writer's json tags do.
      href: info.href,
    };
  });
}
