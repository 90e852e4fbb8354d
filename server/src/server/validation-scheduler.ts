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
