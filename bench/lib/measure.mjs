// Timing helpers: warm up, pick the number of runs from the cost of one, interleave the contenders
// round by round (so machine noise hits them alike), and report medians.

export const now = () => performance.now();

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;
export const hasGc = typeof globalThis.gc === 'function';

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/**
 * Measures several contenders on the same input.
 *
 * Each contender is `{ key, prepare?(k), run(arg) }`: `prepare` builds the argument of the k-th
 * call outside the timer (e.g. the k-th edited text), `run` is timed and may return a promise.
 * Tiny operations are repeated inside one sample so a sample lasts at least `minSampleMs`.
 * Rounds go on until `budgetMs` is spent (between `minRuns` and `maxRuns`). Returns, per key, the
 * median and p95 of the per-call times in ms, the samples, the runs and the repetitions, and the
 * result of the last call.
 */
export async function measureInterleaved(contenders, { budgetMs, minRuns = 5, maxRuns = 30, minSampleMs = 3, warmupMs = 300, warmup = true } = {}) {
  let k = 0;
  const call = async (contender) => {
    const arg = contender.prepare ? contender.prepare(k++) : undefined;
    const t0 = now();
    const result = await contender.run(arg);
    return { ms: now() - t0, result };
  };

  // Start from a collected heap (the previous input's garbage is not this one's cost). No forced
  // collection between samples: it shrinks the young generation and makes allocation-heavy code
  // (parseTree above all) several times slower than it runs in a live process.
  gc();

  // Warm up until the JIT has settled: at least three calls and `warmupMs` each, fewer for calls
  // that take long (one for calls over two seconds); the per-call estimate is the median of the
  // last three.
  const single = new Map();
  const last = new Map();
  for (const contender of contenders) {
    if (!warmup) {
      // Huge inputs: the code is already warm from the smaller ones, and one call is one sample.
      single.set(contender.key, Infinity);
      continue;
    }
    const start = now();
    const times = [];
    for (;;) {
      const r = await call(contender);
      times.push(r.ms);
      last.set(contender.key, r.result);
      const enough = times.length >= 3 && now() - start >= warmupMs;
      const slow = r.ms >= 2000 || (r.ms >= warmupMs / 2 && times.length >= 2);
      if (enough || slow || times.length >= 5000) break;
    }
    single.set(contender.key, median(times.slice(-3)));
  }

  const reps = new Map(contenders.map((c) => [c.key, Math.max(1, Math.ceil(minSampleMs / Math.max(single.get(c.key), 1e-3)))]));


  // Rounds until the budget is spent (at least `minRuns`, at most `maxRuns`): bounded by the
  // clock rather than by the warm-up's estimate, which a busy machine makes unreliable.
  const samples = new Map(contenders.map((c) => [c.key, []]));
  const roundsStart = now();
  for (let round = 0; round < maxRuns && (round < minRuns || now() - roundsStart < budgetMs); round++) {
    // Rotate the order so no contender always runs right after the same one.
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length];
      const n = reps.get(contender.key);
      const args = [];
      for (let j = 0; j < n; j++) args.push(contender.prepare ? contender.prepare(k++) : undefined);
      let result;
      const t0 = now();
      for (let j = 0; j < n; j++) result = await contender.run(args[j]);
      const ms = (now() - t0) / n;
      samples.get(contender.key).push(ms);
      last.set(contender.key, result);
    }
  }

  const out = {};
  for (const contender of contenders) {
    const list = samples.get(contender.key);
    out[contender.key] = {
      medianMs: median(list),
      p95Ms: percentile(list, 95),
      minMs: Math.min(...list),
      runs: list.length,
      repetitions: reps.get(contender.key),
      samplesMs: list,
      last: last.get(contender.key),
    };
  }
  return out;
}

/** Least-squares slope of log(time) over log(size): 1 is linear, 2 quadratic. */
export function logLogSlope(points) {
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}
