// Measurements through a real server process over stdio.
import { BenchLspClient, Lines } from './lsp.mjs';
import { applyEdit, oneCharEdit } from './inputs.mjs';
import { median, percentile } from './measure.mjs';

const stats = (list) => ({ medianMs: median(list), p95Ms: percentile(list, 95), count: list.length, samplesMs: list });

/** Spawn → initialize → open a small manifest → its first publishDiagnostics; fresh process each time. */
export async function startToFirstDiagnostics(repoRoot, text, times) {
  const total = [];
  const initialize = [];
  for (let i = 0; i < times; i++) {
    const client = await BenchLspClient.start(repoRoot);
    try {
      const uri = `file:///bench/start-${i}.json`;
      await client.open(uri, text, 1);
      const { at } = await client.waitForDiagnostics(uri, 1);
      total.push(at - client.spawnedAt);
      initialize.push(client.initializedAt - client.spawnedAt);
    } finally {
      await client.shutdown();
    }
  }
  return { toFirstDiagnostics: stats(total), toInitialized: stats(initialize) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens `text`, then makes `count` one-character edits (a digest hex digit or a size digit, each
 * at a different place, so every version differs), one at a time: the time from sending
 * didChange to receiving publishDiagnostics for that version. `pauseMs` after each diagnostics
 * before the next edit: a user who makes one edit and looks (the server tells such an isolated
 * edit from a burst of typing, which `burstToDiagnostics` measures).
 */
export async function editToDiagnostics(client, uri, text, count, { pauseMs = 0 } = {}) {
  const lines = new Lines(text);
  const openedAt = performance.now();
  await client.open(uri, text, 1);
  const opened = await client.waitForDiagnostics(uri, 1, 300_000);
  const openMs = opened.at - openedAt;
  let current = text;
  const latencies = [];
  let diagnostics = opened.params.diagnostics.length;
  for (let i = 0; i < count; i++) {
    if (pauseMs > 0) await sleep(pauseMs);
    const version = i + 2;
    const edit = oneCharEdit(current, ((i * 0.37) % 0.9) + 0.05, i);
    current = applyEdit(current, edit);
    const start = lines.positionAt(edit.offset);
    const sentAt = performance.now();
    await client.change(uri, version, [{ range: { start, end: { line: start.line, character: start.character + 1 } }, text: edit.next }]);
    const { at, params } = await client.waitForDiagnostics(uri, version, 300_000);
    latencies.push(at - sentAt);
    diagnostics = params.diagnostics.length;
  }
  client.forgetPublished();
  return { openToDiagnosticsMs: openMs, edits: stats(latencies), diagnosticsAfterEdits: diagnostics, version: count + 1, text: current };
}

/**
 * Typing bursts: `bursts` times (`pauseMs` apart), `perBurst` one-character edits `gapMs` apart
 * (key repeat, fast typing), then the time from the last edit of the burst to the diagnostics of
 * that version; and how many earlier versions of the bursts were published (the server validates
 * the first edit of a burst, which it cannot tell from an isolated one, then waits for the burst
 * to end).
 */
export async function burstToDiagnostics(client, uri, text, version, { bursts = 10, perBurst = 5, gapMs = 30, pauseMs = 0 } = {}) {
  const lines = new Lines(text);
  let current = text;
  let v = version;
  const latencies = [];
  let intermediate = 0;
  for (let b = 0; b < bursts; b++) {
    if (pauseMs > 0) await sleep(pauseMs);
    const first = v + 1;
    let sentAt = 0;
    for (let i = 0; i < perBurst; i++) {
      v++;
      const edit = oneCharEdit(current, ((b * perBurst + i) * 0.29 % 0.9) + 0.05, 1000 + b * perBurst + i);
      current = applyEdit(current, edit);
      const start = lines.positionAt(edit.offset);
      if (i > 0) await sleep(gapMs);
      sentAt = performance.now();
      await client.change(uri, v, [{ range: { start, end: { line: start.line, character: start.character + 1 } }, text: edit.next }]);
    }
    const { at } = await client.waitForDiagnostics(uri, v, 300_000);
    latencies.push(at - sentAt);
    intermediate += client.published.filter((p) => p.params.uri === uri && p.params.version >= first && p.params.version < v).length;
  }
  client.forgetPublished();
  return { ...stats(latencies), perBurst, gapMs, intermediatePublications: intermediate, version: v, text: current };
}

/** Offsets (spread over the document) of positions inside mediaType values and on digests. */
function requestOffsets(text, needle, into, count) {
  const all = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) all.push(at + into);
  const picked = [];
  for (let i = 0; i < count; i++) picked.push(all[Math.floor(((i + 0.5) * all.length) / count)]);
  return picked;
}

function summarizeCompletion(result) {
  if (!result) return 0;
  return Array.isArray(result) ? result.length : (result.items?.length ?? 0);
}

/**
 * Completion inside mediaType values and hover on digests, `count` each, on an open, validated
 * document; then completion sent right after an edit (the parse of the new version lands on it).
 */
export async function completionAndHover(client, uri, text, version, count, { afterEditCount = 0 } = {}) {
  const lines = new Lines(text);
  const mediaNeedle = '"mediaType": "application/vnd.oci.image.manifest.v1+json"';
  const completionAt = requestOffsets(text, mediaNeedle, '"mediaType": "application/vnd.oci.'.length, count);
  const digestNeedle = '"digest": "sha256:';
  const hoverAt = requestOffsets(text, digestNeedle, digestNeedle.length + 20, count);
  const textDocument = { uri };

  const completion = [];
  let completionItems = [];
  let completionErrors = 0;
  for (const offset of completionAt) {
    const t0 = performance.now();
    let result;
    try {
      result = await client.request('textDocument/completion', { textDocument, position: lines.positionAt(offset) });
    } catch (error) {
      if (/No answer/.test(String(error))) throw error;
      completionErrors++;
    }
    completion.push(performance.now() - t0);
    completionItems.push(summarizeCompletion(result));
  }

  const hover = [];
  let hoverAnswered = 0;
  let hoverErrors = 0;
  for (const offset of hoverAt) {
    const t0 = performance.now();
    let result;
    try {
      result = await client.request('textDocument/hover', { textDocument, position: lines.positionAt(offset) });
    } catch (error) {
      if (/No answer/.test(String(error))) throw error;
      hoverErrors++;
    }
    hover.push(performance.now() - t0);
    if (result && result.contents) hoverAnswered++;
  }

  const afterEdit = [];
  let current = text;
  let v = version;
  for (let i = 0; i < afterEditCount; i++) {
    v++;
    const edit = oneCharEdit(current, ((i * 0.41) % 0.9) + 0.05, i * 2);
    current = applyEdit(current, edit);
    const start = lines.positionAt(edit.offset);
    await client.change(uri, v, [{ range: { start, end: { line: start.line, character: start.character + 1 } }, text: edit.next }]);
    const t0 = performance.now();
    await client.request('textDocument/completion', { textDocument, position: lines.positionAt(completionAt[i % completionAt.length]) });
    afterEdit.push(performance.now() - t0);
    // Let the debounced validation of this version finish before the next edit.
    await client.waitForDiagnostics(uri, v, 300_000);
  }
  client.forgetPublished();

  const answered = (list) => list.filter((n) => n > 0).length;
  return {
    completion: { ...stats(completion), answered: answered(completionItems), errors: completionErrors, medianItems: median(completionItems) },
    hover: { ...stats(hover), answered: hoverAnswered, errors: hoverErrors },
    completionAfterEdit: afterEditCount > 0 ? stats(afterEdit) : undefined,
  };
}

async function openAndMeasure(client, doc) {
  const uri = `file:///bench/memory-${doc.id}.json`;
  const t0 = performance.now();
  await client.open(uri, doc.text, 1);
  const { at, params } = await client.waitForDiagnostics(uri, 1, 300_000);
  client.forgetPublished();
  // Let the message buffers and the parse's garbage settle a moment before reading RSS.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const memory = client.memory();
  return {
    id: doc.id,
    bytes: doc.text.length,
    openToDiagnosticsMs: at - t0,
    diagnostics: params.diagnostics.length,
    limited: params.diagnostics.some((d) => d.code === 'validation-limited'),
    rssBytes: memory.rss,
    peakRssBytes: memory.hwm,
  };
}

async function freshServer(repoRoot, smallText) {
  const client = await BenchLspClient.start(repoRoot);
  await client.open('file:///bench/memory-warmup.json', smallText, 1);
  await client.waitForDiagnostics('file:///bench/memory-warmup.json', 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { client, baseline: client.memory().rss };
}

/**
 * RSS of the server: for each document a fresh server that opens only it (growth = RSS after the
 * diagnostics − RSS after start-up and a small manifest), then one server that opens them all in
 * turn and keeps them open.
 */
export async function memoryAfterOpening(repoRoot, documents, smallText) {
  const single = [];
  for (const doc of documents) {
    const { client, baseline } = await freshServer(repoRoot, smallText);
    try {
      const step = await openAndMeasure(client, doc);
      single.push({ ...step, baselineRssBytes: baseline, rssGrowthBytes: step.rssBytes - baseline });
    } finally {
      await client.shutdown(30_000);
    }
  }
  const { client, baseline } = await freshServer(repoRoot, smallText);
  try {
    const together = [];
    for (const doc of documents) {
      const step = await openAndMeasure(client, doc);
      together.push({ ...step, rssGrowthBytes: step.rssBytes - baseline });
    }
    return { baselineRssBytes: baseline, single, together, finalRssBytes: together.at(-1)?.rssBytes, peakRssBytes: client.memory().hwm };
  } finally {
    await client.shutdown(30_000);
  }
}
