/**
 * RFC 3339 §5.6 date-time (the `T` may be a space or lowercase, per the RFC's note):
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with the ranges of a real date and time. Read by
 * character (no regular expression, no match array): indexes hold one per entry.
 */
export function isRfc3339(value: string): boolean {
  const n = value.length;
  if (n < 20) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
  if (value.charCodeAt(4) !== 45 /* - */ || value.charCodeAt(7) !== 45 || value.charCodeAt(13) !== 58 /* : */ || value.charCodeAt(16) !== 58) return false;
  const t = value.charCodeAt(10);
  if (t !== 84 /* T */ && t !== 116 /* t */ && t !== 32) return false;
  let i = 19;
  if (value.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    while (i < n && isDigit(value.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  const zone = value.charCodeAt(i);
  if (zone === 90 /* Z */ || zone === 122 /* z */) {
    if (i + 1 !== n) return false;
  } else if (zone === 43 /* + */ || zone === 45 /* - */) {
    if (i + 6 !== n || value.charCodeAt(i + 3) !== 58) return false;
    const offsetHour = digits(value, i + 1, 2);
    const offsetMinute = digits(value, i + 4, 2);
    if (offsetHour < 0 || offsetMinute < 0 || offsetHour > 23 || offsetMinute > 59) return false;
  } else {
    return false;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  return hour <= 23 && minute <= 59 && second <= 60;
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

/** The decimal number written by `count` digits at `at`, or -1. */
function digits(value: string, at: number, count: number): number {
  let result = 0;
  for (let i = at; i < at + count; i++) {
    const ch = value.charCodeAt(i);
    if (!isDigit(ch)) return -1;
    result = result * 10 + (ch - 48);
  }
  return result;
}

/**
 * What Go's time package refuses in a value `isRfc3339` accepts: it parses RFC 3339 with an
 * uppercase `T` and `Z` only and seconds up to 59, so `config.created` in such a form fails to
 * decode in every Go client (containerd, docker, skopeo, crane). Undefined when Go reads it.
 */
export function goTimeProblem(value: string): string | undefined {
  const problems: string[] = [];
  const t = value.charCodeAt(10);
  if (t === 116 /* t */ || t === 32) problems.push(`the date and time are separated by ${t === 32 ? 'a space' : 'a lowercase `t`'}, where Go requires \`T\``);
  if (value.charCodeAt(value.length - 1) === 122 /* z */) problems.push('the zone is a lowercase `z`, where Go requires `Z`');
  if (digits(value, 17, 2) === 60) problems.push('the second is 60 (a leap second), which Go does not accept');
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** A form Go reads: `T` and `Z` in capitals, and a leap second moved back to :59 (Go has none). */
export function goTimeForm(value: string): string {
  const second = value.slice(17, 19) === '60' ? '59' : value.slice(17, 19);
  return `${value.slice(0, 10)}T${value.slice(11, 17)}${second}${value.slice(19).replace(/z$/, 'Z')}`;
}
