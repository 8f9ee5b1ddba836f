// The shape a JSON file ballast reads must have, checked before any of it is used: a file that parses
// but holds a string where a list belongs would otherwise fail far away, as "a bug in ballast". The
// problem names the field and the kinds, never the value (the file may hold a secret).

/** What a JSON value must be. */
export type Shape =
  | 'string'
  | 'boolean'
  | 'integer'
  | { readonly pattern: RegExp; readonly means: string }
  | { readonly oneOf: readonly string[] }
  | { readonly list: Shape }
  | { readonly map: Shape }
  | { readonly fields: Readonly<Record<string, Shape>>; readonly optional?: readonly string[] };

/** `a string`, `a list`, ... of what a value is. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** The name of the field at `at` (keys and indexes from the top): `items[3].owner`. */
function fieldName(at: readonly (string | number)[]): string {
  if (at.length === 0) return 'the top level';
  return at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/**
 * The first way `value` differs from `shape`, as `<field> is <what it is>, not <what it must be>`, or
 * undefined when it fits. Fields the shape does not name are allowed (a newer minor version may add some).
 * The field's name is built only for the problem: inventories have thousands of items.
 */
export function shapeProblem(value: unknown, shape: Shape): string | undefined {
  const at: (string | number)[] = [];
  const not = (v: unknown, expected: string) => `${fieldName(at)} is ${kindOf(v)}, not ${expected}`;
  const check = (v: unknown, s: Shape): string | undefined => {
    if (s === 'string') return typeof v === 'string' ? undefined : not(v, 'a string');
    if (s === 'boolean') return typeof v === 'boolean' ? undefined : not(v, 'true or false');
    if (s === 'integer') return typeof v === 'number' && Number.isSafeInteger(v) ? undefined : not(v, 'a whole number');
    if ('pattern' in s) {
      if (typeof v !== 'string') return not(v, 'a string');
      return s.pattern.test(v) ? undefined : `${fieldName(at)} is not ${s.means}`;
    }
    if ('oneOf' in s) {
      if (typeof v !== 'string') return not(v, `one of ${s.oneOf.join(', ')}`);
      return s.oneOf.includes(v) ? undefined : `${fieldName(at)} is none of ${s.oneOf.join(', ')}`;
    }
    if ('list' in s) {
      if (!Array.isArray(v)) return not(v, 'a list');
      for (let i = 0; i < v.length; i++) {
        at.push(i);
        const problem = check(v[i], s.list);
        at.pop();
        if (problem) return problem;
      }
      return undefined;
    }
    if (!isObject(v)) return not(v, 'an object');
    if ('map' in s) {
      // The key is the file's (a secret's name, an image): it is not repeated in the message.
      at.push('<key>');
      for (const item of Object.values(v)) {
        const problem = check(item, s.map);
        if (problem) return problem;
      }
      at.pop();
      return undefined;
    }
    for (const key in s.fields) {
      if (!has(v, key)) {
        if (s.optional?.includes(key)) continue;
        at.push(key);
        return `${fieldName(at)} is missing`;
      }
      at.push(key);
      const problem = check(v[key], s.fields[key]);
      at.pop();
      if (problem) return problem;
    }
    return undefined;
  };
  return check(value, shape);
}
