import type Mocha from 'mocha';

/**
 * Mocha's `skip()` takes no reason, and a skip without one hides a gap. The reason is remembered
 * here, on the test or (from a suite hook) on its suite, and the results file carries it.
 */
const reasons = new WeakMap<object, string>();

export function skipBecause(context: Mocha.Context, reason: string): never {
  // In a hook `test` is the hook (and `currentTest` a test it happens to precede): the reason
  // then belongs to the hook's suite, so every test the skip covers shows it.
  const hook = context.test as (Mocha.Runnable & { type?: string }) | undefined;
  const target = hook?.type === 'hook' ? hook.parent : (context.currentTest ?? context.test);
  if (target) reasons.set(target, reason);
  return context.skip();
}

/** The reason given for the test, or for the nearest suite around it. */
export function skipReasonOf(test: Mocha.Runnable): string | undefined {
  for (let node: Mocha.Runnable | Mocha.Suite | undefined = test; node; node = node.parent) {
    const reason = reasons.get(node);
    if (reason) return reason;
  }
  return undefined;
}
