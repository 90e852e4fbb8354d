#!/usr/bin/env node
// The benchmark: `npm run bench` (add `-- --quick` for a fast subset). Prints tables and writes
// bench/results.json. Makes no network requests. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliThroughput } from './lib/cli-bench.mjs';
import { hashThroughput } from './lib/hash-bench.mjs';
import { applyEdit, fixtureFiles, generatedInputs, oneCharEdit } from './lib/inputs.mjs';
import { SCHEMA_PACKAGE, createJsonLanguageService, findSchemaDirectory, packageVersion } from './lib/json-ls.mjs';
import { burstToDiagnostics, completionAndHover, editToDiagnostics, memoryAfterOpening, startToFirstDiagnostics } from './lib/lsp-bench.mjs';
import { BenchLspClient, serverDebounceMs } from './lib/lsp.mjs';
import { hasGc, logLogSlope, measureInterleaved } from './lib/measure.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO_ROOT, 'server', 'package.json'));
const service = require('image-manifest-language-server');
const { parseTree } = require('jsonc-parser');

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`usage: npm run bench [-- --quick] [-- --only=docs,lsp,cli,hash] [-- --hash] [-- --out=FILE]

  --quick      a fast subset: no 50 MB document, fewer runs and edits, one CLI run
  --only=LIST  run only these sections: docs (in-process validation), lsp, cli, hash
  --hash       also measure blob hashing on a generated 1 GB file against sha256sum (not in the
               default run; --hash-mb=N for another size; the file is deleted afterwards)
  --out=FILE   where to write the results (default bench/results.json)`);
  process.exit(0);
}
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const only = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['docs', 'lsp', 'cli']);
if (argv.includes('--hash')) only.add('hash');
const hashMbArg = argv.find((a) => a.startsWith('--hash-mb='));
const HASH_BYTES = (hashMbArg ? Number(hashMbArg.slice('--hash-mb='.length)) : 1000) * 1e6;
const outArg = argv.find((a) => a.startsWith('--out='));
const OUT = outArg ? path.resolve(outArg.slice('--out='.length)) : path.join(REPO_ROOT, 'bench', 'results.json');

const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const started = performance.now();

// ---------------------------------------------------------------------------------------------
// Formatting

