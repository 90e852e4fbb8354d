import type { Node, NodeType } from 'jsonc-parser';

/**
 * A jsonc-parser-compatible tree over the value `JSON.parse` produced: nodes are made only when a
 * rule or feature asks for them, and offsets are found only when someone reads them, by scanning
 * just the containers on the way (each container once). Valid documents with few findings thus
 * cost little more than `JSON.parse`; broken JSON takes the full jsonc-parser tree instead.
 */
export class LazyNode implements Node {
  private childList?: LazyNode[];
  /** Objects: value nodes by key. */
  private values?: Map<string, LazyNode>;
  /** Objects: property nodes by key, made only when someone walks up from a value or lists children. */
  private propertyNodes?: Map<string, LazyNode>;
  /** Containers: where each member sits, found by one scan of the container's text. */
  private memberRanges?: Map<string, MemberRange>;
  private elementRanges?: number[];
  /** Where the scan of this container's members or elements goes on; -1 once it reached the end. */
  private scanFrom = -1;
  private start = -1;
  private size = -1;
  private colon: number | undefined;

  constructor(
    readonly text: string,
    readonly type: NodeType,
    /** The JavaScript value: for containers the object or array itself, else the primitive. */
    readonly raw: unknown,
    /** The container this node sits in (for a key or property: the object). */
    private readonly owner: LazyNode | undefined,
    /** For a value in an object: its key; in an array: its index. */
    readonly slot?: string | number,
    /** What this node is within its slot. */
    private readonly role: 'value' | 'key' | 'property' = 'value',
  ) {}

  get value(): unknown {
    return this.type === 'object' || this.type === 'array' || this.type === 'property' ? undefined : this.raw;
  }

  get parent(): LazyNode | undefined {
    const owner = this.owner;
    if (!owner) return undefined;
    if (owner.type === 'array' || this.role === 'property') return owner;
    return owner.propertyFor(this.slot as string);
  }

  get offset(): number {
    if (this.start < 0) this.locate();
    return this.start;
  }

  get length(): number {
    if (this.size < 0) this.locate();
    return this.size;
  }

  get colonOffset(): number | undefined {
    if (this.role === 'property' && this.start < 0) this.locate();
    return this.colon;
  }

  get children(): LazyNode[] | undefined {
    if (this.childList) return this.childList;
    switch (this.type) {
      case 'object':
        this.childList = Object.keys(this.raw as object).map((key) => this.propertyFor(key));
        return this.childList;
      case 'array':
        this.childList = (this.raw as unknown[]).map((value, index) => nodeFor(this.text, value, this, index));
        return this.childList;
      default:
        return undefined;
    }
  }

  /** The value node of member `key` (objects only), made without making its siblings. */
  valueFor(key: string): LazyNode {
    this.values ??= new Map();
    let node = this.values.get(key);
    if (!node) {
      node = nodeFor(this.text, (this.raw as Record<string, unknown>)[key], this, key);
      this.values.set(key, node);
    }
    return node;
  }

  /** The property node (key + value) of member `key`. */
  propertyFor(key: string): LazyNode {
    this.propertyNodes ??= new Map();
    let property = this.propertyNodes.get(key);
    if (!property) {
      property = new LazyNode(this.text, 'property', undefined, this, key, 'property');
      property.childList = [new LazyNode(this.text, 'string', key, this, key, 'key'), this.valueFor(key)];
      this.propertyNodes.set(key, property);
    }
    return property;
  }

