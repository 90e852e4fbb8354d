/**
 * LSP work-done progress for background work on large blobs (hashing, reading a layer): one
 * server-initiated progress per job (`window/workDoneProgress/create`, then `$/progress` begin,
 * reports, end). Clients without `window.workDoneProgress` get nothing (the library's null reporter).
 */
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { BlobJobs, JobProgressEvent } from '../layout/blob-jobs';
import { logError } from './run-safe';

/** Reports at most this often per job. */
const REPORT_EVERY_MS = 200;

export class BlobProgress {
  private readonly active = new Map<number, { reporter: Promise<WorkDoneProgressServerReporter | undefined>; lastReport: number; lastPercent: number }>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly connection: Connection,
    jobs: BlobJobs,
  ) {
    this.subscription = jobs.onProgress((event) => this.handle(event));
  }

  dispose(): void {
    this.subscription.dispose();
    for (const { reporter } of this.active.values()) void reporter.then((r) => r?.done());
    this.active.clear();
  }

  private handle(event: JobProgressEvent): void {
    if (event.phase === 'begin') {
      const title = event.kind === 'hash' ? 'Verifying a blob digest' : 'Reading a layer';
      const reporter = this.connection.window.createWorkDoneProgress().then(
        (progress) => {
          progress.begin(title, 0, describe(event), false);
          return progress;
        },
        (error: unknown) => {
          logError(this.connection.console, 'Creating a progress indicator failed', error);
          return undefined;
        },
      );
      this.active.set(event.id, { reporter, lastReport: Date.now(), lastPercent: 0 });
      return;
    }
    const state = this.active.get(event.id);
    if (!state) return;
    if (event.phase === 'end') {
      this.active.delete(event.id);
      void state.reporter.then((progress) => progress?.done());
      return;
    }
    const percent = event.total > 0 ? Math.min(100, Math.floor((event.bytes / event.total) * 100)) : 0;
    const now = Date.now();
    if (percent === state.lastPercent || now - state.lastReport < REPORT_EVERY_MS) return;
    state.lastReport = now;
    state.lastPercent = percent;
    void state.reporter.then((progress) => progress?.report(percent, describe(event)));
  }
}

function describe(event: JobProgressEvent): string {
  const colon = event.label.indexOf(':');
  const short = colon > 0 ? `${event.label.slice(0, colon + 13)}…` : event.label;
  return `${short} · ${megabytes(event.bytes)} of ${megabytes(event.total)}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