function ms(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}
const ratio = (value) => (value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(value >= 10 ? 0 : 1)}×`);
function bytes(value) {
  const sign = value < 0 ? '−' : '';
  const v = Math.abs(value);
  if (v >= 1e6) return `${sign}${(v / 1e6).toFixed(1)} MB`;
  if (v >= 1e3) return `${sign}${(v / 1e3).toFixed(1)} kB`;
  return `${sign}${v} B`;
}
function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    '| ' + cells.map((c, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// In-process: the floor, ours, the JSON language service

/** What the server does for one version: parse once, validate, turn offsets into positions. */
function ours(text, options) {
  const parsed = service.parseDocument(text);
  const diagnostics = service.validateDocument(parsed, options);
  if (diagnostics.length > 0) {
    const lines = new service.LineIndex(text);
    for (const d of diagnostics) d.lspRange = lines.rangeAt(d.range);
  }
  return diagnostics;
}

const PARSE_OPTIONS = { disallowComments: true, allowTrailingComma: false };

function schemaKind(text) {
  const kind = service.parseDocument(text).detection.kind;
  if (kind === 'oci-index' || kind === 'docker-manifest-list') return 'index';
  if (kind === 'oci-manifest' || kind === 'docker-manifest') return 'manifest';
  if (kind === 'oci-config' || kind === 'docker-config') return 'config';
  if (kind === 'oci-layout') return 'layout';
  return 'other';
}

async function measureDocuments(jsonLs, inputs) {
  const limit = service.DEFAULT_MAX_VALIDATION_SIZE ?? Infinity;
  const fixtures = fixtureFiles(REPO_ROOT).map((f) => ({ ...f, kind: schemaKind(f.text) }));
  const rows = [];

  const all = [
    {
      id: 'fixtures',
      name: `real + reported fixtures (${fixtures.length} files)`,
      bytes: fixtures.reduce((s, f) => s + f.text.length, 0),
      fixtures,
    },
    ...inputs.map((i) => ({ ...i, bytes: i.text.length })),
  ];

  for (const input of all) {
    const t0 = performance.now();
    const big = input.bytes > 20e6;
    const contenders = [];
    if (input.fixtures) {
      const files = input.fixtures;
      const edited = (k) => files.map((f) => (/"(digest|size)"/.test(f.text) ? safeEdit(f.text, k) : f.text));
      contenders.push(
        { key: 'jsonParse', run: () => files.forEach((f) => JSON.parse(f.text)) },
        { key: 'parseTree', run: () => files.forEach((f) => parseTree(f.text, [], PARSE_OPTIONS)) },
        { key: 'oursCold', run: () => files.reduce((n, f) => n + ours(f.text).length, 0) },
        { key: 'oursEdit', prepare: edited, run: (texts) => texts.reduce((n, t) => n + ours(t).length, 0) },
      );
      if (jsonLs) {
        contenders.push({
          key: 'jsonLs',
          run: async () => {
            let n = 0;
            for (const f of files) n += (await jsonLs.validate(f.text, f.kind)).length;
            return n;
          },
        });
      }
    } else {
      const text = input.text;
      contenders.push(
        { key: 'jsonParse', run: () => JSON.parse(text) },
        { key: 'parseTree', run: () => parseTree(text, [], PARSE_OPTIONS) },
        { key: 'oursCold', run: () => ours(text).length },
        { key: 'oursEdit', prepare: (k) => applyEdit(text, oneCharEdit(text, 0.5, k)), run: (edited) => ours(edited).length },
      );
      if (text.length > limit && !quick) {
        contenders.push({ key: 'oursAllRules', run: () => ours(text, { maxValidationSize: Infinity }).length });
      }
      if (jsonLs) contenders.push({ key: 'jsonLs', run: async () => (await jsonLs.validate(text, input.kind)).length });
    }
    log(`measuring ${input.name} (${bytes(input.bytes)})…`);
    const result = await measureInterleaved(contenders, {
      budgetMs: quick ? 1500 : big ? 20_000 : 5000,
      minRuns: big || (quick && input.bytes > 2e6) ? 3 : 5,
      maxRuns: quick ? 15 : 40,
      warmupMs: quick ? 200 : 600,
      minSampleMs: 5,
      warmup: !big,
    });
    const m = (key) => result[key]?.medianMs;
    const count = (key) => {
      const last = result[key]?.last;
      return typeof last === 'number' ? last : undefined;
    };
    const row = {
      id: input.id,
      name: input.name,
      bytes: input.bytes,
      n: input.n,
      series: input.series,
      generated: !input.fixtures,
      limited: !input.fixtures && input.bytes > limit,
      ms: Object.fromEntries(Object.keys(result).map((k) => [k, { median: result[k].medianMs, p95: result[k].p95Ms, min: result[k].minMs, runs: result[k].runs, repetitions: result[k].repetitions }])),
      diagnostics: { ours: count('oursCold'), oursAllRules: count('oursAllRules'), jsonLs: count('jsonLs') },
      ratios: {
        oursColdOverParseTree: m('oursCold') / m('parseTree'),
        oursEditOverParseTree: m('oursEdit') / m('parseTree'),
        oursAllRulesOverParseTree: m('oursAllRules') / m('parseTree'),
        oursColdOverJsonParse: m('oursCold') / m('jsonParse'),
        jsonLsOverOursCold: m('jsonLs') / m('oursCold'),
        jsonLsOverOursEdit: m('jsonLs') / m('oursEdit'),
        jsonLsOverOursAllRules: m('jsonLs') / m('oursAllRules'),
      },
      // The same ratios from the fastest sample of each: closer to the uncontended cost when the
      // machine is busy.
      ratiosOfMinimums: {
        oursColdOverParseTree: result.oursCold.minMs / result.parseTree.minMs,
        oursEditOverParseTree: result.oursEdit.minMs / result.parseTree.minMs,
        oursAllRulesOverParseTree: result.oursAllRules ? result.oursAllRules.minMs / result.parseTree.minMs : undefined,
        jsonLsOverOursCold: result.jsonLs ? result.jsonLs.minMs / result.oursCold.minMs : undefined,
        jsonLsOverOursAllRules: result.jsonLs && result.oursAllRules ? result.jsonLs.minMs / result.oursAllRules.minMs : undefined,
      },
      wallMs: performance.now() - t0,
    };
    if (input.fixtures) {
      row.perFile = fixtures.map((f) => ({ file: f.name, bytes: f.text.length, kind: f.kind, ours: ours(f.text).length }));
    }
    rows.push(row);
    log(`  ours ${ms(m('oursCold'))} ms, parseTree ${ms(m('parseTree'))} ms, JSON LS ${ms(m('jsonLs'))} ms (${result.oursCold.runs} runs, ${Math.round(row.wallMs)} ms)`);
  }
  // Per-file JSON LS counts for the fixtures, outside the timing.
  if (jsonLs) {
    const fixtureRow = rows.find((r) => r.id === 'fixtures');
    for (const entry of fixtureRow.perFile) {
      const f = fixtures.find((x) => x.name === entry.file);
      entry.jsonLs = (await jsonLs.validate(f.text, f.kind)).length;
    }
  }
  return rows;
}

/** A one-character edit of a small fixture, when it has a digest or size to change. */
function safeEdit(text, k) {
  try {
    return applyEdit(text, oneCharEdit(text, 0.3, k));
  } catch {
    return text;
  }
}

function growth(rows, series) {
  const points = rows.filter((r) => r.series === series).sort((a, b) => a.bytes - b.bytes);
  if (points.length < 2) return undefined;
  const upper = points.slice(1); // the smallest is all fixed cost
  const slope = (key) => logLogSlope(upper.map((r) => ({ x: r.bytes, y: r.ms[key]?.median })));
  const perMb = Object.fromEntries(points.map((r) => [r.id, (r.ms.oursCold.median / r.bytes) * 1e6]));
  return {
    inputs: points.map((r) => r.id),
    fittedOver: upper.map((r) => r.id),
    slopeOurs: slope('oursCold'),
    slopeParseTree: slope('parseTree'),
    slopeJsonLs: points[0].ms.jsonLs ? slope('jsonLs') : undefined,
    oursMsPerMb: perMb,
  };
}

// ---------------------------------------------------------------------------------------------
// Over LSP

/** After each edit's diagnostics, before the next edit: a user who edits, then looks. */
const EDIT_PAUSE_MS = 250;

async function measureLsp(debounce, inputs) {
  const byId = Object.fromEntries(inputs.map((i) => [i.id, i]));
  const small = fixtureFiles(REPO_ROOT).find((f) => f.name.endsWith('registry-amd64.json')).text;
  const result = { debounceMs: debounce.ms, minDebounceMs: debounce.minMs, adaptiveDebounce: debounce.adaptive, debounceSource: debounce.source, editPauseMs: EDIT_PAUSE_MS };

  log('LSP: server start → first diagnostics…');
  result.start = await startToFirstDiagnostics(REPO_ROOT, small, quick ? 3 : 7);

  const editCount = 50;
  const client = await BenchLspClient.start(REPO_ROOT);
  try {
    const editDocs = quick ? ['index-1mb'] : ['index-1mb', 'index-20000'];
    result.edits = {};
    for (const id of editDocs) {
      const doc = byId[id];
      const count = id === 'index-1mb' ? editCount : quick ? 10 : 20;
      log(`LSP: edit → diagnostics on ${doc.name} (${count} edits)…`);
      const r = await editToDiagnostics(client, `file:///bench/edit-${id}.json`, doc.text, count, { pauseMs: EDIT_PAUSE_MS });
      result.edits[id] = {
        name: doc.name,
        bytes: doc.text.length,
        openToDiagnosticsMs: r.openToDiagnosticsMs,
        diagnostics: r.diagnosticsAfterEdits,
        // End to end, the debounce included: what a user waits for.
        raw: r.edits,
      };
      if (id === 'index-1mb') {
        log(`LSP: typing bursts on ${doc.name}…`);
        result.edits[id].bursts = await burstToDiagnostics(client, `file:///bench/edit-${id}.json`, r.text, r.version, { bursts: quick ? 5 : 10, pauseMs: EDIT_PAUSE_MS });
        delete result.edits[id].bursts.text;
      }
      await client.close(`file:///bench/edit-${id}.json`);
    }

    const index = byId['index-20000'];
    const uri = 'file:///bench/requests-index-20000.json';
    log(`LSP: completion and hover on ${index.name}…`);
    const opened = await editToDiagnostics(client, uri, index.text, 0);
    result.requests = {
      name: index.name,
      bytes: index.text.length,
      ...(await completionAndHover(client, uri, opened.text, opened.version, quick ? 50 : 100, { afterEditCount: quick ? 10 : 50 })),
    };
    await client.close(uri);
  } finally {
    await client.shutdown(60_000);
  }

  const memoryDocs = [quick ? byId['index-5mb'] : byId['index-50mb'], byId['index-20000'], quick ? byId['index-1mb'] : byId['index-5mb']];
  log(`LSP: memory after opening ${memoryDocs.map((d) => d.name).join(', ')}…`);
  result.memory = await memoryAfterOpening(REPO_ROOT, memoryDocs, small);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const meta = {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memory: bytes(totalmem()),
    commit: gitCommit(),
    exposeGc: hasGc,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
  if (!hasGc) log('note: run with node --expose-gc (npm run bench does) so each input starts from a collected heap');

  let jsonLs;
  const schemaDir = findSchemaDirectory();
  if (only.has('docs')) {
    if (schemaDir.dir) {
      jsonLs = await createJsonLanguageService(schemaDir.dir);
      meta.jsonLanguageService = { version: packageVersion(), schemas: schemaDir.dir };
      log(`baseline: vscode-json-languageservice ${meta.jsonLanguageService.version} with the OCI schemas in ${schemaDir.dir}`);
    } else {
      meta.jsonLanguageService = { skipped: schemaDir.reason };
      console.log(`\nNOTE: skipping the vscode-json-languageservice baseline column: ${schemaDir.reason}.\n`);
    }
  }

  const results = { meta };
  let inputs;
  if (only.has('docs') || only.has('lsp')) {
    log('generating inputs…');
    inputs = generatedInputs({ quick });
  }
  if (only.has('docs')) results.documents = await measureDocuments(jsonLs, inputs);
  if (only.has('lsp')) {
    const debounce = serverDebounceMs(REPO_ROOT);
    results.lsp = await measureLsp(debounce, inputs);
  }
  if (only.has('cli')) {
    log('CLI: generating 10,000 manifests and checking them…');
    results.cli = await cliThroughput(REPO_ROOT, { count: 10_000, runs: quick ? 1 : 3 });
  }
  if (only.has('hash')) {
    const analysis = require('image-manifest-language-server/out/layout/blob-analysis');
    results.hash = await hashThroughput(analysis, { sizeBytes: HASH_BYTES, runs: quick ? 1 : 3, log });
  }
  if (results.documents) {
    results.growth = { index: growth(results.documents, 'index'), manifest: growth(results.documents, 'manifest') };
  }
  results.targets = targets(results);
  meta.totalSeconds = (performance.now() - started) / 1000;
  meta.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  writeFileSync(OUT, JSON.stringify(results, (key, value) => (key === 'samplesMs' ? value.map((v) => Number(v.toFixed(3))) : value), 2) + '\n');
  report(results);
  console.log(`\nResults written to ${path.relative(process.cwd(), OUT) || OUT} (${meta.totalSeconds.toFixed(0)} s).`);
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server/src'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (server/src modified)` : head;
  } catch {
    return undefined;
  }
}

