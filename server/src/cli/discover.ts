import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file to check: where it is, how to name it in output, and whether the user named it. */
export interface Candidate {
  /** Absolute path, used for reading and to drop duplicates. */
  readonly absolute: string;
  /** The path as given, or the given directory joined with the path inside it. */
  readonly display: string;
  /**
   * Named on the command line: a file that is no manifest then earns a note, not silence, and one
   * that is not even valid JSON fails the run (it may be a manifest cut off too early to recognise).
   */
  readonly explicit: boolean;
}

/** A directory entry with a document's name that is not read: a FIFO, device, socket or symlink. */
export interface SkippedEntry {
  readonly display: string;
  readonly reason: string;
}

/** An input named on the command line that cannot be used; exit code 2. */
export class InputError extends Error {}

/** Directories that never hold manifests worth checking and can be huge. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Blob file names in layouts and in skopeo's `dir:` transport: a bare hex digest. */
const HEX_DIGEST = /^[0-9a-f]{32,}$/;

/**
 * Expands the command-line inputs to the sorted, de-duplicated list of files to check. A
 * missing or unreadable input is a usage problem (thrown); problems below a directory are
 * returned as `errors` so one bad entry does not hide the rest of the tree.
 */
export function discover(inputs: readonly string[]): { candidates: Candidate[]; errors: string[]; skipped: SkippedEntry[] } {
  const found = new Map<string, Candidate>();
  const errors: string[] = [];
  const skippedByPath = new Map<string, SkippedEntry>();
  const skip = (absolute: string, entry: SkippedEntry): void => {
    if (!skippedByPath.has(absolute)) skippedByPath.set(absolute, entry);
  };
  const add = (candidate: Candidate): void => {
    const existing = found.get(candidate.absolute);
    // A file both named and inside a named directory counts as named.
    if (!existing || (candidate.explicit && !existing.explicit)) found.set(candidate.absolute, candidate);
  };

  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      // Inputs may be symlinks: the user chose them, so follow them.
      stat = fs.statSync(input);
    } catch (error) {
      throw new InputError(`cannot read '${input}': ${describeFsError(error)}`);
    }
    if (stat.isDirectory()) {
      walk(path.resolve(input), input, add, skip, errors, realRoot(input));
    } else if (stat.isFile()) {
      add({ absolute: path.resolve(input), display: path.normalize(input), explicit: true });
    } else {
      throw new InputError(`cannot check '${input}': not a regular file or directory`);
    }
  }

  const candidates = [...found.values()].sort((a, b) => compare(a.display, b.display));
  const skipped = [...skippedByPath.entries()].filter(([absolute]) => !found.has(absolute)).map(([, entry]) => entry);
  return { candidates, errors, skipped: skipped.sort((a, b) => compare(a.display, b.display)) };
}

function walk(
  absolute: string,
  display: string,
  add: (candidate: Candidate) => void,
  skip: (absolute: string, entry: SkippedEntry) => void,
  errors: string[],
  root: string,
): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    errors.push(`cannot read directory '${display}': ${describeFsError(error)}`);
    return;
  }
  for (const entry of entries) {
    const childAbsolute = path.join(absolute, entry.name);
    const childDisplay = path.join(display, entry.name);
    // Symlinked folders are never followed (no loops to get lost in); symlinked files are, when
    // their target is a regular file inside the folder. Dirent types come from lstat, so FIFOs,
    // sockets and devices are neither files nor directories here.
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(childAbsolute, childDisplay, add, skip, errors, root);
    } else if (entry.isFile() && isDocumentName(childAbsolute)) {
      add({ absolute: childAbsolute, display: childDisplay, explicit: false });
    } else if (entry.isSymbolicLink()) {
      // Folders and loops are listed whatever their names (-v says why they were not followed);
      // other links only when their names could be documents.
      const notFollowed = symlinkedFolderOrLoop(childAbsolute);
      if (notFollowed !== undefined) {
        skip(childAbsolute, { display: childDisplay, reason: `a symbolic link ${notFollowed}, not read` });
      } else if (isDocumentName(childAbsolute)) {
        const target = linkedFileInside(childAbsolute, root);
        if (typeof target === 'string') add({ absolute: childAbsolute, display: childDisplay, explicit: false });
        else skip(childAbsolute, { display: childDisplay, reason: `a symbolic link ${target.why}, not read` });
      }
    } else if (!entry.isFile() && isDocumentName(childAbsolute)) {
      // Said in --verbose output, so a user who expected the file checked learns why it was not.
      skip(childAbsolute, { display: childDisplay, reason: `${specialKind(entry)}, not read` });
    }
  }
}

/** Why a symbolic link is not followed when it leads to a folder or in a loop; else undefined. */
function symlinkedFolderOrLoop(link: string): string | undefined {
  try {
    return fs.statSync(link).isDirectory() ? 'to a folder (symlinked folders are not followed)' : undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'that cannot be resolved (too many levels of symbolic links: a loop)' : undefined;
  }
}

function realRoot(directory: string): string {
  try {
    return fs.realpathSync(directory);
  } catch {
    return path.resolve(directory);
  }
}

/**
 * A symlink to a regular file inside the folder being walked is checked like the file; one that
 * leaves the folder, dangles, or points at a FIFO or device is not (a folder of links to files is
 * how some tools lay out fixtures, and a silent skip would let CI pass having checked nothing).
 */
function linkedFileInside(link: string, root: string): string | { why: string } {
  let real: string;
  try {
    real = fs.realpathSync(link);
  } catch (error) {
    return { why: `that cannot be resolved (${describeFsError(error)})` };
  }
  if (real !== root && !real.startsWith(root + path.sep)) return { why: 'to outside the folder being checked' };
  try {
    return fs.statSync(real).isFile() ? real : { why: 'to something that is not a regular file' };
  } catch (error) {
    return { why: `whose target cannot be read (${describeFsError(error)})` };
  }
}

function specialKind(entry: fs.Dirent): string {
  if (entry.isSymbolicLink()) return 'a symbolic link (links inside a directory are not followed)';
  if (entry.isFIFO()) return 'a FIFO (named pipe)';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  if (entry.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Names that may hold a manifest, index, config or layout file; contents are sniffed later. */
export function isDocumentName(file: string): boolean {
  const name = path.basename(file);
  if (name.toLowerCase().endsWith('.json') || name === 'oci-layout') return true;
  if (path.extname(name) !== '') return false;
  // OCI layout blobs live in blobs/<algorithm>/<encoded>; skopeo's dir: transport names blobs by digest.
  return path.basename(path.dirname(path.dirname(file))) === 'blobs' || HEX_DIGEST.test(name);
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EBADF':
      return 'the file descriptor is not open';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Code-unit order, not locale order, so output is identical on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
