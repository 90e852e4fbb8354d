/** Digest grammar and registered algorithms (image-spec descriptor.md). */

export const DIGEST_ALGORITHMS: Readonly<Record<string, { hexLength: number; note?: string }>> = {
  sha256: { hexLength: 64 },
  sha512: { hexLength: 128, note: 'sha512 is registered, but many registries and clients support only sha256.' },
  blake3: { hexLength: 64, note: 'blake3 was registered after image-spec 1.1.1; few registries and clients support it yet.' },
};

const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[a-zA-Z0-9=_-]+$/;

export type DigestProblem =
  | { kind: 'grammar'; message: string }
  | { kind: 'uppercase'; message: string; fixed: string }
  | { kind: 'length'; message: string }
  | { kind: 'unregistered'; message: string }
  | { kind: 'support'; message: string };

/** The problems of one digest string, most serious first; empty when it is a valid sha256 digest. */
/** With a length check of 71: `sha256:` and 64 lowercase hex digits (the unbounded form runs faster). */
const PLAIN_SHA256 = /^sha256:[0-9a-f]+$/;
const NO_PROBLEMS: readonly DigestProblem[] = Object.freeze([]);

export function digestProblems(digest: string): readonly DigestProblem[] {
  if (digest.length === 71 && PLAIN_SHA256.test(digest)) return NO_PROBLEMS;
  const colon = digest.indexOf(':');
  if (colon < 0) {
    const hint = /^[0-9a-fA-F]{64}$/.test(digest) ? ` Did you mean \`sha256:${digest.toLowerCase()}\`?` : '';
    return [{ kind: 'grammar', message: `${show(digest)} is not a digest: expected \`algorithm:encoded\`, e.g. \`sha256:\` followed by 64 lowercase hex digits.${hint}` }];
  }
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!ALGORITHM.test(algorithm)) {
    const lower = algorithm.toLowerCase();
    if (ALGORITHM.test(lower) && DIGEST_ALGORITHMS[lower]) {
      return [{ kind: 'grammar', message: `The algorithm ${show(algorithm)} must be lowercase: \`${lower}\`.` }];
    }
    return [{ kind: 'grammar', message: `${show(algorithm)} is not a valid digest algorithm: it must match \`[a-z0-9]+([+._-][a-z0-9]+)*\`.` }];
  }
  if (!ENCODED.test(encoded)) {
    return [{ kind: 'grammar', message: `The encoded part of ${show(digest)} ${encoded === '' ? 'is empty' : 'has characters outside `[a-zA-Z0-9=_-]`'}.` }];
  }
  const registered = DIGEST_ALGORITHMS[algorithm];
  if (!registered) {
    return [{ kind: 'unregistered', message: `The digest algorithm \`${algorithm}\` is not registered (sha256, sha512, blake3); go-digest, distribution and go-containerregistry refuse it.` }];
  }
  if (/^[0-9a-fA-F]+$/.test(encoded) && /[A-F]/.test(encoded) && encoded.length === registered.hexLength) {
    return [{ kind: 'uppercase', message: `The ${algorithm} digest must be lowercase hex; uppercase letters are forbidden.`, fixed: `${algorithm}:${encoded.toLowerCase()}` }];
  }
  if (!/^[0-9a-f]+$/.test(encoded) || encoded.length !== registered.hexLength) {
    const what = /^[0-9a-fA-F]+$/.test(encoded) ? `${encoded.length} hex digits` : 'characters that are not lowercase hex';
    return [{ kind: 'length', message: `A ${algorithm} digest has exactly ${registered.hexLength} lowercase hex digits after \`${algorithm}:\`; this one has ${what}.` }];
  }
  return registered.note ? [{ kind: 'support', message: registered.note }] : [];
}

export function isValidDigest(digest: string): boolean {
  return digestProblems(digest).every((problem) => problem.kind === 'support');
}

function show(value: string): string {
  const text = JSON.stringify(value);
  return text.length > 90 ? `${text.slice(0, 87)}…"` : text;
}