function targets(results) {
  const list = [];
  const docs = results.documents?.filter((r) => r.generated) ?? [];
  if (docs.length) {
    // For a document above maxValidationSize, "full validation" is the all-rules measurement.
    const ALL_RULES = { oursColdOverParseTree: 'oursAllRulesOverParseTree', jsonLsOverOursCold: 'jsonLsOverOursAllRules' };
    const full = (r, key, ratios = r.ratios) => (r.limited && Number.isFinite(ratios[ALL_RULES[key]]) ? ratios[ALL_RULES[key]] : ratios[key]);
    const worstOf = (key, ratios) => docs.reduce((a, b) => (full(b, key, ratios(b)) > full(a, key, ratios(a)) ? b : a));
    const bestOf = (key, ratios) => docs.filter((r) => r.ms.jsonLs).reduce((a, b) => (full(b, key, ratios(b)) < full(a, key, ratios(a)) ? b : a), docs.find((r) => r.ms.jsonLs));
    const med = (r) => r.ratios;
    const min = (r) => r.ratiosOfMinimums;
    const worst = worstOf('oursColdOverParseTree', med);
    const worstEdit = docs.reduce((a, b) => (b.ratios.oursEditOverParseTree > a.ratios.oursEditOverParseTree ? b : a));
    const worstMin = worstOf('oursColdOverParseTree', min);
    const cold = full(worst, 'oursColdOverParseTree');
    list.push({
      target: 'full validation ≤ 3× parseTree on every generated input',
      value:
        `worst ${ratio(cold)} (${worst.name}${worst.limited ? ', all rules' : ''}); after an edit worst ${ratio(worstEdit.ratios.oursEditOverParseTree)} (${worstEdit.name}); ` +
        `from minimums worst ${ratio(full(worstMin, 'oursColdOverParseTree', min(worstMin)))} (${worstMin.name})`,
      met: Math.max(cold, worstEdit.ratios.oursEditOverParseTree) <= 3,
    });
    if (docs.some((r) => r.ms.jsonLs)) {
      const slowest = bestOf('jsonLsOverOursCold', med);
      const slowestMin = bestOf('jsonLsOverOursCold', min);
      const value = full(slowest, 'jsonLsOverOursCold');
      list.push({
        target: '≥ 5× faster than vscode-json-languageservice + OCI schemas',
        value: `least ${ratio(value)} (${slowest.name}${slowest.limited ? ', all rules' : ''}); from minimums least ${ratio(full(slowestMin, 'jsonLsOverOursCold', min(slowestMin)))} (${slowestMin.name})`,
        met: value >= 5,
      });
    } else {
      list.push({ target: '≥ 5× faster than vscode-json-languageservice + OCI schemas', value: 'n/a: baseline skipped', met: undefined });
    }
  }
  const lsp = results.lsp;
  if (lsp?.requests) {
    const c = lsp.requests.completion;
    const h = lsp.requests.hover;
    const answered = c.answered > 0 && h.answered > 0;
    list.push({
      target: 'completion and hover p95 < 20 ms on the 20,000-child index (document parsed)',
      value: answered ? `completion p95 ${ms(c.p95Ms)} ms, hover p95 ${ms(h.p95Ms)} ms` : `n/a: the server answered ${c.answered} completions, ${h.answered} hovers`,
      met: answered ? Math.max(c.p95Ms, h.p95Ms) < 20 : undefined,
    });
  }
  const edit = lsp?.edits?.['index-1mb'];
  if (edit) {
    list.push({
      target: 'edit → diagnostics p95 < 100 ms on a 1 MB document (end to end, the debounce included)',
      value: `p95 ${ms(edit.raw.p95Ms)} ms, median ${ms(edit.raw.medianMs)} ms (${debounceWords(lsp)})`,
      met: edit.raw.p95Ms < 100,
    });
  }
  const g = results.growth?.index;
  if (g) {
    const m = results.growth.manifest;
    list.push({
      target: 'cost grows linearly with size (log-log slope ≤ 1.25; quadratic is 2)',
      value: `index 1,000→20,000 slope ${g.slopeOurs.toFixed(2)} (parseTree ${g.slopeParseTree.toFixed(2)}); manifest 100→2,000 slope ${m ? m.slopeOurs.toFixed(2) : 'n/a'}`,
      met: g.slopeOurs <= 1.25 && (!m || m.slopeOurs <= 1.25),
    });
  }
  if (lsp?.memory) {
    const first = lsp.memory.single[0];
    const factor = first.rssGrowthBytes / first.bytes;
    const allRules = lsp.memory.single.filter((s) => !s.limited).sort((a, b) => b.bytes - a.bytes)[0];
    list.push({
      target: 'RSS growth ≤ ~10× the largest document',
      value:
        `${bytes(first.rssGrowthBytes)} for ${bytes(first.bytes)} = ${factor.toFixed(1)}×${first.limited ? ' (validation limited by size)' : ''}` +
        (first.limited && allRules ? `; largest with all rules: ${(allRules.rssGrowthBytes / allRules.bytes).toFixed(1)}× for ${bytes(allRules.bytes)}` : ''),
      met: factor <= 10 && (!first.limited || !allRules || allRules.rssGrowthBytes / allRules.bytes <= 10),
    });
  }
  return list;
}

