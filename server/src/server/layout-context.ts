import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { BlobJobs } from '../layout/blob-jobs';
import { findLayout, forgetLayoutCaches, layoutContextFor, type LayoutContext, type VerifyDigests } from '../layout/fs-blob-store';

export function filePathOf(uri: string): string | undefined {
  try {
    const parsed = URI.parse(uri);
    return parsed.scheme === 'file' ? parsed.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** What the settings say about layouts (`imageManifest.layout.*`). */
export interface LayoutSettings {
  readonly verifyDigests: VerifyDigests;
  readonly verifyDigestsMaxSize: number;
}

/**
 * Where a document sits: inside an OCI image layout (an `oci-layout` file at or above its folder),
 * its layout's blobs are readable for cross-checks, and `index.json` at the root is the layout index.
 * Hashing and layer reading go to the background job runner.
 */
export class LayoutContextProvider {
  constructor(private readonly jobs?: BlobJobs) {}

  /** Whether the document could sit in a layout at all, without touching the disk. */
  static isCandidate(uri: string): boolean {
    return filePathOf(uri) !== undefined;
  }

  async contextFor(uri: string, settings?: LayoutSettings): Promise<LayoutContext | undefined> {
    const file = filePathOf(uri);
    if (file === undefined) return undefined;
    const context = layoutContextFor(file, {
      verifyDigests: settings?.verifyDigests ?? 'auto',
      verifyMaxSize: settings?.verifyDigestsMaxSize,
      jobs: this.jobs,
    });
    return context.blobs ? context : undefined;
  }

  /** The layout root of a file, if it is in one. */
  rootOf(file: string): string | undefined {
    return findLayout(file)?.root;
  }

  /** Drops what is known about layouts around `uri` (an `oci-layout` or blob changed). */
  forgetDirectoryOf(uri: string): void {
    const file = filePathOf(uri);
    if (file !== undefined) forgetLayoutCaches(path.dirname(file));
  }
}
