/**
 * The minimal inputs that fuzzing and the abuse tests found, one test each. Calls that once hung
 * run in a worker thread with a deadline, so a regression fails the test instead of the run.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { parseDocument, validateDocument } from 'image-manifest-language-server';
import { conversionEdits, getDocumentSymbols, getHover, type DocumentSymbol } from 'image-manifest-language-server/out/service/features';

const SERVICE = require.resolve('image-manifest-language-server');
const FEATURES = require.resolve('image-manifest-language-server/out/service/features');

/** Runs `body` (the source of a function of (service, features)) in a worker; fails after `deadlineMs`. */
function inWorker(body: string, deadlineMs: number): Promise<unknown> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const service = require(workerData.service);
    const features = require(workerData.features);
    const result = (${body})(service, features);
    parentPort.postMessage(JSON.parse(JSON.stringify(result ?? null)));
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { service: SERVICE, features: FEATURES } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`no answer within ${deadlineMs} ms: the call hangs`));
    }, deadlineMs);
    worker.once('message', (message) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(message);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('regressions found by fuzzing and protocol abuse', () => {
  test('conversionEdits on an unclosed empty object: the insertion range lies inside the text', () => {
    // Found by the fuzz suite: `{` gave the edit range {start: 1, end: 0}.
    for (const text of ['{', '{ ', '{\n', '{"a":{']) {
      for (const target of ['oci', 'docker'] as const) {
        for (const edit of conversionEdits(parseDocument(text), target) ?? []) {
          const { start, end } = edit.range;
          assert.ok(0 <= start && start <= end && end <= text.length, `${JSON.stringify(text)} → ${target}: ${JSON.stringify(edit.range)}`);
        }
      }
    }
  });

  test('an unclosed container ending in an unterminated comment: the tree, symbols and hovers stay inside the text', () => {
    // Found by `npm run fuzz`: jsonc-parser's scanner ends an unterminated block comment one past
    // the text when the text ends right after `/*` or with `\r\n` inside the comment, so unclosed
    // arrays and objects get a length one past the end (`[1,/*`, 5 characters, parses to an array
    // of length 6), and the outline and hover ranges built on those nodes ended past the text.
    const manifest =
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:' +
      'a'.repeat(64) +
      '","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip"/*';
    for (const text of ['[1,/*', '{"a":[/*', '[/* x \r\n', '{"rootfs":{"type":"layers","diff_ids":[]/*', '{"rootfs":{/* cut\r\n', manifest, `${manifest} \r\n`]) {
      const parsed = parseDocument(text);
      const nodes = [parsed.root];
      for (let node = nodes.pop(); node; node = nodes.pop()) {
        assert.ok(node.offset + node.length <= text.length, `${JSON.stringify(text)}: ${node.type} node at ${node.offset}+${node.length}`);
        nodes.push(...(node.children ?? []));
      }
      const symbols: DocumentSymbol[] = [...getDocumentSymbols(parsed)];
      for (let symbol = symbols.pop(); symbol; symbol = symbols.pop()) {
        assert.ok(symbol.range.end <= text.length && symbol.selectionRange.end <= text.length, `${JSON.stringify(text)}: symbol ${symbol.name} ${JSON.stringify(symbol.range)}`);
        symbols.push(...(symbol.children ?? []));
      }
      for (let offset = 0; offset <= text.length; offset++) {
        const hover = getHover(parsed, offset);
        if (hover) assert.ok(hover.range.end <= text.length, `${JSON.stringify(text)}: hover at ${offset} ${JSON.stringify(hover.range)}`);
      }
    }
  });

  test('getCompletions at an offset that is NaN or far past the end returns instead of looping', async () => {
    // Found through the protocol: a completion request at { line: 0.5, character: 3.7 } became
    // offset NaN and the server never answered again. The LSP layer now sanitises positions; the
    // service itself must not loop either.
    for (const offset of [Number.NaN, 1e9, Number.POSITIVE_INFINITY, -1, 2.5]) {
      const result = await inWorker(`(service, features) => features.getCompletions(service.parseDocument('{}'), ${offset}).items.length`, 5_000).catch(
        (error: Error) => assert.fail(`getCompletions(parseDocument('{}'), ${offset}): ${error.message}`),
      );
      assert.equal(typeof result, 'number');
    }
  });

  test('a text broken every few characters gets a bounded number of diagnostics', () => {
    // Found by the abuse suite: 100 MB of `"x":[1,}` gave one syntax diagnostic per error (13
    // million), and the server died of heap exhaustion before publishing any. 1 MB here: 131,074.
    const text = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' + '"x":[1,}'.repeat((1 << 20) / 8);
    const diagnostics = validateDocument(parseDocument(text));
    assert.ok(diagnostics.length > 0);
    assert.ok(diagnostics.length <= 1000, `${diagnostics.length.toLocaleString('en-US')} diagnostics for ${text.length.toLocaleString('en-US')} characters`);
  });
});
