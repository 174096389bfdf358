// Checks arguments against the tool's (or elicitation's) schema before they are sent, and says what is
// wrong in sentences, per field for the form and as a list for the JSON editor.
// @cfworker/json-schema interprets the schema; it does not compile it to code (ajv does, with
// `new Function`, which the webview's Content-Security-Policy forbids).
import { format as formats, Validator, type OutputUnit, type Schema as ValidatorSchema, type SchemaDraft } from '@cfworker/json-schema';
import { describePath, isRecord, leaves, type FormModel } from './schemaForm';

export interface Problem {
  /** JSON pointer of the offending value in the arguments ("" for the arguments as a whole). */
  pointer: string;
  /** A sentence about the value, e.g. "Must be at most 100." */
  message: string;
}

export interface CheckResult {
  valid: boolean;
  problems: Problem[];
  /** The first problem of each value, by pointer. */
  byPointer: Record<string, string>;
  /** Every problem as "where: what", for the JSON editor. */
  list: string[];
  /** Set when the schema itself could not be used (e.g. an unresolvable $ref); the arguments then count as valid. */
  unchecked?: string;
}

/** Keywords whose errors only say "something below failed"; the errors below say what. */
const WRAPPERS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  '$ref',
  '$recursiveRef',
  '$dynamicRef',
  'allOf',
  'if',
  'dependentSchemas',
  'dependencies',
  'propertyNames',
]);
/** Keywords whose sub-errors come from alternatives that were tried; only the keyword's own error is kept. */
const ALTERNATIVES = new Set(['anyOf', 'oneOf', 'not', 'contains']);

function draftOf(schema: Record<string, unknown>): SchemaDraft {
  const id = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (id.includes('draft-04')) return '4';
  if (id.includes('draft-07') || id.includes('draft-06')) return '7';
  if (id.includes('2019-09')) return '2019-09';
  return '2020-12'; // MCP's default dialect
}