  hasMember(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.raw, key);
  }

  private locate(): void {
    const owner = this.owner;
    if (!owner) {
      // The root: JSON.parse accepted the text, so only JSON whitespace surrounds the value.
      const text = this.text;
      const start = skipWhitespace(text, 0);
      let end = text.length;
      while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
      this.setRange(start, end);
      return;
    }
    if (owner.type === 'array') {
      const index = this.slot as number;
      const ranges = owner.elementsThrough(index);
      this.setRange(ranges[2 * index] ?? owner.offset, ranges[2 * index + 1] ?? owner.offset + 1);
      return;
    }
    const range = owner.findMember(this.slot as string);
    if (!range) {
      // Not found by the scan (cannot happen for text JSON.parse accepted): point at the container.
      this.setRange(owner.offset, owner.offset + 1);
      return;
    }
    if (this.role === 'key') this.setRange(range.keyStart, range.keyEnd);
    else if (this.role === 'property') {
      this.setRange(range.keyStart, range.valueEnd);
      this.colon = range.colon;
    } else this.setRange(range.valueStart, range.valueEnd);
  }

  private setRange(start: number, end: number): void {
    this.start = start;
    this.size = end - start;
  }

  /**
   * Where member `key` of this object sits: the object's text is scanned from its start only as
   * far as that member, and the scan resumes there for the next member asked for (each member is
   * read once however many are asked for).
   */
  private findMember(key: string): MemberRange | undefined {
    let ranges = this.memberRanges;
    if (!ranges) {
      ranges = new Map<string, MemberRange>();
      this.memberRanges = ranges;
      this.scanFrom = this.offset + 1;
    }
    const known = ranges.get(key);
    if (known || this.scanFrom < 0) return known;
    const text = this.text;
    let i = this.scanFrom;
    for (;;) {
      i = skipWhitespace(text, i);
      const ch = text.charCodeAt(i);
      if (ch !== 34 /* " */) {
        if (ch === 44 /* , */) {
          i++;
          continue;
        }
        this.scanFrom = -1;
        return undefined;
      }
      const keyStart = i;
      const keyEnd = skipString(text, i);
      const rawKey = text.slice(keyStart + 1, keyEnd - 1);
      const found = rawKey.includes('\\') ? (JSON.parse(text.slice(keyStart, keyEnd)) as string) : rawKey;
      const colon = skipWhitespace(text, keyEnd);
      const valueStart = skipWhitespace(text, colon + 1);
      const valueEnd = skipValue(text, valueStart);
      const range = { keyStart, keyEnd, colon, valueStart, valueEnd };
      ranges.set(found, range);
      i = valueEnd;
      if (found === key) {
        this.scanFrom = i;
        return range;
      }
    }
  }

  /** Start and end of the elements of this array, in pairs, found at least through `index`. */
  private elementsThrough(index: number): number[] {
    let ranges = this.elementRanges;
    if (!ranges) {
      ranges = [];
      this.elementRanges = ranges;
      this.scanFrom = this.offset + 1;
    }
    if (ranges.length > 2 * index || this.scanFrom < 0) return ranges;
    const text = this.text;
    let i = this.scanFrom;
    for (;;) {
      i = skipWhitespace(text, i);
      const ch = text.charCodeAt(i);
      if (ch === 93 /* ] */ || Number.isNaN(ch)) {
        this.scanFrom = -1;
        return ranges;
      }
      if (ch === 44 /* , */) {
        i++;
        continue;
      }
      const end = skipValue(text, i);
      ranges.push(i, end);
      i = end;
      if (ranges.length > 2 * index) {
        this.scanFrom = i;
        return ranges;
      }
    }
  }
}

interface MemberRange {
  keyStart: number;
  keyEnd: number;
  colon: number;
  valueStart: number;
  valueEnd: number;
}

function nodeFor(text: string, value: unknown, owner: LazyNode, slot: string | number): LazyNode {
  return new LazyNode(text, typeOf(value), value, owner, slot);
}

function typeOf(value: unknown): NodeType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return 'boolean';
  }
}

function isWhitespace(ch: number): boolean {
  return ch === 32 || ch === 10 || ch === 13 || ch === 9;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** The end of the string token starting at `i` (indexOf is far faster than a loop per char). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let k = quote - 1; k > i && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

/** The end of the JSON value starting at `i` (the text is known to be valid JSON). */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === 34) return skipString(text, i);
  if (first === 123 || first === 91) {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const ch = text.charCodeAt(j);
      if (ch === 34) {
        j = skipString(text, j);
        continue;
      }
      if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return j;
  }
  let j = i;
  while (j < text.length) {
    const ch = text.charCodeAt(j);
    if (ch === 44 || ch === 125 || ch === 93 || isWhitespace(ch)) break;
    j++;
  }
  return j;
}

export interface Prescan {
  /** Deepest bracket nesting, and where it first exceeded `limit`. */
  tooDeepAt?: number;
  depth: number;
  /** Number of object keys in the text (to detect duplicates against the parsed value). */
  keys: number;
  /** A number token with a fraction, an exponent or 16+ digits: its raw text matters. */
  unusualNumbers: boolean;
}

/** One pass over the text: nesting depth, key count and unusual number tokens. */
export function prescan(text: string, limit: number): Prescan {
  let depth = 0;
  let keys = 0;
  let unusualNumbers = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      i = skipString(text, i);
      let j = i;
      while (j < n && isWhitespace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 58 /* : */) keys++;
      continue;
    }
    if (ch === 123 || ch === 91) {
      if (++depth > limit) return { tooDeepAt: i, depth, keys, unusualNumbers };
    } else if (ch === 125 || ch === 93) {
      depth--;
    } else if ((ch >= 48 && ch <= 57) || ch === 45) {
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 46 || c === 101 || c === 69) unusualNumbers = true;
        else if (!((c >= 48 && c <= 57) || c === 45 || c === 43)) break;
        i++;
      }
      if (i - start >= 16) unusualNumbers = true;
      continue;
    }
    i++;
  }
  return { depth, keys, unusualNumbers };
}

