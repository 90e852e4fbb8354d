#!/usr/bin/env node
'use strict';
/**
 * The long fuzz run behind `npm run fuzz`: the properties of test/helpers/fuzz.ts (compiled to
 * test/out/helpers/fuzz.js by `tsc -b`), spread over worker threads in seeded chunks.
 *
 *   NUM_RUNS      total cases (default 1,000,000)
 *   FUZZ_SEED     base seed (default: the time); chunk i of a property runs with seed + i
 *   FUZZ_WORKERS  worker threads (default: available cores)
 *   FUZZ_CHUNK    cases per chunk (default 5,000)
 *   FUZZ_HANG_MS  a worker without progress this long is reported as hung (default 120,000)
 *   FUZZ_REPLAY   '{"property":"fixtures","seed":1,"path":"12:3"}' re-runs one failure, shrunk
 *   FUZZ_KNOWN    a regular expression: failures whose message matches (a kind already reported)
 *                 are counted, with the shortest text, instead of ending their chunk
 *
 * Exit code 0 when every case passed, 1 on any failure or hang (the inputs are written to
 * test/out/fuzz-failures/).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const HELPERS = path.join(__dirname, '..', 'out', 'helpers', 'fuzz.js');
const FAILURES = path.join(__dirname, '..', 'out', 'fuzz-failures');
/** Code units of the current text each worker shares, for hang reports. */
const TEXT_SLOTS = 1 << 20;

function loadHelpers() {
  if (!fs.existsSync(HELPERS)) throw new Error(`${HELPERS} is missing: run \`npx tsc -b\` first`);
  return require(HELPERS);
}

if (!isMainThread) {
  const fc = require('fast-check');
  const helpers = loadHelpers();
  const properties = helpers.properties();
  const counter = new Int32Array(workerData.progress);
  const length = new Int32Array(workerData.textLength);
  const text = new Uint16Array(workerData.text);
  helpers.fuzzHooks.onCase = (current) => {
    const n = Math.min(current.length, TEXT_SLOTS);
    for (let i = 0; i < n; i++) text[i] = current.charCodeAt(i);
    Atomics.store(length, 0, current.length);
    Atomics.add(counter, 0, 1);
  };
  // Failures of a known, reported kind are counted (with the shortest text seen) and let through.
  const known = workerData.known ? new RegExp(workerData.known) : undefined;
  let tolerated = {};
  if (known) {
    helpers.fuzzHooks.tolerate = (error, current) => {
      const message = String(error && error.message ? error.message : error).split('\n')[0];
      if (!known.test(message)) return false;
      const kind = message.replace(/\d+/g, 'N');
      const entry = (tolerated[kind] ||= { count: 0, shortest: current, message });
      entry.count++;
      if (current.length < entry.shortest.length) {
        entry.shortest = current;
        entry.message = message;
      }
      return true;
    };
  }
  parentPort.on('message', (chunk) => {
    if (chunk === 'exit') process.exit(0);
    tolerated = {};
    const started = Date.now();
    const details = fc.check(properties[chunk.property], { seed: chunk.seed, numRuns: chunk.runs, includeErrorInReport: true });
    parentPort.postMessage({
      chunk,
      ms: Date.now() - started,
      failed: details.failed,
      numRuns: details.numRuns,
      tolerated,
      report: details.failed
        ? {
            seed: details.seed,
            path: details.counterexamplePath,
            counterexample: fc.stringify(details.counterexample),
            error: String(details.errorInstance && details.errorInstance.stack ? details.errorInstance.stack : details.errorInstance),
          }
        : undefined,
    });
  });
  return;
}

function replay(spec) {
  const fc = require('fast-check');
  const helpers = loadHelpers();
  const { property, seed, path: replayPath } = JSON.parse(spec);
  try {
    fc.assert(helpers.properties()[property], { seed, path: replayPath, numRuns: 1, includeErrorInReport: true, verbose: 1 });
    console.log('The case passes now.');
  } catch (error) {
    console.log(String(error && error.message ? error.message : error));
    process.exitCode = 1;
  }
}

function plan(total, baseSeed, chunkSize, weights) {
  const chunks = [];
  for (const [property, weight] of Object.entries(weights)) {
    let left = Math.round(total * weight);
    for (let i = 0; left > 0; i++) {
      const runs = Math.min(chunkSize, left);
      chunks.push({ property, seed: (baseSeed + i * 7919 + property.length * 104729) | 0, runs });
      left -= runs;
    }
  }
  // Interleave the properties, so a short run still samples all of them.
  return chunks.sort((a, b) => a.seed - b.seed || a.property.localeCompare(b.property));
}

