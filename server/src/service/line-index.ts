import type { OffsetRange, Position, Range } from './types';

/**
 * Converts offsets to LSP line/character positions (UTF-16) and back. Line starts are found only
 * as far as someone asks: a few diagnostics near the top of a 50 MB document scan only the top.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  /** Everything before this offset has been scanned for line breaks. */
  private scanned = 0;

  constructor(private readonly text: string) {}

  /** Whether the text has a carriage return (then lines are found character by character). */
  private carriageReturns: boolean | undefined;

  /** Scans on until `offset` is covered (or `line` exists). */
  private scanTo(offset: number, line = -1): void {
    const text = this.text;
    const starts = this.lineStarts;
    let i = this.scanned;
    if (i >= text.length || (i > offset && starts.length > line)) return;
    this.carriageReturns ??= text.includes('\r');
    if (!this.carriageReturns) {
      // Only \n ends a line: hop from one to the next.
      while (i <= offset || starts.length <= line) {
        const newline = text.indexOf('\n', i);
        if (newline < 0) {
          i = text.length;
          break;
        }
        starts.push(newline + 1);
        i = newline + 1;
      }
      this.scanned = i;
      return;
    }
    while (i < text.length && (i <= offset || starts.length <= line)) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        starts.push(i + 1);
      }
      i++;
    }
    this.scanned = i;
  }

  get lineCount(): number {
    this.scanTo(this.text.length);
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    this.scanTo(clamped);
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - starts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    this.scanTo(-1, position.line + 1);
    const starts = this.lineStarts;
    if (position.line >= starts.length) return this.text.length;
    const lineStart = starts[position.line];
    const nextLineStart = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + position.character, nextLineStart));
  }

  rangeAt(range: OffsetRange): Range {
    return { start: this.positionAt(range.start), end: this.positionAt(range.end) };
  }
}
