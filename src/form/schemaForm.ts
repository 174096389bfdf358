// From a JSON Schema (a tool's inputSchema, an elicitation's requestedSchema) to the fields of a form, and
// between the form's raw values and the arguments sent. Pure: no DOM, no vscode; runs in Node for the unit
// tests and in the form webview.
//
// The schema comes from an MCP server and is untrusted: any shape, any size, any text. Nothing here
// evaluates it; titles and descriptions are carried as plain strings for the view to show as text.

export type Schema = Record<string, unknown>;
export type Primitive = string | number | boolean | null;

/** One choice of an enum field. `key` is the choice's value as JSON text: unique, and what the view's <option> carries. */
export interface Choice {
  value: Primitive;
  label: string;
  key: string;
}

/**
 * The native input used for a string. date-time and time are plain text with an example as placeholder:
 * the browser's datetime-local and time inputs produce values without seconds or offset, which the
 * JSON Schema formats reject.
 */
export type StringInput = 'text' | 'email' | 'url' | 'date' | 'password';

export interface TextSpec {
  kind: 'text';
  input: StringInput;
  format?: string;
  placeholder?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** `format: "password"` or `writeOnly: true`: typed into a password input and never remembered. */
  secret: boolean;
}

export interface NumberSpec {
  kind: 'number' | 'integer';
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

export interface BooleanSpec {
  kind: 'boolean';
}

export type ItemSpec = TextSpec | NumberSpec | BooleanSpec;

export interface EnumSpec {
  kind: 'enum';
  choices: Choice[];
}

/** An array of primitives: one input per item, items can be added and removed. */
export interface ListSpec {
  kind: 'list';
  item: ItemSpec;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
}

/** An array whose items are an enum (elicitation's multi-select): one checkbox per choice. */
export interface MultiEnumSpec {
  kind: 'multi-enum';
  choices: Choice[];
  minItems?: number;
  maxItems?: number;
}

export interface ObjectSpec {
  kind: 'object';
  fields: Field[];
}

export interface FieldCommon {
  /** JSON pointer of the value in the arguments, e.g. "/options/limit"; unique in a model. */
  id: string;
  path: readonly string[];
  /** The property name (the last element of `path`). */
  key: string;
  /** `title`, or the property name. Plain text. */
  label: string;
  /** Plain text, never markup. */
  description?: string;
  /** Bounds, lengths and formats in words, e.g. "A whole number from 1 to 100". */
  hint?: string;
  required: boolean;
  /** The schema also allows null (`type: [T, "null"]`, or `anyOf: [T, {type: "null"}]`); a required one left empty sends null. */
  nullable: boolean;
  /** The schema's `default`, as given (used only when it fits the field). */
  default?: unknown;
}

export type Field = FieldCommon & (TextSpec | NumberSpec | BooleanSpec | EnumSpec | ListSpec | MultiEnumSpec | ObjectSpec);

export interface FormModel {
  schema: Schema;
  fields: Field[];
  /** Some field is a password or write-only. */
  hasSecret: boolean;
}

export type Unsupported = { unsupported: string[] };

export function isUnsupported(result: FormModel | Unsupported): result is Unsupported {
  return 'unsupported' in result;
}

/** Raw value of one field as the form holds it: text for text, number and enum (the choice key) fields, a
 * boolean (or undefined: not set) for checkboxes, a list of texts for lists and multi-selects. */
export type FieldValue = string | boolean | string[] | undefined;
export type FormValues = Record<string, FieldValue>;

const MAX_DEPTH = 8;
const MAX_FIELDS = 500;
const MAX_LABEL = 200;
const MAX_DESCRIPTION = 4000;

/** Keywords the form has no way to express; each makes the whole schema fall back to JSON editing. */
const UNSUPPORTED_KEYWORDS: ReadonlyArray<[string, string]> = [
  ['$ref', '$ref'],
  ['$dynamicRef', '$dynamicRef'],
  ['$recursiveRef', '$recursiveRef'],
  ['allOf', 'allOf'],
  ['not', 'not'],
  ['if', 'if/then/else'],
  ['patternProperties', 'patternProperties'],
  ['dependentSchemas', 'dependentSchemas'],
  ['dependencies', 'dependencies'],
  ['prefixItems', 'tuple array (prefixItems)'],
  ['additionalItems', 'additionalItems'],
  ['contains', 'contains'],
];

const FORMATS: Record<string, { input: StringInput; placeholder?: string; hint: string }> = {
  email: { input: 'email', placeholder: 'name@example.com', hint: 'An email address' },
  'idn-email': { input: 'email', placeholder: 'name@example.com', hint: 'An email address' },
  uri: { input: 'url', placeholder: 'https://example.com/', hint: 'A URI' },
  url: { input: 'url', placeholder: 'https://example.com/', hint: 'A URL' },
  iri: { input: 'url', placeholder: 'https://example.com/', hint: 'An IRI' },
  'uri-reference': { input: 'text', placeholder: '/path or https://example.com/', hint: 'A URI or relative reference' },
  date: { input: 'date', hint: 'A date (YYYY-MM-DD)' },
  'date-time': { input: 'text', placeholder: 'e.g. 2025-01-31T14:30:00Z', hint: 'A date and time with offset (RFC 3339)' },
  time: { input: 'text', placeholder: 'e.g. 14:30:00Z', hint: 'A time with offset (RFC 3339)' },
  duration: { input: 'text', placeholder: 'e.g. P1DT2H', hint: 'A duration (ISO 8601)' },
  uuid: { input: 'text', placeholder: '123e4567-e89b-12d3-a456-426614174000', hint: 'A UUID' },
  hostname: { input: 'text', placeholder: 'example.com', hint: 'A host name' },
  ipv4: { input: 'text', placeholder: '192.0.2.1', hint: 'An IPv4 address' },
  ipv6: { input: 'text', placeholder: '2001:db8::1', hint: 'An IPv6 address' },
  regex: { input: 'text', hint: 'A regular expression' },
  'json-pointer': { input: 'text', placeholder: '/a/b', hint: 'A JSON pointer' },
  password: { input: 'password', hint: '' },
};

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(path: readonly string[]): string {
  return path.map((s) => `/${escapePointerSegment(s)}`).join('');
}

/** Where a construct is, for people: "options.limit", "tags[]", or "the top level". */
export function describePath(path: readonly string[]): string {
  if (path.length === 0) return 'the top level';
  return path.map((s, i) => (s === '[]' ? '[]' : /^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Defines an own, enumerable property even for keys like "__proto__". */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The schema with `T | null` unwrapped: `{anyOf: [T, {type: "null"}]}` (how Pydantic writes Optional[T],
 * keeping title, description and default outside) and `{type: ["string", "null"]}` become T, nullable.
 */
function unwrapNullable(schema: Schema): { schema: Schema; nullable: boolean } {
  for (const keyword of ['anyOf', 'oneOf']) {
    const branches = own(schema, keyword);
    if (!Array.isArray(branches) || branches.length !== 2) continue;
    const isNull = (b: unknown) => isRecord(b) && b.type === 'null' && Object.keys(b).every((k) => k === 'type' || k === 'title' || k === 'description');
    const nullIndex = branches.findIndex(isNull);
    const other = branches[1 - nullIndex];
    if (nullIndex === -1 || !isRecord(other)) continue;
    const rest: Schema = { ...other };
    for (const [k, v] of Object.entries(schema)) if (k !== keyword) setOwn(rest, k, v);
    return { schema: rest, nullable: true };
  }
  const type = own(schema, 'type');
  if (Array.isArray(type) && type.includes('null')) {
    const others = type.filter((t) => t !== 'null');
    if (others.length === 1) return { schema: { ...schema, type: others[0] }, nullable: true };
  }
  return { schema, nullable: false };
}

/** `oneOf`/`anyOf` of `{const, title}` (elicitation's titled enums), or undefined if it is not that form. */
function titledChoices(branches: unknown): Choice[] | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const choices: Choice[] = [];
  for (const branch of branches) {
    if (!isRecord(branch) || !Object.prototype.hasOwnProperty.call(branch, 'const') || !isPrimitive(branch.const)) return undefined;
    if (Object.keys(branch).some((k) => !['const', 'title', 'description', 'type'].includes(k))) return undefined;
    choices.push(choice(branch.const, text(branch.title, MAX_LABEL)));
  }
  return dedupe(choices);
}

function choice(value: Primitive, label?: string): Choice {
  return { value, label: label ?? (typeof value === 'string' ? value : JSON.stringify(value)), key: JSON.stringify(value) };
}

function dedupe(choices: Choice[]): Choice[] {
  const seen = new Set<string>();
  return choices.filter((c) => (seen.has(c.key) ? false : (seen.add(c.key), true)));
}

/** Choices from `enum` (with the legacy `enumNames` as labels), `const`, or titled `oneOf`/`anyOf`. */
function choicesOf(schema: Schema, where: string, problems: string[]): Choice[] | undefined {
  const values = own(schema, 'enum');
  if (Array.isArray(values)) {
    if (!values.every(isPrimitive)) {
      problems.push(`enum of objects or arrays at ${where}`);
      return [];
    }
    const names = own(schema, 'enumNames');
    const labels = Array.isArray(names) && names.length === values.length ? names : [];
    return dedupe(values.map((v, i) => choice(v, text(labels[i], MAX_LABEL))));
  }
  if (Object.prototype.hasOwnProperty.call(schema, 'const')) {
    if (!isPrimitive(schema.const)) {
      problems.push(`const object or array at ${where}`);
      return [];
    }
    return [choice(schema.const)];
  }
  return titledChoices(own(schema, 'oneOf')) ?? titledChoices(own(schema, 'anyOf'));
}

/** anyOf/oneOf that are not the titled-enum form the choices were read from. */
function unsupportedCombinators(schema: Schema, choices: Choice[] | undefined, where: string, problems: string[]): void {
  const titledOneOf = titledChoices(own(schema, 'oneOf')) !== undefined;
  const titledAnyOf = !titledOneOf && titledChoices(own(schema, 'anyOf')) !== undefined;
  const fromTitles = choices !== undefined && own(schema, 'enum') === undefined && !Object.prototype.hasOwnProperty.call(schema, 'const');
  if (own(schema, 'oneOf') !== undefined && !(fromTitles && titledOneOf)) problems.push(`oneOf at ${where}`);
  if (own(schema, 'anyOf') !== undefined && !(fromTitles && titledAnyOf)) problems.push(`anyOf at ${where}`);
}

/** The JSON Schema types a node declares, without "null"; problems for unions and unknown types. */
function typeOf(schema: Schema): string[] {
  const type = own(schema, 'type');
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

function unsupportedKeywords(schema: Schema, where: string, problems: string[]): void {
  for (const [keyword, name] of UNSUPPORTED_KEYWORDS) {
    if (own(schema, keyword) !== undefined) problems.push(`${name} at ${where}`);
  }
}

function textSpec(schema: Schema): TextSpec & { hint?: string } {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const known = format !== undefined ? FORMATS[format] : undefined;
  const secret = format === 'password' || schema.writeOnly === true;
  const spec: TextSpec & { hint?: string } = { kind: 'text', input: secret ? 'password' : known?.input ?? 'text', secret };
  if (format !== undefined) spec.format = format;
  if (known?.placeholder) spec.placeholder = known.placeholder;
  const minLength = count(schema.minLength);
  const maxLength = count(schema.maxLength);
  if (minLength !== undefined && minLength > 0) spec.minLength = minLength;
  const hintMin = spec.minLength !== undefined && spec.minLength > 1 ? spec.minLength : undefined; // "at least 1" only means "not empty"
  if (maxLength !== undefined) spec.maxLength = maxLength;
  if (typeof schema.pattern === 'string') spec.pattern = schema.pattern;
  const parts: string[] = [];
  if (known?.hint) parts.push(known.hint);
  else if (format !== undefined && format !== 'password') parts.push(`Format: ${format}`);
  const length = lengthHint(hintMin, spec.maxLength, 'character');
  if (length) parts.push(length);
  if (parts.length) spec.hint = capitalise(parts.join(', '));
  return spec;
}

function capitalise(s: string): string {
  return s.length > 0 ? s[0].toUpperCase() + s.slice(1) : s;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function lengthHint(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  if (min !== undefined && max !== undefined) return min === max ? plural(min, unit) : `${min}–${plural(max, unit)}`;
  if (min !== undefined) return `at least ${plural(min, unit)}`;
  if (max !== undefined) return `up to ${plural(max, unit)}`;
  return undefined;
}

function numberSpec(schema: Schema, kind: 'number' | 'integer'): NumberSpec & { hint: string } {
  const spec: NumberSpec & { hint: string } = { kind, hint: '' };
  let minimum = finite(schema.minimum);
  let maximum = finite(schema.maximum);
  let exclusiveMinimum = finite(schema.exclusiveMinimum);
  let exclusiveMaximum = finite(schema.exclusiveMaximum);
  // draft-04: exclusiveMinimum/Maximum are booleans qualifying minimum/maximum.
  if (schema.exclusiveMinimum === true && minimum !== undefined) [exclusiveMinimum, minimum] = [minimum, undefined];
  if (schema.exclusiveMaximum === true && maximum !== undefined) [exclusiveMaximum, maximum] = [maximum, undefined];
  if (minimum !== undefined) spec.minimum = minimum;
  if (maximum !== undefined) spec.maximum = maximum;
  if (exclusiveMinimum !== undefined) spec.exclusiveMinimum = exclusiveMinimum;
  if (exclusiveMaximum !== undefined) spec.exclusiveMaximum = exclusiveMaximum;
  const multipleOf = finite(schema.multipleOf);
  if (multipleOf !== undefined && multipleOf > 0) spec.multipleOf = multipleOf;
  const words = [kind === 'integer' ? 'A whole number' : 'A number'];
  if (minimum !== undefined && maximum !== undefined) words.push(`from ${minimum} to ${maximum}`);
  else if (minimum !== undefined) words.push(`≥ ${minimum}`);
  else if (maximum !== undefined) words.push(`≤ ${maximum}`);
  if (exclusiveMinimum !== undefined) words.push(`> ${exclusiveMinimum}`);
  if (exclusiveMaximum !== undefined) words.push(`< ${exclusiveMaximum}`);
  spec.hint = words.join(' ') + (spec.multipleOf !== undefined ? `, a multiple of ${spec.multipleOf}` : '');
  return spec;
}

interface Context {
  problems: string[];
  fieldCount: number;
  hasSecret: boolean;
}

function fieldOf(raw: unknown, path: string[], required: boolean, depth: number, ctx: Context, sent: boolean): Field | undefined {
  const where = describePath(path);
  if (++ctx.fieldCount > MAX_FIELDS) return undefined;
  if (!isRecord(raw)) {
    ctx.problems.push(`a property without a schema at ${where}`);
    return undefined;
  }
  const { schema, nullable } = unwrapNullable(raw);
  const key = path[path.length - 1] ?? '';
  const common: FieldCommon = {
    id: pointerOf(path),
    path: [...path],
    key,
    label: text(schema.title, MAX_LABEL) ?? key,
    required,
    nullable,
  };
  const description = text(schema.description, MAX_DESCRIPTION);
  if (description !== undefined) common.description = description;
  if (Object.prototype.hasOwnProperty.call(schema, 'default')) common.default = schema.default;

  const before = ctx.problems.length;
  unsupportedKeywords(schema, where, ctx.problems);
  const types = typeOf(schema);
  const choices = choicesOf(schema, where, ctx.problems);
  unsupportedCombinators(schema, choices, where, ctx.problems);
  if (types.length > 1) ctx.problems.push(`type union (${types.join(' | ')}) at ${where}`);
  if (ctx.problems.length > before) return undefined;

  if (choices !== undefined) {
    if (types[0] === 'array' || types[0] === 'object') {
      ctx.problems.push(`enum of ${types[0]}s at ${where}`);
      return undefined;
    }
    return { ...common, kind: 'enum', choices };
  }
  const type = types[0] ?? (isRecord(schema.properties) ? 'object' : undefined);
  switch (type) {
    case 'string': {
      const { hint, ...spec } = textSpec(schema);
      if (spec.secret) ctx.hasSecret = true;
      return { ...common, ...(hint ? { hint } : {}), ...spec };
    }
    case 'number':
    case 'integer': {
      const { hint, ...spec } = numberSpec(schema, type);
      return { ...common, hint, ...spec };
    }
    case 'boolean':
      return { ...common, kind: 'boolean' };
    case 'array':
      return arrayField(schema, common, path, ctx);
    case 'object': {
      if (depth >= MAX_DEPTH) {
        ctx.problems.push(`objects nested more than ${MAX_DEPTH} deep at ${where}`);
        return undefined;
      }
      const fields = objectFields(schema, path, depth + 1, ctx, sent && required);
      if (fields === undefined) return undefined;
      return { ...common, kind: 'object', fields };
    }
    case undefined:
      ctx.problems.push(`a property without a type at ${where}`);
      return undefined;
    default:
      ctx.problems.push(`type ${type} at ${where}`);
      return undefined;
  }
}

function arrayField(schema: Schema, common: FieldCommon, path: string[], ctx: Context): Field | undefined {
  const where = describePath(path);
  const items = own(schema, 'items');
  const minItems = count(schema.minItems);
  const maxItems = count(schema.maxItems);
  const bounds: { minItems?: number; maxItems?: number } = {};
  if (minItems !== undefined && minItems > 0) bounds.minItems = minItems;
  if (maxItems !== undefined) bounds.maxItems = maxItems;
  if (Array.isArray(items)) {
    ctx.problems.push(`tuple array (items list) at ${where}`);
    return undefined;
  }
  if (!isRecord(items)) {
    ctx.problems.push(`array without an item type at ${where}`);
    return undefined;
  }
  const itemWhere = `${where}[]`;
  const before = ctx.problems.length;
  unsupportedKeywords(items, itemWhere, ctx.problems);
  const choices = choicesOf(items, itemWhere, ctx.problems);
  const itemTypes = typeOf(items);
  unsupportedCombinators(items, choices, itemWhere, ctx.problems);
  if (itemTypes.length > 1) ctx.problems.push(`type union (${itemTypes.join(' | ')}) at ${itemWhere}`);
  if (ctx.problems.length > before) return undefined;
  const hint = lengthHint(bounds.minItems, bounds.maxItems, 'item');
  const withHint = hint ? { ...common, hint: capitalise(hint) } : common;
  if (choices !== undefined) return { ...withHint, kind: 'multi-enum', choices, ...bounds };
  const itemType = itemTypes[0] ?? (isRecord(items.properties) ? 'object' : undefined);
  let item: ItemSpec;
  switch (itemType) {
    case 'string': {
      const { hint: _hint, ...spec } = textSpec(items);
      if (spec.secret) ctx.hasSecret = true;
      item = spec;
      break;
    }
    case 'number':
    case 'integer': {
      const { hint: _hint, ...spec } = numberSpec(items, itemType);
      item = spec;
      break;
    }
    case 'boolean':
      item = { kind: 'boolean' };
      break;
    case 'object':
      ctx.problems.push(`array of objects at ${where}`);
      return undefined;
    case 'array':
      ctx.problems.push(`array of arrays at ${where}`);
      return undefined;
    case undefined:
      ctx.problems.push(`array items without a type at ${where}`);
      return undefined;
    default:
      ctx.problems.push(`array of ${itemType} at ${where}`);
      return undefined;
  }
  return { ...withHint, kind: 'list', item, uniqueItems: schema.uniqueItems === true, ...bounds };
}

/**
 * `sent`: this object is always in the arguments (it and every object around it are required). Fields of
 * an object that may be left out do not start with their defaults (see initialValues); their hint says
 * the default instead.
 */
function objectFields(schema: Schema, path: string[], depth: number, ctx: Context, sent: boolean): Field[] | undefined {
  const where = describePath(path);
  const properties = own(schema, 'properties');
  const additional = own(schema, 'additionalProperties');
  const hasProperties = isRecord(properties) && Object.keys(properties).length > 0;
  if (isRecord(additional) && Object.keys(additional).length > 0) {
    ctx.problems.push(`additionalProperties schema at ${where}`);
    return undefined;
  }
  if (!hasProperties) {
    if (path.length === 0) return []; // a tool without parameters
    if (additional !== false) {
      ctx.problems.push(`free-form object (no properties listed) at ${where}`);
      return undefined;
    }
    return [];
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const fields: Field[] = [];
  for (const [key, value] of Object.entries(properties)) {
    const field = fieldOf(value, [...path, key], required.has(key), depth, ctx, sent);
    if (!field) continue;
    if (!sent && field.kind !== 'object' && field.default !== undefined) {
      const shown = JSON.stringify(field.default) ?? '';
      const words = `Default: ${shown.length > 60 ? `${shown.slice(0, 59)}…` : shown}`;
      field.hint = field.hint ? `${field.hint}. ${words}` : words;
    }
    fields.push(field);
  }
  return fields;
}

/**
 * The form for a schema, or the constructs that make it fall back to JSON editing, each as
 * "<construct> at <where>", e.g. "anyOf at filter", "array of objects at rows".
 */
export function formFor(schema: unknown): FormModel | Unsupported {
  if (schema === undefined || schema === null || schema === true) return { schema: {}, fields: [], hasSecret: false };
  if (!isRecord(schema)) return { unsupported: ['a schema that is not an object'] };
  const ctx: Context = { problems: [], fieldCount: 0, hasSecret: false };
  const { schema: root, nullable } = unwrapNullable(schema);
  const types = typeOf(root);
  if (nullable || (types.length > 0 && (types.length !== 1 || types[0] !== 'object'))) {
    return { unsupported: [`arguments of type ${nullable ? [...types, 'null'].join(' | ') : types.join(' | ')}`] };
  }
  unsupportedKeywords(root, 'the top level', ctx.problems);
  for (const keyword of ['anyOf', 'oneOf', 'enum', 'const']) {
    if (own(root, keyword) !== undefined) ctx.problems.push(`${keyword} at the top level`);
  }
  const fields = ctx.problems.length ? undefined : objectFields(root, [], 0, ctx, true);
  if (ctx.fieldCount > MAX_FIELDS) ctx.problems.push(`more than ${MAX_FIELDS} fields`);
  if (ctx.problems.length > 0 || fields === undefined) return { unsupported: [...new Set(ctx.problems)] };
  return { schema, fields, hasSecret: ctx.hasSecret };
}

/** Every field that holds a value (not object groups), depth first, in schema order. */
export function leaves(fields: readonly Field[]): Field[] {
  return fields.flatMap((f) => (f.kind === 'object' ? leaves(f.fields) : [f]));
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A raw item or field text as a number when it reads as one; otherwise the text itself, for the validator to reject. */
function parseNumber(raw: string): number | string {
  const s = raw.trim();
  if (!NUMBER.test(s)) return raw;
  const n = Number(s);
  return Number.isFinite(n) ? n : raw;
}

function itemFromRaw(item: ItemSpec, raw: string): unknown {
  if (item.kind === 'text') return raw;
  if (item.kind === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return parseNumber(raw);
}

function itemToRaw(item: ItemSpec, value: unknown): string | undefined {
  if (item.kind === 'text') return typeof value === 'string' ? value : undefined;
  if (item.kind === 'boolean') return typeof value === 'boolean' ? String(value) : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

const OMIT = Symbol('omit');

function emptyValue(field: Field, empty: unknown): unknown {
  if (!field.required) return OMIT;
  return field.nullable ? null : empty;
}

function fromRaw(field: Field, values: FormValues): unknown {
  const raw = Object.prototype.hasOwnProperty.call(values, field.id) ? values[field.id] : undefined;
  switch (field.kind) {
    case 'text':
      return typeof raw === 'string' && raw !== '' ? raw : emptyValue(field, OMIT);
    case 'number':
    case 'integer':
      return typeof raw === 'string' && raw.trim() !== '' ? parseNumber(raw) : emptyValue(field, OMIT);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : emptyValue(field, OMIT);
    case 'enum': {
      const picked = typeof raw === 'string' ? field.choices.find((c) => c.key === raw) : undefined;
      return picked ? picked.value : emptyValue(field, OMIT);
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw.filter((s) => s.trim() !== '').map((s) => itemFromRaw(field.item, s)) : [];
      return items.length > 0 ? items : emptyValue(field, []);
    }
    case 'multi-enum': {
      const keys = new Set(Array.isArray(raw) ? raw : []);
      const picked = field.choices.filter((c) => keys.has(c.key)).map((c) => c.value);
      return picked.length > 0 ? picked : emptyValue(field, []);
    }
    case 'object': {
      const inner = collect(field.fields, values);
      return Object.keys(inner).length > 0 ? inner : emptyValue(field, {});
    }
  }
}

function collect(fields: readonly Field[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = fromRaw(field, values);
    if (value !== OMIT) setOwn(out, field.key, value);
  }
  return out;
}

/**
 * The arguments to send for the form's values: empty optional fields are left out (the server's default
 * applies), a required empty one is left out too (so the schema check says it is required) unless it is
 * nullable (then null); numbers, booleans and lists are converted; text that is not a number stays text
 * for the schema check to reject; nested objects are kept, and left out when nothing in them is set.
 */
export function valuesToArguments(model: FormModel, values: FormValues): Record<string, unknown> {
  return collect(model.fields, values);
}

/** The raw form value of an argument for one field, or undefined if it does not fit that field. */
function toRaw(field: Field, value: unknown): { ok: true; raw: FieldValue } | { ok: false } {
  if (value === null && field.nullable && field.kind !== 'object') return { ok: true, raw: field.kind === 'boolean' ? undefined : field.kind === 'list' || field.kind === 'multi-enum' ? [] : '' };
  switch (field.kind) {
    case 'text':
      return typeof value === 'string' ? { ok: true, raw: value } : { ok: false };
    case 'number':
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, raw: String(value) } : { ok: false };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, raw: value } : { ok: false };
    case 'enum': {
      const key = isPrimitive(value) ? JSON.stringify(value) : undefined;
      return field.choices.some((c) => c.key === key) ? { ok: true, raw: key } : { ok: false };
    }
    case 'list': {
      if (!Array.isArray(value)) return { ok: false };
      const raws = value.map((v) => itemToRaw(field.item, v));
      return raws.every((r): r is string => r !== undefined) ? { ok: true, raw: raws } : { ok: false };
    }
    case 'multi-enum': {
      if (!Array.isArray(value)) return { ok: false };
      const keys = value.map((v) => (isPrimitive(v) ? JSON.stringify(v) : ''));
      return keys.every((k) => field.choices.some((c) => c.key === k)) ? { ok: true, raw: keys } : { ok: false };
    }
    case 'object':
      return { ok: false }; // objects are placed field by field
  }
}

function place(fields: readonly Field[], args: Record<string, unknown>, at: readonly string[], values: FormValues, unplaced: string[]): void {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(args)) {
    const field = byKey.get(key);
    const where = describePath([...at, key]);
    if (!field) {
      unplaced.push(`${where} (not a field of this form)`);
      continue;
    }
    if (field.kind === 'object') {
      if (isRecord(value)) place(field.fields, value, field.path, values, unplaced);
      else if (!(value === null && field.nullable)) unplaced.push(`${where} (not an object)`);
      continue;
    }
    const result = toRaw(field, value);
    if (result.ok) values[field.id] = result.raw;
    else unplaced.push(`${where} (${JSON.stringify(value)?.slice(0, 40) ?? 'a value'} does not fit this ${describeKind(field)} field)`);
  }
}

function describeKind(field: Field): string {
  switch (field.kind) {
    case 'multi-enum':
      return 'multiple-choice';
    case 'enum':
      return 'choice';
    case 'list':
      return `list of ${field.item.kind === 'text' ? 'text' : field.item.kind}`;
    default:
      return field.kind;
  }
}

/**
 * The form values for some arguments (e.g. typed as JSON), and the arguments that do not fit the form
 * (unknown keys, values of the wrong type or outside the choices), by where they are.
 */
export function argumentsToValues(model: FormModel, args: Record<string, unknown>): { values: FormValues; unplaced: string[] } {
  const values: FormValues = {};
  const unplaced: string[] = [];
  place(model.fields, args, [], values, unplaced);
  return { values, unplaced };
}

/**
 * The values the form starts with: each field's schema default (when it fits the field; an object's
 * default fills its fields), then the remembered arguments over them, as far as they still fit the
 * schema. A required checkbox without a default starts unchecked (false), since it always shows a value.
 * Inside an optional object nothing starts set (defaults show in the hint instead): otherwise the object
 * would always be sent, and fail the check for its required fields the user never meant to fill.
 */
export function initialValues(model: FormModel, lastArgs?: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  const ignored: string[] = [];
  // `sent`: the field's object is always sent (it and every enclosing object are required).
  const applyDefaults = (fields: readonly Field[], sent: boolean) => {
    for (const field of fields) {
      if (field.kind === 'object') {
        const inner = sent && field.required;
        if (inner && isRecord(field.default)) place(field.fields, field.default, field.path, values, ignored);
        applyDefaults(field.fields, inner);
        continue;
      }
      if (!sent) continue;
      if (field.default !== undefined) {
        const result = toRaw(field, field.default);
        if (result.ok) values[field.id] = result.raw;
      } else if (field.kind === 'boolean' && field.required && !field.nullable) {
        values[field.id] = false;
      }
    }
  };
  applyDefaults(model.fields, true);
  if (lastArgs) Object.assign(values, argumentsToValues(model, lastArgs).values);
  return values;
}

/**
 * Whether a schema marks any value as a secret (`format: "password"` or `writeOnly: true`) anywhere,
 * including in parts the form cannot show ($defs, anyOf branches…).
 */
export function marksSecret(schema: unknown, depth = 0): boolean {
  if (depth > 64) return true; // absurdly deep: do not bet on it
  if (Array.isArray(schema)) return schema.some((s) => marksSecret(s, depth + 1));
  if (!isRecord(schema)) return false;
  if (schema.format === 'password' || schema.writeOnly === true) return true;
  return Object.entries(schema).some(([key, value]) => key !== 'default' && key !== 'examples' && key !== 'enum' && key !== 'const' && typeof value === 'object' && marksSecret(value, depth + 1));
}