function main() {
  if (process.env.FUZZ_REPLAY) return replay(process.env.FUZZ_REPLAY);
  const helpers = loadHelpers();
  const total = Number(process.env.NUM_RUNS || 1_000_000);
  const baseSeed = Number(process.env.FUZZ_SEED || Date.now() % 2 ** 31);
  const workers = Math.max(1, Number(process.env.FUZZ_WORKERS || (os.availableParallelism ? os.availableParallelism() : os.cpus().length)));
  const chunkSize = Math.max(1, Number(process.env.FUZZ_CHUNK || 5000));
  const hangMs = Number(process.env.FUZZ_HANG_MS || 120_000);
  const queue = plan(total, baseSeed, chunkSize, helpers.PROPERTY_WEIGHTS);
  const planned = queue.reduce((sum, chunk) => sum + chunk.runs, 0);
  console.log(`fuzz: ${planned.toLocaleString('en-US')} cases in ${queue.length} chunks on ${workers} workers, base seed ${baseSeed}`);

  const started = Date.now();
  const perProperty = {};
  const failures = [];
  /** FUZZ_KNOWN: failures of kinds already reported, counted instead of stopping the chunk. */
  const knownSeen = {};
  let done = 0;
  let running = 0;
  let lastReport = 0;

  const finish = () => {
    const seconds = (Date.now() - started) / 1000;
    for (const [property, stats] of Object.entries(perProperty)) {
      console.log(`  ${property}: ${stats.runs.toLocaleString('en-US')} cases, ${(stats.ms / 1000).toFixed(0)} s of worker time`);
    }
    for (const [kind, entry] of Object.entries(knownSeen)) {
      console.log(`  known (FUZZ_KNOWN): ${entry.count.toLocaleString('en-US')} × ${kind}\n    shortest: ${JSON.stringify(entry.shortest).slice(0, 400)}\n    ${entry.message}`);
    }
    const knownCount = Object.values(knownSeen).reduce((sum, entry) => sum + entry.count, 0);
    console.log(`fuzz: ${done.toLocaleString('en-US')} cases, ${failures.length} failure(s)${knownCount ? `, ${knownCount.toLocaleString('en-US')} of known kinds` : ''}, ${seconds.toFixed(0)} s (${(done / seconds).toFixed(0)} cases/s)`);
    if (failures.length) {
      fs.mkdirSync(FAILURES, { recursive: true });
      failures.forEach((failure, index) => {
        const file = path.join(FAILURES, `failure-${baseSeed}-${index}.json`);
        fs.writeFileSync(file, JSON.stringify(failure, null, 2));
        console.log(`\n✗ ${failure.kind} in ${failure.property} (seed ${failure.seed}): written to ${path.relative(process.cwd(), file)}`);
        if (failure.replay) console.log(`  replay: FUZZ_REPLAY='${failure.replay}' npm run fuzz`);
        console.log(`  ${String(failure.error || '').split('\n').slice(0, 6).join('\n  ')}`);
      });
    }
    process.exit(failures.length ? 1 : 0);
  };

  const start = () => {
    const progress = new SharedArrayBuffer(4);
    const textLength = new SharedArrayBuffer(4);
    const text = new SharedArrayBuffer(TEXT_SLOTS * 2);
    const worker = new Worker(__filename, { workerData: { progress, textLength, text, known: process.env.FUZZ_KNOWN } });
    const state = { worker, progress: new Int32Array(progress), textLength: new Int32Array(textLength), text: new Uint16Array(text), chunk: undefined, seen: 0, since: Date.now() };
    running++;
    const next = () => {
      state.chunk = queue.shift();
      if (!state.chunk) {
        worker.postMessage('exit');
        return;
      }
      state.since = Date.now();
      worker.postMessage(state.chunk);
    };
    worker.on('message', (result) => {
      const stats = (perProperty[result.chunk.property] ||= { runs: 0, ms: 0 });
      stats.runs += result.numRuns;
      stats.ms += result.ms;
      done += result.numRuns;
      for (const [kind, entry] of Object.entries(result.tolerated || {})) {
        const total = (knownSeen[kind] ||= { count: 0, shortest: entry.shortest, message: entry.message });
        total.count += entry.count;
        if (entry.shortest.length < total.shortest.length) Object.assign(total, { shortest: entry.shortest, message: entry.message });
      }
      if (result.failed) {
        console.log(`\n✗ failure in ${result.chunk.property} (seed ${result.report.seed}):\n  ${result.report.counterexample.slice(0, 500)}\n  ${result.report.error.split('\n').slice(0, 8).join('\n  ')}\n`);
        failures.push({
          kind: 'failure',
          property: result.chunk.property,
          seed: result.report.seed,
          path: result.report.path,
          counterexample: result.report.counterexample,
          error: result.report.error,
          replay: JSON.stringify({ property: result.chunk.property, seed: result.report.seed, path: result.report.path }),
        });
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        console.log(`  ${done.toLocaleString('en-US')} / ${planned.toLocaleString('en-US')} cases, ${((Date.now() - started) / 1000).toFixed(0)} s, ${failures.length} failure(s)`);
      }
      next();
    });
    worker.on('error', (error) => {
      failures.push({ kind: 'worker error', property: state.chunk && state.chunk.property, seed: state.chunk && state.chunk.seed, error: String(error && error.stack) });
    });
    worker.on('exit', () => {
      clearInterval(state.watch);
      running--;
      if (running === 0) finish();
    });
    // The hang detector: a case that does not end within hangMs stops the worker; its text is kept.
    state.watch = setInterval(() => {
      const seen = Atomics.load(state.progress, 0);
      if (seen !== state.seen) {
        state.seen = seen;
        state.since = Date.now();
        return;
      }
      if (state.chunk && Date.now() - state.since > hangMs) {
        const length = Math.min(Atomics.load(state.textLength, 0), TEXT_SLOTS);
        const hungText = Buffer.from(state.text.buffer, 0, length * 2).toString('utf16le');
        failures.push({ kind: 'hang', property: state.chunk.property, seed: state.chunk.seed, error: `no progress for ${hangMs} ms`, text: hungText });
        clearInterval(state.watch);
        void worker.terminate();
        if (queue.length) start();
      }
    }, 1000);
    next();
  };

  for (let i = 0; i < Math.min(workers, queue.length); i++) start();
  if (queue.length === 0) finish();
}

main();
