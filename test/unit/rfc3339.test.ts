/** The character-by-character RFC 3339 reader agrees with the regular expression it replaced. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { isRfc3339 } from 'image-manifest-language-server/out/service/rfc3339';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

function reference(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return false;
  return true;
}

test('isRfc3339 agrees with the RFC 3339 regular expression', () => {
  const cases = [
    '2024-01-31T12:00:00Z', '2024-02-29T00:00:00z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z', '2024-12-31 23:59:60Z', '2024-12-31t23:59:60.123456789+05:30', '2024-12-31T24:00:00Z',
    '2024-12-31T23:60:00Z', '2024-12-31T23:59:61Z', '2024-00-10T00:00:00Z', '2024-13-10T00:00:00Z', '2024-01-00T00:00:00Z',
    '2024-01-01T00:00:00.Z', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00-23:60', '2024-01-01T00:00:00+2300',
    '2024-01-01T00:00:00', '2024-01-01T00:00:00ZZ', '2024-01-01T00:00:00+05:30 ', ' 2024-01-01T00:00:00Z', '２０２４-01-01T00:00:00Z',
    '2024-01-01X00:00:00Z', '2024/01/01T00:00:00Z', '', 'Z', '2024-01-01T00:00:00.5-00:00',
  ];
  for (const value of cases) assert.equal(isRfc3339(value), reference(value), value);
  const digit = fc.constantFrom(...'0123456789');
  const two = fc.tuple(digit, digit).map((d) => d.join(''));
  const generated = fc
    .tuple(
      fc.tuple(digit, digit, digit, digit).map((d) => d.join('')),
      two, two, fc.constantFrom('T', 't', ' ', 'x'), two, two, two,
      fc.option(fc.stringMatching(/^\.\d{0,4}$/), { nil: '' }),
      fc.oneof(fc.constantFrom('Z', 'z', '', 'Q'), fc.tuple(fc.constantFrom('+', '-'), two, fc.constantFrom(':', ''), two).map((p) => p.join(''))),
    )
    .map(([y, mo, d, t, h, mi, s, f, z]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${f}${z}`);
  const mutated = fc.tuple(generated, fc.nat(), fc.string({ maxLength: 2 })).map(([value, at, insert]) => {
    const i = at % (value.length + 1);
    return value.slice(0, i) + insert + value.slice(i + (insert.length ? 1 : 0));
  });
  fc.assert(fc.property(fc.oneof(generated, mutated, fc.string({ maxLength: 30 })), (value) => isRfc3339(value) === reference(value)), { seed: 3339, numRuns: 20000 });
});
