/**
 * The quick scan of valid JSON (`scanParsed`) must agree with the full character scan (`prescan`):
 * exactly on duplicate keys, and never calling a document's numbers plain when one is not.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { countKeys, prescan, scanParsed } from 'image-manifest-language-server/out/service/lazy-tree';
import { parseDocument } from 'image-manifest-language-server';

function agree(text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return;
  }
  const full = prescan(text, 200);
  const quick = scanParsed(text, value, 200);
  if (full.tooDeepAt !== undefined) {
    assert.equal(quick, undefined, `too deep but scanned: ${text.slice(0, 80)}`);
    return;
  }
  if (!quick) return;
  assert.equal(quick.duplicateKeys, countKeys(value) !== full.keys, `duplicate keys disagree on ${text}`);
  // With duplicates the parser falls back to the full scan, so only then may numbers go unseen.
  if (full.unusualNumbers && !quick.duplicateKeys) assert.ok(quick.unusualNumbers, `unusual numbers missed in ${text}`);
}

describe('the quick scan of valid JSON agrees with the full scan', () => {
  test('crafted documents', () => {
    const cases = [
      '{"a":1,"a":2}',
      '{"a":{"b":"x:y"},"a":{"b":"x"}}',
      '{"a:b":1,"a:b":1}',
      '{"a" : 1 , "b"\n:\t2}',
      '{"a":"\\u003a","a":1}',
      '{"a":"\\u003A"}',
      '{"size":1.0}',
      '{"size":1e3}',
      '{"size":1E3}',
      '{"size":-1}',
      '{"size":1234567890123456}',
      '{"size":-123456789012345}',
      '{"size":123456789012345}',
      '{"s":"a: 1.5, b"}',
      '{"s":"sha256:3e45"}',
      '{"s":"x:1e3"}',
      '{"l":[1.5]}',
      '{"l":[1,2,3]}',
      '{"t":true,"f":false,"n":null}',
      '[{"a":1},{"a":1.0}]',
      '5',
      '"x:1.5"',
      '{"a":{"a":{"a":1}}}',
      '{"__proto__":{"x":1},"__proto__":2}',
      '{"a":"\\"","b":"\\\\"}',
      '{"a\\"":":","a\\"":":"}',
      '{"k":1.5e3,"k":2}',
      `${'['.repeat(250)}${']'.repeat(250)}`,
      `${'{"a":'.repeat(199)}1${'}'.repeat(199)}`,
      `${'{"a":'.repeat(201)}1${'}'.repeat(201)}`,
    ];
    for (const text of cases) agree(text);
  });

  test('the quick scan decides the common cases', () => {
    assert.deepEqual(scanParsed('{"a":1,"a":2}', JSON.parse('{"a":1,"a":2}'), 200), { duplicateKeys: true, unusualNumbers: false });
    assert.deepEqual(scanParsed('{"a": 1.0}', { a: 1 }, 200), { duplicateKeys: false, unusualNumbers: true });
    assert.deepEqual(scanParsed('{"a": "b:1.5"}', { a: 'b:1.5' }, 200), { duplicateKeys: false, unusualNumbers: false });
    // Go escapes <, > and & (\u003c, \u003e, \u0026): they hide no colon.
    assert.deepEqual(scanParsed('{"a":"\\u003e:\\u0026"}', JSON.parse('{"a":"\\u003e:\\u0026"}'), 200), { duplicateKeys: false, unusualNumbers: false });
    assert.equal(scanParsed('{"a":"\\u003a"}', JSON.parse('{"a":"\\u003a"}'), 200), undefined);
  });

  test('random JSON, re-printed with and without whitespace', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b', 'a:b', ':', 'size', '__proto__', 'x"y'), fc.string({ maxLength: 4 }));
    const leaf = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(1e21, 1.5, -0, 2 ** 53, 1234567890123456, 'sha256:3e', 'a: 1.5, b', ':', 'x:1e3,'),
      fc.string({ maxLength: 6 }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.array(fc.tuple(key, tie('node')), { maxLength: 4 })),
    })).node;
    // Objects are printed by hand from [key, value] pairs so that duplicate keys survive.
    const print = (v: unknown, space: string): string => {
      if (Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')) {
        return `{${v.map(([k, e]) => `${JSON.stringify(k)}${space}:${space}${print(e, space)}`).join(`,${space}`)}}`;
      }
      if (Array.isArray(v)) return `[${v.map((e) => print(e, space)).join(`,${space}`)}]`;
      if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e15 && v !== 0) return String(v);
      return JSON.stringify(v) ?? 'null';
    };
    fc.assert(
      fc.property(value, fc.constantFrom('', ' ', '\n  '), (v, space) => agree(print(v, space))),
      { seed: Number(process.env.SCAN_SEED ?? 20260703), numRuns: Number(process.env.SCAN_RUNS ?? 3000) },
    );
  });

  test('documents parse the same whichever scan decides', () => {
    const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:f7afe8289aad57b717e0586262ab7458ddfc40d3b2a97019924e043eaa0584b0","size":1.0e3},"layers":[]}';
    assert.equal(parseDocument(text).plainNumbers, false);
    assert.equal(parseDocument(text.replace('1.0e3', '1000')).plainNumbers, true);
    assert.equal(parseDocument(text.replace('"size"', '"size":1,"size"')).root?.constructor.name, 'Object');
  });
});
