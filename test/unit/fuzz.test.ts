/**
 * Seeded property-based fuzzing of the language service (CI part). The same properties run far
 * longer behind `npm run fuzz`. Override with FUZZ_SEED / FUZZ_RUNS to reproduce or widen a run.
 */
import { describe, test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkWithText, properties, PROPERTY_WEIGHTS } from '../helpers/fuzz';
import { FIXTURES } from '../helpers/paths';

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

describe('every cut of the small real fixtures', () => {
  // What an editor sees while a manifest is typed or pasted: each prefix, each suffix, with
  // completion and hover asked at the cut.
  for (const name of ['registry-amd64.json', 'registry-amd64-v2s2.json', 'registry-multi-oci.json']) {
    test(`${name}: every prefix and every suffix`, { timeout: 120_000 }, () => {
      const text = fs.readFileSync(path.join(FIXTURES, 'real', name), 'utf8');
      for (let at = 0; at <= text.length; at++) {
        checkWithText(text.slice(0, at), { probes: [1], useLayout: false });
        checkWithText(text.slice(at), { probes: [0], useLayout: false });
      }
    });
  }
});
