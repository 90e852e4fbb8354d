/**
 * Seeded property-based fuzzing of the language service (CI part). The same properties run far
 * longer behind `npm run fuzz`. Override with FUZZ_SEED / FUZZ_RUNS to reproduce or widen a run.
 */
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { properties, PROPERTY_WEIGHTS } from '../helpers/fuzz';

const SEED = Number(process.env.FUZZ_SEED ?? 20260703);
/** Total cases across the properties; bounded so this file stays well under 20 s. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);

describe(`fuzzing the service (seed ${SEED})`, () => {
  const all = properties();
  for (const [name, property] of Object.entries(all)) {
    const numRuns = Math.max(1, Math.round(RUNS * (PROPERTY_WEIGHTS[name] ?? 0.1)));
    test(`${name}: never throws, ranges inside, deterministic, bounded time (${numRuns} cases)`, { timeout: 120_000 }, () => {
      fc.assert(property, { seed: SEED, numRuns, endOnFailure: false, includeErrorInReport: true });
    });
  }
});