/** What `scanParsed` found: whether keys were lost to duplicates, and unusual number tokens. */
export interface ParsedScan {
  duplicateKeys: boolean;
  unusualNumbers: boolean;
}

// Counters of one `scanParsed` call (module-level: the walk allocates nothing).
let walkKeys = 0;
let walkColons = 0;
let walkArrayNumber = false;

function countColons(s: string, from: number): number {
  let n = 0;
  for (let i = from; i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/** Keys, and colons inside keys and strings; false when nesting exceeds `limit`. */
function walkParsed(value: object, depth: number, limit: number): boolean {
  if (depth > limit) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') {
        const colon = item.indexOf(':');
        if (colon >= 0) walkColons += countColons(item, colon);
      } else if (typeof item === 'number') {
        walkArrayNumber = true;
      } else if (item !== null && typeof item === 'object' && !walkParsed(item, depth + 1, limit)) {
        return false;
      }
    }
    return true;
  }
  for (const key in value) {
    walkKeys++;
    const keyColon = key.indexOf(':');
    if (keyColon >= 0) walkColons += countColons(key, keyColon);
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') {
      const colon = item.indexOf(':');
      if (colon >= 0) walkColons += countColons(item, colon);
    } else if (item !== null && typeof item === 'object' && !walkParsed(item, depth + 1, limit)) {
      return false;
    }
  }
  return true;
}

/**
 * What `prescan` tells, for text that `JSON.parse` accepted, found without reading every
 * character: the parsed value is walked once, and the text only at its colons.
 *
 * - Keys: every member has exactly one colon outside strings, so the text's colons minus those
 *   inside keys and strings (counted on the parsed value) is the number of members in the text;
 *   it exceeds the value's key count exactly when duplicate keys were dropped (a dropped member
 *   takes its key, and the colons of its strings, with it).
 * - Numbers: a member's number token follows its colon; the token is read there.
 *
 * Returns undefined when it cannot tell cheaply and exactly (nesting deeper than `limit`, a number
 * inside an array, a `\u003a`-style escape that would hide a colon, a primitive root): the caller
 * then runs `prescan`.
 */
export function scanParsed(text: string, value: unknown, limit: number): ParsedScan | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  walkKeys = 0;
  walkColons = 0;
  walkArrayNumber = false;
  if (!walkParsed(value, 1, limit) || walkArrayNumber) return undefined;
  for (let at = text.indexOf('\\u003'); at >= 0; at = text.indexOf('\\u003', at + 5)) {
    const last = text.charCodeAt(at + 5);
    if (last === 97 /* a */ || last === 65 /* A */) return undefined;
  }
  let colons = 0;
  let unusualNumbers = false;
  const n = text.length;
  let i = text.indexOf(':');
  while (i >= 0) {
    colons++;
    let j = i + 1;
    let ch = text.charCodeAt(j);
    while (ch === 32 || ch === 10 || ch === 13 || ch === 9) ch = text.charCodeAt(++j);
    if (!((ch >= 48 && ch <= 57) || ch === 45)) {
      i = text.indexOf(':', i + 1);
      continue;
    }
    // A number token, or (inside a string) something that starts like one.
    const start = j;
    let odd = false;
    for (;;) {
      if (ch === 46 || ch === 101 || ch === 69) odd = true;
      else if (!((ch >= 48 && ch <= 57) || ch === 45 || ch === 43)) break;
      ch = text.charCodeAt(++j);
    }
    // Only a token that ends like one counts (inside a string this errs towards "unusual").
    if ((odd || j - start >= 16) && (j >= n || isWhitespace(ch) || ch === 44 || ch === 125 || ch === 93)) unusualNumbers = true;
    i = text.indexOf(':', j);
  }
  return { duplicateKeys: colons - walkColons !== walkKeys, unusualNumbers };
}


/** Member names of an object node, without making nodes for them when the tree is lazy. */
export function memberKeys(node: Node | undefined): string[] {
  if (node instanceof LazyNode) return node.type === 'object' ? Object.keys(node.raw as object) : [];
  if (node?.type !== 'object' || !node.children) return [];
  return node.children.map((property) => String(property.children?.[0]?.value));
}

/** Number of object keys in a parsed value (iterative: values may be deep). */
export function countKeys(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (const item of current) if (item !== null && typeof item === 'object') stack.push(item);
    } else {
      for (const key in current) {
        count++;
        const item = (current as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') stack.push(item);
      }
    }
  }
  return count;
}
