/**
 * `WWW-Authenticate` (RFC 9110 §11.6.1): one or more challenges, each a scheme followed by either a
 * token68 or comma-separated `name=value` parameters whose values are tokens or quoted strings
 * (which may hold commas and backslash escapes). Several headers are several lists of challenges.
 */

export interface Challenge {
  /** As sent (compare case-insensitively; `isScheme` does). */
  readonly scheme: string;
  /** Parameter names lowercased; values unquoted and unescaped. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function isScheme(challenge: Challenge, scheme: string): boolean {
  return challenge.scheme.toLowerCase() === scheme.toLowerCase();
}

/** Parses one header value or several; unparseable trailing text is dropped, never thrown on. */
export function parseWwwAuthenticate(headers: string | readonly string[] | undefined): Challenge[] {
  if (headers === undefined) return [];
  if (typeof headers !== 'string') return headers.flatMap((h) => parseWwwAuthenticate(h));
  const text = headers;
  let pos = 0;
  const challenges: Challenge[] = [];

  const skipSpace = () => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < text.length && TCHAR.test(text[pos])) pos++;
    return text.slice(start, pos);
  };
  const readQuoted = (): string | undefined => {
    // at '"'
    pos++;
    let value = '';
    while (pos < text.length) {
      const c = text[pos];
      if (c === '\\' && pos + 1 < text.length) {
        value += text[pos + 1];
        pos += 2;
      } else if (c === '"') {
        pos++;
        return value;
      } else {
        value += c;
        pos++;
      }
    }
    return undefined; // unterminated
  };
  const skipListSeparators = () => {
    while (pos < text.length && (text[pos] === ',' || text[pos] === ' ' || text[pos] === '\t')) pos++;
  };

  for (;;) {
    skipListSeparators();
    if (pos >= text.length) break;
    const scheme = readToken();
    if (scheme === '') break; // garbage: stop rather than guess
    const params: Record<string, string> = {};
    let token68: string | undefined;
    skipSpace();
    const rest = text.slice(pos);
    // `name=value` (value a token or a quoted string) starts parameters; otherwise a run of
    // token68 characters with trailing '='s, ending the challenge, is its token68.
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z"]/.test(rest)) {
      const t68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/.exec(rest);
      if (t68) {
        pos += t68[0].length;
        token68 = t68[0];
      }
      challenges.push(token68 === undefined ? { scheme, params } : { scheme, params, token68 });
      continue;
    }
    for (;;) {
      const save = pos;
      skipListSeparators();
      const name = readToken();
      if (name === '') {
        pos = save;
        break;
      }
      skipSpace();
      if (text[pos] !== '=') {
        // A token without '=' starts the next challenge.
        pos = save;
        break;
      }
      pos++;
      skipSpace();
      let value: string | undefined;
      if (text[pos] === '"') value = readQuoted();
      else value = readToken();
      if (value === undefined) {
        pos = text.length;
        break;
      }
      params[name.toLowerCase()] = value;
      skipSpace();
      if (text[pos] !== ',') break;
    }
    challenges.push({ scheme, params });
  }
  return challenges;
}
