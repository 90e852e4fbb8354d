/** The wait after a change during a burst: long enough to skip the keystrokes of a word. */
export const TYPING_DEBOUNCE_MS = 150;
/** The wait after an isolated change, at least: the messages of one edit arrive together. */
export const MIN_TYPING_DEBOUNCE_MS = 20;
/** Changes closer together than this are a burst (fast typing, key repeat, a flood of edits). */
export const BURST_GAP_MS = 100;

/**
 * How long to wait before validating after a change. A change that comes within `BURST_GAP_MS`
 * of the previous one, or while another still waits, is part of a burst and waits the full
 * debounce, so a burst is validated once, after it. An isolated change waits about as long as
 * the document's last validation took, within the bounds: a small or 1 MB document shows its
 * diagnostics almost at once, while on a huge one the next keystroke still finds the timer running.
 */
export function typingDelayMs(anotherWaiting: boolean, msSincePreviousChange: number | undefined, lastValidationMs: number | undefined): number {
  if (anotherWaiting || (msSincePreviousChange !== undefined && msSincePreviousChange < BURST_GAP_MS)) return TYPING_DEBOUNCE_MS;
  if (lastValidationMs === undefined || !Number.isFinite(lastValidationMs)) return TYPING_DEBOUNCE_MS;
  return Math.min(TYPING_DEBOUNCE_MS, Math.max(MIN_TYPING_DEBOUNCE_MS, Math.ceil(lastValidationMs)));
}

/**
 * Runs validations per document: debounced while the user types, immediately when asked, and with
 * a generation number so that a result computed for an older request is never published after a
 * newer one (the text or the settings changed meanwhile).
 */
export class ValidationScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generations = new Map<string, number>();
  /** Shared by all documents, so a closed and reopened document never reuses a number. */
  private lastGeneration = 0;
  private disposed = false;

  constructor(
    /** Validates `uri`; must check `isCurrent()` after every await and before publishing. */
    private readonly validate: (uri: string, isCurrent: () => boolean) => Promise<void>,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  schedule(uri: string, delayMs: number): void {
    if (this.disposed) return;
    this.clearTimer(uri);
    const generation = this.nextGeneration(uri);
    if (delayMs <= 0) {
      this.run(uri, generation);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      this.run(uri, generation);
    }, delayMs);
    this.timers.set(uri, timer);
  }

  /** Whether a validation of `uri` is waiting for its timer. */
  isWaiting(uri: string): boolean {
    return this.timers.has(uri);
  }

  /** The document is gone: nothing pending or in flight for it may publish any more. */
  cancel(uri: string): void {
    this.clearTimer(uri);
    this.generations.delete(uri);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.generations.clear();
  }

  private run(uri: string, generation: number): void {
    const isCurrent = () => !this.disposed && this.generations.get(uri) === generation;
    this.validate(uri, isCurrent).catch((error: unknown) => this.onError(uri, error));
  }

  private nextGeneration(uri: string): number {
    const generation = ++this.lastGeneration;
    this.generations.set(uri, generation);
    return generation;
  }

  private clearTimer(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.timers.delete(uri);
    }
  }
}
