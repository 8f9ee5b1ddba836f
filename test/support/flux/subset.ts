import { isDeepStrictEqual } from 'util';

/**
 * Where `actual` does not hold `expected`: every field of `expected` must be in `actual` with the same
 * value, recursively; `actual` may have more fields (the defaults an API server adds to what it stores).
 * Arrays must have the same length, element by element. Returns one line per difference, by field path.
 */
export function notHeld(expected: unknown, actual: unknown, at = ''): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at || '.'}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => notHeld(e, actual[i], `${at}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${at || '.'}: expected an object, found ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => notHeld(v, (actual as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return isDeepStrictEqual(expected, actual) ? [] : [`${at || '.'}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
}