function debounceWords(lsp) {
  return lsp.adaptiveDebounce
    ? `the server waits after an isolated change about as long as the document's last validation took, ${lsp.minDebounceMs}–${lsp.debounceMs} ms, and ${lsp.debounceMs} ms during a burst`
    : `the server debounces changes by ${lsp.debounceMs} ms`;
}

function report(results) {
  const out = [];
  const { meta } = results;
  out.push(`\nimage-manifest benchmark${meta.quick ? ' (--quick)' : ''}: Node ${meta.node}, ${meta.cpu}, ${meta.memory}, commit ${meta.commit ?? '?'}; load average ${meta.loadAverageAtStart[0]} at start, ${meta.loadAverageAtEnd[0]} at end`);
  if (Math.max(meta.loadAverageAtStart[0], meta.loadAverageAtEnd[0]) > cpus().length) {
    out.push(`WARNING: the machine was busy (load average above ${cpus().length} cores): absolute times are inflated and noisy; compare the ratios.`);
  }
  const docs = results.documents;
  if (docs) {
    const hasLs = docs.some((r) => r.ms.jsonLs);
    out.push('\nValidation from text to diagnostics, in process (median ms per document; ratios of medians)\n');
    const rows = [];
    for (const r of docs) {
      rows.push([
        r.name + (r.limited ? ' †' : ''),
        bytes(r.bytes),
        ms(r.ms.jsonParse.median),
        ms(r.ms.parseTree.median),
        ms(r.ms.oursCold.median),
        ms(r.ms.oursEdit.median),
        hasLs ? ms(r.ms.jsonLs?.median) : 'skipped',
        ratio(r.ratios.oursColdOverParseTree),
        ratio(r.ratios.oursEditOverParseTree),
        hasLs ? ratio(r.ratios.jsonLsOverOursCold) : 'n/a',
        `${r.diagnostics.ours ?? '?'} / ${hasLs ? (r.diagnostics.jsonLs ?? '?') : '–'}`,
      ]);
      if (r.ms.oursAllRules) {
        rows.push([
          '  same, all rules (maxValidationSize ∞)',
          '',
          '',
          '',
          ms(r.ms.oursAllRules.median),
          '',
          '',
          ratio(r.ratios.oursAllRulesOverParseTree),
          '',
          hasLs ? ratio(r.ms.jsonLs?.median / r.ms.oursAllRules.median) : 'n/a',
          `${r.diagnostics.oursAllRules ?? '?'}`,
        ]);
      }
    }
    out.push(
      table(['input', 'size', 'JSON.parse', 'parseTree', 'ours cold', 'ours edit', 'JSON LS', 'ours÷pT', 'edit÷pT', 'JSON LS÷ours', 'diags ours/LS'], rows),
    );
    if (docs.some((r) => r.limited)) {
      out.push(`† larger than the default imageManifest.maxValidationSize (${(service.DEFAULT_MAX_VALIDATION_SIZE ?? 0).toLocaleString('en-US')} characters): only syntax and structure are checked.`);
    }
    out.push('"ours edit" is parse + validate of the text after a one-character edit (the service has no incremental mode).');
    const g = results.growth;
    if (g?.index) {
      out.push(
        `Growth (log-log slope, 1 = linear): index ${g.index.fittedOver.join(', ')}: ours ${g.index.slopeOurs.toFixed(2)}, parseTree ${g.index.slopeParseTree.toFixed(2)}` +
          (g.index.slopeJsonLs !== undefined ? `, JSON LS ${g.index.slopeJsonLs.toFixed(2)}` : '') +
          (g.manifest ? `; manifest ${g.manifest.fittedOver.join(', ')}: ours ${g.manifest.slopeOurs.toFixed(2)}, parseTree ${g.manifest.slopeParseTree.toFixed(2)}` : ''),
      );
    }
  }
  const lsp = results.lsp;
  if (lsp) {
    out.push(`\nOver LSP, through a real server process (ms; ${debounceWords(lsp)})\n`);
    const rows = [];
    rows.push(['server start → first diagnostics (small manifest)', ms(lsp.start.toFirstDiagnostics.medianMs), ms(lsp.start.toFirstDiagnostics.p95Ms), lsp.start.toFirstDiagnostics.count, 'spawn to publishDiagnostics']);
    for (const [, e] of Object.entries(lsp.edits ?? {})) {
      rows.push([`open → diagnostics, ${e.name}`, ms(e.openToDiagnosticsMs), '', 1, `${e.diagnostics} diagnostics`]);
      rows.push([`edit → diagnostics, ${e.name}`, ms(e.raw.medianMs), ms(e.raw.p95Ms), e.raw.count, `didChange sent → publishDiagnostics for that version (debounce included; ${lsp.editPauseMs ?? 0} ms pause between edits)`]);
      if (e.bursts) {
        rows.push([
          `typing burst → diagnostics, ${e.name}`,
          ms(e.bursts.medianMs),
          ms(e.bursts.p95Ms),
          e.bursts.count,
          `${e.bursts.perBurst} edits ${e.bursts.gapMs} ms apart; last edit → its diagnostics; ${e.bursts.intermediatePublications} earlier versions published`,
        ]);
      }
    }
    const q = lsp.requests;
    if (q) {
      const note = (s, what) => (s.answered === 0 ? `n/a: no ${what} answered` : `${s.answered}/${s.count} answered${s.errors ? `, ${s.errors} errors` : ''}`);
      const cell = (s, v) => (s.answered === 0 ? 'n/a' : ms(v));
      rows.push([`completion in a mediaType value, ${q.name}`, cell(q.completion, q.completion.medianMs), cell(q.completion, q.completion.p95Ms), q.completion.count, note(q.completion, 'completion')]);
      rows.push([`hover on a digest, ${q.name}`, cell(q.hover, q.hover.medianMs), cell(q.hover, q.hover.p95Ms), q.hover.count, note(q.hover, 'hover')]);
      if (q.completionAfterEdit) {
        rows.push([`completion right after an edit, ${q.name}`, ms(q.completionAfterEdit.medianMs), ms(q.completionAfterEdit.p95Ms), q.completionAfterEdit.count, 'includes the parse of the new version']);
      }
    }
    out.push(table(['measurement', 'median', 'p95', 'n', 'note'], rows, ['l', 'r', 'r', 'r', 'l']));
    const mem = lsp.memory;
    if (mem) {
      out.push(`\nServer RSS (VmRSS; growth against the RSS after start-up and a small manifest, ${bytes(mem.baselineRssBytes)})`);
      const memRows = [
        ...mem.single.map((s) => [`${s.id}, alone`, bytes(s.bytes), ms(s.openToDiagnosticsMs), bytes(s.rssBytes), bytes(s.rssGrowthBytes), `${(s.rssGrowthBytes / s.bytes).toFixed(1)}×`, bytes(s.peakRssBytes), s.limited ? 'limited' : 'all rules']),
        ...mem.together.map((s, i) => [`+ ${s.id}${i === 0 ? ' (all kept open)' : ''}`, bytes(s.bytes), ms(s.openToDiagnosticsMs), bytes(s.rssBytes), bytes(s.rssGrowthBytes), '', bytes(s.peakRssBytes), s.limited ? 'limited' : 'all rules']),
      ];
      out.push(table(['server opens', 'size', 'open → diags ms', 'RSS after', 'RSS growth', 'growth ÷ size', 'peak RSS', 'validation'], memRows));
    }
  }
  const cli = results.cli;
  if (cli) {
    out.push(
      `\nCLI: image-manifest check --format json on ${cli.files.toLocaleString('en-US')} manifests (${bytes(cli.bytes)}): ${ms(cli.medianMs)} ms median of ${cli.runs} → ${Math.round(cli.filesPerSecond).toLocaleString('en-US')} files/s ` +
        `(${Math.round(cli.filesPerSecondExcludingStartup).toLocaleString('en-US')} files/s without the ${ms(cli.oneFileRunMs)} ms of a one-file run; ${cli.filesChecked} files reported, exit ${cli.exitCode})`,
    );
  }
  const hash = results.hash;
  if (hash?.skipped) out.push(`\nHashing: skipped: ${hash.skipped}`);
  else if (hash) {
    out.push(`\nHashing a ${bytes(hash.bytes)} file (sha256, warm page cache, median of ${hash.runs})\n`);
    out.push(
      table(
        ['hasher', 'median ms', 'MB/s', 'vs sha256sum'],
        [
          ['ours, streamed (hashFile: the server\'s worker)', ms(hash.streamed.medianMs), hash.streamed.mbPerSecond.toFixed(0), ratio(hash.streamedVsSha256sum)],
          ['ours, synchronous (hashFileSync: the CLI)', ms(hash.sync.medianMs), hash.sync.mbPerSecond.toFixed(0), ratio(hash.syncVsSha256sum)],
          ['sha256sum', ms(hash.sha256sum.medianMs), hash.sha256sum.mbPerSecond.toFixed(0), '1.0×'],
        ],
      ),
    );
  }
  if (results.targets?.length) {
    out.push('\nTargets (issue 6)\n');
    out.push(table(['target', 'where it stands', 'met'], results.targets.map((t) => [t.target, t.value, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO']), ['l', 'l', 'l']));
  }
  console.log(out.join('\n'));
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exit(1);
});
