import { isUtf8 } from 'node:buffer';

/** Where a document's bytes stop being UTF-8. */
export interface InvalidUtf8 {
  /** Byte offset of the first ill-formed sequence. */
  readonly byte: number;
  /** Its offset in the decoded text, where the decoder put U+FFFD instead. */
  readonly offset: number;
  /** The ill-formed bytes at that spot (a lead byte and its continuation bytes), as hex: what a hex dump shows. */
  readonly hex: string;
}

export interface DecodedDocument {
  readonly text: string;
  readonly invalidUtf8?: InvalidUtf8;
}

/**
 * Decodes a document's bytes as UTF-8, the only encoding JSON may travel in (RFC 8259 §8.1), and
 * says where they are ill-formed: decoders (Go's too) silently put U+FFFD there, so the values a
 * registry or runtime reads differ from the bytes that were hashed.
 */
export function decodeDocument(bytes: Uint8Array): DecodedDocument {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (isUtf8(bytes)) return { text };
  const byte = firstIllFormedByte(bytes);
  if (byte === undefined) return { text };
  const offset = Buffer.from(bytes.buffer, bytes.byteOffset, byte).toString('utf8').length;
  const hex = Array.from(bytes.subarray(byte, Math.min(byte + sequenceLength(bytes, byte), bytes.length)), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { text, invalidUtf8: { byte, offset, hex } };
}

/** The second byte's range for each lead byte (Unicode Table 3-7); later bytes are 80..BF. */
function secondByteRange(lead: number): [number, number, number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [0x80, 0xbf, 2];
  if (lead === 0xe0) return [0xa0, 0xbf, 3];
  if ((lead >= 0xe1 && lead <= 0xec) || lead === 0xee || lead === 0xef) return [0x80, 0xbf, 3];
  if (lead === 0xed) return [0x80, 0x9f, 3];
  if (lead === 0xf0) return [0x90, 0xbf, 4];
  if (lead >= 0xf1 && lead <= 0xf3) return [0x80, 0xbf, 4];
  if (lead === 0xf4) return [0x80, 0x8f, 4];
  return undefined;
}

/** Length of the well-formed sequence at `i`, or 0 when it is ill-formed. */
function wellFormedLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  if (lead < 0x80) return 1;
  const range = secondByteRange(lead);
  if (!range) return 0;
  const [low, high, length] = range;
  if (i + length > bytes.length) return 0;
  if (bytes[i + 1] < low || bytes[i + 1] > high) return 0;
  for (let k = 2; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return 0;
  return length;
}

function firstIllFormedByte(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const length = wellFormedLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return undefined;
}

/** How many bytes make up the ill-formed spot: the lead byte and the continuation bytes after it. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const announced = secondByteRange(bytes[i])?.[2] ?? 1;
  let length = 1;
  while (length < announced && i + length < bytes.length && bytes[i + length] >= 0x80 && bytes[i + length] <= 0xbf) length++;
  return length;
}
