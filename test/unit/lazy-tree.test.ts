/**
 * The lazy tree over JSON.parse's value must match jsonc-parser's tree node for node (offsets,
 * lengths, colons, values), whatever order the nodes are asked for in: it scans containers only
 * as far as the member or element asked for, and resumes there.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseTree, type Node } from 'jsonc-parser';
import { parseDocument } from 'image-manifest-language-server';
import { LazyNode } from 'image-manifest-language-server/out/service/lazy-tree';
import { FIXTURES } from '../helpers/paths';

/** Pairs of (lazy, reference) nodes, in an order shuffled by `seed`. */
function compare(text: string, seed: number): void {
  const reference = parseTree(text, [], { disallowComments: true, allowTrailingComma: false }) as Node;
  const value: unknown = JSON.parse(text);
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'boolean';
  const lazy = new LazyNode(text, type, value, undefined);
  const pairs: Array<[Node, Node]> = [];
  const collect = (a: Node, b: Node) => {
    pairs.push([a, b]);
    const ac = a.children ?? [];
    const bc = b.children ?? [];
    assert.equal(ac.length, bc.length, 'children');
    for (let i = 0; i < ac.length; i++) collect(ac[i], bc[i]);
  };
  collect(lazy, reference);
  let state = seed >>> 0 || 1;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
  }
  for (const [a, b] of pairs) {
    const where = `${b.type} at ${b.offset} in ${text.slice(0, 60)}`;
    assert.equal(a.type, b.type, where);
    assert.equal(a.offset, b.offset, `offset of ${where}`);
    assert.equal(a.length, b.length, `length of ${where}`);
    if (b.type === 'property') assert.equal(a.colonOffset, b.colonOffset, `colon of ${where}`);
    if (b.type !== 'object' && b.type !== 'array' && b.type !== 'property') assert.deepEqual(a.value, b.value, `value of ${where}`);
  }
}

test('lazy offsets equal jsonc-parser offsets on the fixtures, in any order of asking', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.json') && fs.statSync(file).size < 200_000) files.push(file);
    }
  };
  walk(FIXTURES);
  let compared = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    // The lazy tree stands for valid JSON without duplicate keys (the parser decides).
    if (!(parseDocument(text).root instanceof LazyNode) || text.charCodeAt(0) === 0xfeff) continue;
    for (const seed of [1, 2, 3]) compare(text, seed);
    compared++;
  }
  assert.ok(compared > 20, `compared ${compared} fixtures`);
});

test('lazy offsets equal jsonc-parser offsets on random JSON with any whitespace', () => {
  const ws = fc.constantFrom('', ' ', '\n', '\r\n  ', '\t');
  const key = fc.oneof(fc.constantFrom('a', 'b', 'a"b', 'x\\\\y', 'é', '}', ']', ','), fc.string({ maxLength: 4 }));
  const leaf = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }), fc.constantFrom('"\\"}]', '\\\\', '\u2028'), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
  })).node;
  const print = (v: unknown, w: string): string => {
    if (Array.isArray(v)) return `[${w}${v.map((e) => print(e, w)).join(`${w},${w}`)}${w}]`;
    if (v !== null && typeof v === 'object') return `{${w}${Object.entries(v).map(([k, e]) => `${JSON.stringify(k)}${w}:${w}${print(e, w)}`).join(`${w},${w}`)}${w}}`;
    return JSON.stringify(v);
  };
  fc.assert(fc.property(value, ws, ws, fc.nat(), (v, w, outer, seed) => compare(`${outer}${print(v, w)}${outer}`, seed)), { seed: Number(process.env.LAZY_SEED ?? 4242), numRuns: Number(process.env.LAZY_RUNS ?? 1500) });
});
