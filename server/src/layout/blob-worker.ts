/**
 * The blob worker thread: hashes blobs and reads layers for the language server, so that a
 * gigabyte layer never holds up a request. One job at a time; messages are plain objects.
 */
import { parentPort } from 'node:worker_threads';
import { hashFile, summarizeLayer, type Compression, type FileIdentity, type LayerLimits } from './blob-analysis';

export type WorkerJob =
  | { id: number; kind: 'hash'; file: string; algorithm: string; expected: FileIdentity }
  | { id: number; kind: 'layer'; file: string; compression: Compression; limits: LayerLimits; expected: FileIdentity };

export type WorkerMessage =
  | { id: number; type: 'progress'; bytes: number }
  | { id: number; type: 'done'; result: unknown }
  | { id: number; type: 'error'; message: string; changed: boolean };

/** Runs one job; used by the worker and, where no worker can start, in-process. */
export async function runJob(job: WorkerJob, post: (message: WorkerMessage) => void): Promise<void> {
  const progress = (bytes: number) => post({ id: job.id, type: 'progress', bytes });
  try {
    const result =
      job.kind === 'hash'
        ? await hashFile(job.file, job.algorithm, job.expected, progress)
        : await summarizeLayer(job.file, job.compression, job.limits, job.expected, progress);
    post({ id: job.id, type: 'done', result });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    post({ id: job.id, type: 'error', message, changed: error instanceof Error && error.name === 'BlobChangedError' });
  }
}

if (parentPort) {
  const port = parentPort;
  let queue = Promise.resolve();
  port.on('message', (job: WorkerJob) => {
    queue = queue.then(() => runJob(job, (message) => port.postMessage(message)));
  });
}