function decodePointer(location: string): string[] {
  const body = location.startsWith('#') ? location.slice(1) : location;
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((s) => {
      let decoded = s;
      try {
        decoded = decodeURIComponent(s);
      } catch {
        /* keep it as is */
      }
      return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function encodePointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The schema node a keyword location points into, following local $refs the way the validator did. */
function schemaAt(root: unknown, location: string): Record<string, unknown> | undefined {
  const segments = decodePointer(location);
  segments.pop(); // the keyword itself
  let node: unknown = root;
  for (const segment of segments) {
    if (!isRecord(node) && !Array.isArray(node)) return undefined;
    if (segment === '$ref' && isRecord(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
      node = schemaAt(root, `${node.$ref}/x`);
      continue;
    }
    node = (node as Record<string, unknown>)[segment];
  }
  return isRecord(node) ? node : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'an email address',
  'idn-email': 'an email address',
  uri: 'a URI with a scheme, e.g. https://example.com/',
  url: 'a URL, e.g. https://example.com/',
  iri: 'an IRI',
  'uri-reference': 'a URI or relative reference',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date and time with offset, e.g. 2025-01-31T14:30:00Z',
  time: 'a time with offset, e.g. 14:30:00Z',
  duration: 'an ISO 8601 duration, e.g. P1DT2H',
  uuid: 'a UUID',
  hostname: 'a host name',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  regex: 'a regular expression',
  'json-pointer': 'a JSON pointer',
};

function plural(n: unknown, unit: string): string {
  return `${String(n)} ${unit}${n === 1 ? '' : 's'}`;
}

function sentence(error: OutputUnit, node: Record<string, unknown> | undefined): string {
  const value = node?.[error.keyword];
  switch (error.keyword) {
    case 'required': {
      return 'Required.';
    }
    case 'type': {
      const types = (Array.isArray(value) ? value : [value]).filter((t): t is string => typeof t === 'string');
      return types.length ? `Must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}.` : 'Has the wrong type.';
    }
    case 'minimum':
      return node?.exclusiveMinimum === true ? `Must be greater than ${String(value)}.` : `Must be at least ${String(value)}.`;
    case 'maximum':
      return node?.exclusiveMaximum === true ? `Must be less than ${String(value)}.` : `Must be at most ${String(value)}.`;
    case 'exclusiveMinimum':
      return `Must be greater than ${String(value)}.`;
    case 'exclusiveMaximum':
      return `Must be less than ${String(value)}.`;
    case 'multipleOf':
      return `Must be a multiple of ${String(value)}.`;
    case 'minLength':
      return `Must be at least ${plural(value, 'character')}.`;
    case 'maxLength':
      return `Must be at most ${plural(value, 'character')}.`;
    case 'pattern':
      return `Must match the pattern ${String(value)}.`;
    case 'format':
      return `Must be ${FORMAT_WORDS[String(value)] ?? `in the format "${String(value)}"`}.`;
    case 'enum':
    case 'const':
      return 'Must be one of the allowed values.';
    case 'minItems':
      return `Needs at least ${plural(value, 'item')}.`;
    case 'maxItems':
      return `Takes at most ${plural(value, 'item')}.`;
    case 'uniqueItems':
      return 'Items must be different from each other.';
    case 'minProperties':
      return `Needs at least ${plural(value, 'field')}.`;
    case 'maxProperties':
      return `Takes at most ${plural(value, 'field')}.`;
    case 'false':
      return 'Not allowed here: the schema has no such field.';
    case 'anyOf':
    case 'oneOf':
      return error.keyword === 'oneOf' && /\(\d+ matches\)/.test(error.error) && !/\(0 matches\)/.test(error.error)
        ? 'Matches more than one of the allowed shapes; it must match exactly one.'
        : 'Does not match any of the allowed shapes.';
    case 'not':
      return 'Matches a shape the schema forbids.';
    default:
      return error.error;
  }
}

/** The value a required error is about: the parent's pointer plus the missing key. */
function pointerOf(error: OutputUnit): string {
  const segments = decodePointer(error.instanceLocation);
  if (error.keyword === 'required') {
    const key = /required property "(.*)"\.$/s.exec(error.error)?.[1];
    if (key !== undefined) segments.push(key);
  }
  if (error.keyword === 'dependentRequired' || error.keyword === 'dependantRequired') {
    const key = /does not have "(.*)"\.$/s.exec(error.error)?.[1];
    if (key !== undefined) segments.push(key);
  }
  return encodePointer(segments);
}

function where(pointer: string): string {
  return pointer === '' ? 'The arguments' : describePath(decodePointer(`#${pointer}`));
}

/** Checks arguments against a schema. Never throws. */
export function checkArguments(schema: unknown, args: unknown): CheckResult {
  const root = isRecord(schema) ? schema : {};
  let errors: OutputUnit[];
  try {
    errors = new Validator(root as ValidatorSchema, draftOf(root), false).validate(args).errors;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { valid: true, problems: [], byPointer: {}, list: [], unchecked: `The schema could not be checked: ${reason}` };
  }
  const alternatives = errors.filter((e) => ALTERNATIVES.has(e.keyword)).map((e) => `${e.keywordLocation}/`);
  const kept = errors.filter((e) => {
    if (WRAPPERS.has(e.keyword)) return false;
    if (alternatives.some((prefix) => e.keywordLocation.startsWith(prefix))) return false;
    if (e.keyword === 'format') {
      // "url" is not a standard format; the validator's own check for it rejects loopback and private
      // addresses (http://127.0.0.1:3000), which tools on a developer's machine take all the time.
      const node = schemaAt(root, e.keywordLocation);
      const value = valueAt(args, decodePointer(e.instanceLocation));
      if (node?.format === 'url' && typeof value === 'string' && /^https?:\/\//i.test(value) && formats.uri(value)) return false;
    }
    return true;
  });
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    const problem = { pointer: pointerOf(error), message: sentence(error, schemaAt(root, error.keywordLocation)) };
    const id = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  const byPointer: Record<string, string> = {};
  for (const p of problems) if (!Object.prototype.hasOwnProperty.call(byPointer, p.pointer)) byPointer[p.pointer] = p.message;
  const list = problems.map((p) => `${where(p.pointer)}: ${lower(p.message)}`);
  return { valid: problems.length === 0, problems, byPointer, list };
}

function lower(message: string): string {
  return message.length > 0 ? message[0].toLowerCase() + message.slice(1) : message;
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  let node = value;
  for (const s of segments) {
    if (!isRecord(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[s];
  }
  return node;
}

/**
 * Problems placed on the form's fields: each goes to the field holding the value or, for an item of a
 * list, to the list ("Item 2: …"). Problems that belong to no field (an unknown key, the arguments as a
 * whole) come back in `general`, as "where: what".
 */
export function problemsByField(model: FormModel, result: CheckResult): { byField: Record<string, string>; general: string[] } {
  const ids = leaves(model.fields).map((f) => f.id);
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const problem of result.problems) {
    let target = ids.includes(problem.pointer) ? problem.pointer : undefined;
    let message = problem.message;
    if (!target) {
      const owner = ids.find((id) => problem.pointer.startsWith(`${id}/`));
      const index = owner !== undefined ? /^\/(\d+)$/.exec(problem.pointer.slice(owner.length))?.[1] : undefined;
      if (owner !== undefined && index !== undefined) {
        target = owner;
        message = `Item ${Number(index) + 1}: ${lower(message)}`;
      }
    }
    if (target === undefined) general.push(`${where(problem.pointer)}: ${lower(message)}`);
    else if (!Object.prototype.hasOwnProperty.call(byField, target)) byField[target] = message;
  }
  return { byField, general };
}
