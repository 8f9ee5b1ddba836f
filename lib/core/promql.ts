// PromQL, parsed at synth with the Prometheus project's own grammar: `@prometheus-io/lezer-promql`, the
// Lezer grammar the Prometheus web UI parses queries with. It is a syntax check (unknown functions,
// unbalanced brackets, operators without operands, `=` for `==`), not a type check: `rate(x)` without a
// range parses, and Prometheus refuses it only when it evaluates the query.

type Parser = (typeof import('@prometheus-io/lezer-promql'))['parser'];
/** Where a query stops parsing: the character (1-based, in the query as written) and what stands there. */
export interface PromqlSyntaxError {
  /** 1-based position of the first character the grammar could not read. */
  readonly position: number;
  /** The token there (at most 30 characters), or undefined when the query ends too early. */
  readonly token?: string;
  /** A name called as a function that PromQL does not have (the grammar knows every function by name). */
  readonly unknownFunction?: string;
}

let parser: Parser | undefined;
/**
 * The parser, loaded on first use: a platform without queries never loads it. (Loading costs about 20 ms:
 * measured with `node -e` around the require.)
 */
function promqlParser(): Parser {
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  parser ??= (require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql')).parser;
  return parser;
}

/** The first syntax error of `query`, or undefined when it parses. An empty query is an error, as Prometheus says. */
export function promqlSyntaxError(query: string): PromqlSyntaxError | undefined {
  return firstError(query, query, (i) => i);
}

/**
 * The first syntax error of a query of a Grafana dashboard, whose template variables (`$__rate_interval`,
 * `${namespace}`, `[[job]]`) Grafana replaces before Prometheus sees the query: each is replaced with a
 * placeholder that is valid where it stands (a duration inside `[...]` and after `offset`, a number after
 * `@`, a name elsewhere), and the position is reported in the query as written.
 */
export function dashboardQuerySyntaxError(query: string): PromqlSyntaxError | undefined {
  const { text, origin } = withPlaceholders(query);
  return firstError(query, text, (i) => origin[i] ?? query.length);
}

/**
 * Outcomes by query: a dashboard's queries are parsed where it is built and again in the plan's check of
 * its ConfigMap (a patch may have changed them), and many services share one query shape.
 */
const outcomes = new Map<string, PromqlSyntaxError | undefined>();
const MAX_REMEMBERED = 10_000;

function firstError(written: string, parsed: string, toWritten: (index: number) => number): PromqlSyntaxError | undefined {
  const key = `${written === parsed ? 'q' : 'd'}${written}`;
  if (outcomes.has(key)) return outcomes.get(key);
  const outcome = parseError(written, parsed, toWritten);
  if (outcomes.size >= MAX_REMEMBERED) outcomes.clear();
  outcomes.set(key, outcome);
  return outcome;
}

function parseError(written: string, parsed: string, toWritten: (index: number) => number): PromqlSyntaxError | undefined {
  if (parsed.trim() === '') return { position: 1 };
  let at: number | undefined;
  promqlParser()
    .parse(parsed)
    .iterate({
      enter: (node) => {
        if (node.type.isError && (at === undefined || node.from < at)) at = node.from;
      },
    });
  if (at === undefined) return undefined;
  const index = toWritten(at);
  const rest = written.slice(index);
  const token = /^\s*([A-Za-z_:][A-Za-z0-9_:]*|[0-9][0-9a-zA-Z.]*|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[=!<>~]+|\S)/.exec(rest)?.[1];
  const leading = rest.length - rest.trimStart().length;
  if (token === undefined) return { position: written.trimEnd().length + 1 };
  const called = token === '(' ? /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(written.slice(0, index + leading))?.[1] : undefined;
  return { position: index + leading + 1, token: token.length > 30 ? `${token.slice(0, 27)}...` : token, ...(called ? { unknownFunction: called } : {}) };
}

/** `error` as words for a message: `at character 17 ("by")`, or `at character 11, where it ends too early`. */
export function describePromqlError(error: PromqlSyntaxError): string {
  if (error.token === undefined) return `at character ${error.position}, where it ends before the expression is complete`;
  return `at character ${error.position} (${JSON.stringify(error.token)}${error.unknownFunction ? `: ${error.unknownFunction} is not a PromQL function` : ''})`;
}

/** Grafana's variable forms: `$name`, `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]`. */
const VARIABLE = /^(?:\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\])/;

/**
 * The query with each template variable replaced by a placeholder valid where it stands, and for each
 * character of the result the index of the character of `query` it comes from.
 */
function withPlaceholders(query: string): { text: string; origin: number[] } {
  let text = '';
  const origin: number[] = [];
  let quote: string | undefined;
  let brackets = 0;
  for (let i = 0; i < query.length; ) {
    const c = query[i];
    if (quote) {
      // Inside a string any placeholder will do: keep the text as written (a variable in a label value
      // is Grafana's business).
      text += c;
      origin.push(i);
      if (c === '\\' && quote !== '`' && i + 1 < query.length) {
        text += query[i + 1];
        origin.push(i + 1);
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
      i++;
      continue;
    }
    const variable = c === '$' || (c === '[' && query[i + 1] === '[') ? VARIABLE.exec(query.slice(i)) : null;
    if (variable) {
      const before = text.trimEnd();
      const placeholder = brackets > 0 || /\boffset$/i.test(before) ? '5m' : before.endsWith('@') ? '1' : 'v';
      text += placeholder;
      for (let k = 0; k < placeholder.length; k++) origin.push(i);
      i += variable[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[') brackets++;
    else if (c === ']') brackets = Math.max(0, brackets - 1);
    text += c;
    origin.push(i);
    i++;
  }
  return { text, origin };
}

/**
 * The metric names a dashboard query selects (`foo` of `rate(foo{a="b"}[5m])`), template variables
 * replaced as for the syntax check: what a check against the metrics an exporter produces compares.
 * Names in `{__name__="..."}` matchers are left out (a regular expression there names no one metric).
 */
export function dashboardQueryMetricNames(query: string): string[] {
  const { text } = withPlaceholders(query);
  const names = new Set<string>();
  promqlParser()
    .parse(text)
    .iterate({
      enter: (node) => {
        if (node.type.name === 'Identifier' && node.node.parent?.type.name === 'VectorSelector') names.add(text.slice(node.from, node.to));
      },
    });
  return [...names].sort();
}
