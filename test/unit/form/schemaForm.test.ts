import assert from 'node:assert/strict';
import {
  argumentsToValues,
  formFor,
  initialValues,
  isUnsupported,
  leaves,
  marksSecret,
  valuesToArguments,
  type Field,
  type FormModel,
} from '../../../src/form/schemaForm';

function model(schema: unknown): FormModel {
  const result = formFor(schema);
  if (isUnsupported(result)) assert.fail(`expected a form, got the JSON fallback for: ${result.unsupported.join('; ')}`);
  return result;
}

function only(schema: Record<string, unknown>, required = false): Field {
  const fields = model({ type: 'object', properties: { x: schema }, ...(required ? { required: ['x'] } : {}) }).fields;
  assert.equal(fields.length, 1);
  return fields[0];
}

function unsupported(schema: unknown): string[] {
  const result = formFor(schema);
  if (!isUnsupported(result)) assert.fail(`expected the JSON fallback, got a form with ${result.fields.length} fields`);
  return result.unsupported;
}

/** A tool schema with one of everything the form shows. */
const RICH = {
  type: 'object',
  properties: {
    city: { type: 'string', title: 'City name', description: 'Where to look.', minLength: 2, maxLength: 40 },
    units: { type: 'string', enum: ['metric', 'imperial'], default: 'metric' },
    days: { type: 'integer', minimum: 1, maximum: 14, default: 3 },
    threshold: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 },
    alerts: { type: 'boolean', default: true },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    email: { type: 'string', format: 'email' },
    when: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    home: { type: 'string', format: 'uri' },
    options: {
      type: 'object',
      title: 'Options',
      properties: { verbose: { type: 'boolean' }, depth: { type: 'integer' }, label: { type: 'string', default: 'x' } },
      required: ['verbose'],
    },
  },
  required: ['city', 'days'],
  additionalProperties: false,
};

describe('form: formFor (schema → form)', () => {
  it('maps every supported kind, in schema order, with ids, labels and required marks', () => {
    const m = model(RICH);
    const summary = leaves(m.fields).map((f) => [f.id, f.kind, f.label, f.required]);
    assert.deepEqual(summary, [
      ['/city', 'text', 'City name', true],
      ['/units', 'enum', 'units', false],
      ['/days', 'integer', 'days', true],
      ['/threshold', 'number', 'threshold', false],
      ['/alerts', 'boolean', 'alerts', false],
      ['/tags', 'list', 'tags', false],
      ['/email', 'text', 'email', false],
      ['/when', 'text', 'when', false],
      ['/at', 'text', 'at', false],
      ['/home', 'text', 'home', false],
      ['/options/verbose', 'boolean', 'verbose', true],
      ['/options/depth', 'integer', 'depth', false],
      ['/options/label', 'text', 'label', false],
    ]);
    const options = m.fields.find((f) => f.key === 'options');
    assert.equal(options?.kind, 'object');
    assert.equal(options?.label, 'Options');
    assert.deepEqual(options?.path, ['options']);
    assert.equal(m.hasSecret, false);
  });

  it('keeps descriptions as plain text and defaults as given', () => {
    const m = model(RICH);
    const city = leaves(m.fields).find((f) => f.key === 'city');
    assert.equal(city?.description, 'Where to look.');
    assert.equal(leaves(m.fields).find((f) => f.key === 'days')?.default, 3);
    const evil = only({ type: 'string', description: '<img src=x onerror=alert(1)> [link](command:foo)' });
    assert.equal(evil.description, '<img src=x onerror=alert(1)> [link](command:foo)');
  });

  it('strings: formats become input types or examples, lengths and patterns are kept', () => {
    const cases: Array<[Record<string, unknown>, Partial<Record<string, unknown>>]> = [
      [{ type: 'string', format: 'email' }, { input: 'email', placeholder: 'name@example.com', hint: 'An email address' }],
      [{ type: 'string', format: 'uri' }, { input: 'url', hint: 'A URI' }],
      [{ type: 'string', format: 'url' }, { input: 'url', hint: 'A URL' }],
      [{ type: 'string', format: 'date' }, { input: 'date', hint: 'A date (YYYY-MM-DD)' }],
      [{ type: 'string', format: 'date-time' }, { input: 'text', placeholder: 'e.g. 2025-01-31T14:30:00Z' }],
      [{ type: 'string', format: 'time' }, { input: 'text', placeholder: 'e.g. 14:30:00Z' }],
      [{ type: 'string', format: 'uuid' }, { input: 'text', hint: 'A UUID' }],
      [{ type: 'string', format: 'x-custom' }, { input: 'text', hint: 'Format: x-custom' }],
      [{ type: 'string', minLength: 3, maxLength: 20 }, { minLength: 3, maxLength: 20, hint: '3–20 characters' }],
      [{ type: 'string', maxLength: 1 }, { maxLength: 1, hint: 'Up to 1 character' }],
      [{ type: 'string', minLength: 1 }, { minLength: 1, hint: undefined }],
      [{ type: 'string', pattern: '^[a-z]+$' }, { pattern: '^[a-z]+$' }],
      [{ type: 'string', format: 'password' }, { input: 'password', secret: true }],
      [{ type: 'string', writeOnly: true }, { input: 'password', secret: true }],
    ];
    for (const [schema, want] of cases) {
      const field = only(schema) as unknown as Record<string, unknown>;
      assert.equal(field.kind, 'text', JSON.stringify(schema));
      for (const [key, value] of Object.entries(want)) assert.deepEqual(field[key], value, `${key} of ${JSON.stringify(schema)}`);
    }
    assert.equal(model({ type: 'object', properties: { p: { type: 'string', format: 'password' } } }).hasSecret, true);
  });

  it('numbers and integers: bounds (also draft-04 booleans) and a hint in words', () => {
    const days = only({ type: 'integer', minimum: 1, maximum: 14 });
    assert.deepEqual([days.kind, days.hint], ['integer', 'A whole number from 1 to 14']);
    const t = only({ type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 });
    assert.equal(t.kind === 'number' && t.exclusiveMinimum, 0);
    assert.equal(t.hint, 'A number > 0, a multiple of 0.5');
    const old = only({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 });
    assert.ok(old.kind === 'number');
    assert.deepEqual([old.minimum, old.exclusiveMinimum, old.maximum], [undefined, 0, 1]);
    assert.equal(only({ type: 'number' }).hint, 'A number');
  });

  it('enums: plain, legacy enumNames, titled oneOf / anyOf (elicitation), const; numbers too', () => {
    const plain = only({ type: 'string', enum: ['a', 'b'] });
    assert.ok(plain.kind === 'enum');
    assert.deepEqual(plain.choices, [
      { value: 'a', label: 'a', key: '"a"' },
      { value: 'b', label: 'b', key: '"b"' },
    ]);
    const legacy = only({ type: 'string', enum: ['lo', 'hi'], enumNames: ['Low', 'High'] });
    assert.ok(legacy.kind === 'enum');
    assert.deepEqual(legacy.choices.map((c) => c.label), ['Low', 'High']);
    for (const keyword of ['oneOf', 'anyOf']) {
      const titled = only({ type: 'string', [keyword]: [{ const: '#f00', title: 'Red' }, { const: '#0f0', title: 'Green' }] });
      assert.ok(titled.kind === 'enum', keyword);
      assert.deepEqual(titled.choices.map((c) => [c.value, c.label]), [['#f00', 'Red'], ['#0f0', 'Green']]);
    }
    const numbers = only({ type: 'integer', enum: [1, 2, 3] });
    assert.ok(numbers.kind === 'enum');
    assert.deepEqual(numbers.choices.map((c) => c.key), ['1', '2', '3']);
    const fixed = only({ const: 'v1' });
    assert.ok(fixed.kind === 'enum');
    assert.deepEqual(fixed.choices.map((c) => c.value), ['v1']);
  });

  it('arrays: lists of primitives (with item specs and bounds), multi-selects of enum items (elicitation)', () => {
    const list = only({ type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 3, uniqueItems: true });
    assert.ok(list.kind === 'list');
    assert.deepEqual([list.item.kind, list.minItems, list.maxItems, list.uniqueItems, list.hint], ['integer', 1, 3, true, '1–3 items']);
    const emails = only({ type: 'array', items: { type: 'string', format: 'email' } });
    assert.ok(emails.kind === 'list' && emails.item.kind === 'text');
    assert.equal(emails.item.input, 'email');
    const untitled = only({ type: 'array', items: { type: 'string', enum: ['r', 'g', 'b'] }, minItems: 1, maxItems: 2 });
    assert.ok(untitled.kind === 'multi-enum');
    assert.deepEqual([untitled.choices.map((c) => c.value), untitled.minItems, untitled.maxItems], [['r', 'g', 'b'], 1, 2]);
    const titled = only({ type: 'array', items: { anyOf: [{ const: 'r', title: 'Red' }, { const: 'g', title: 'Green' }] } });
    assert.ok(titled.kind === 'multi-enum');
    assert.deepEqual(titled.choices.map((c) => c.label), ['Red', 'Green']);
  });

  it('nullable types (Pydantic Optional[T], type: [T, "null"]) are the field of T, marked nullable', () => {
    const pydantic = only({ anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Name' });
    assert.deepEqual([pydantic.kind, pydantic.label, pydantic.nullable, pydantic.default], ['text', 'Name', true, null]);
    const union = only({ type: ['integer', 'null'], minimum: 1 });
    assert.deepEqual([union.kind, union.nullable], ['integer', true]);
  });

  it('a tool without parameters has no fields', () => {
    assert.deepEqual(model({ type: 'object' }).fields, []);
    assert.deepEqual(model({ type: 'object', properties: {} }).fields, []);
    assert.deepEqual(model(undefined).fields, []);
  });

  it('untrusted keys like __proto__ are ordinary fields', () => {
    const m = model({ type: 'object', properties: { __proto__: { type: 'string' }, 'a/b~c': { type: 'string' } } });
    // JSON.parse keeps "__proto__" as an own key; an object literal would not, so build it the JSON way.
    const parsed = model(JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}'));
    assert.deepEqual(parsed.fields.map((f) => f.id), ['/__proto__']);
    assert.deepEqual(m.fields.map((f) => f.id), ['/a~1b~0c']);
    const args = valuesToArguments(parsed, { '/__proto__': 'x' });
    assert.equal(Object.getPrototypeOf(args), Object.prototype);
    assert.deepEqual(Object.keys(args), ['__proto__']);
  });

  describe('falls back to JSON, naming what it cannot show', () => {
    const table: Array<[string, unknown, string]> = [
      ['$ref', { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string' } } }, '$ref at a'],
      ['anyOf', { type: 'object', properties: { f: { anyOf: [{ type: 'string' }, { type: 'number' }] } } }, 'anyOf at f'],
      ['oneOf', { type: 'object', properties: { f: { oneOf: [{ type: 'string' }, { type: 'object', properties: {} }] } } }, 'oneOf at f'],
      ['allOf', { type: 'object', properties: { f: { allOf: [{ type: 'string' }, { minLength: 1 }] } } }, 'allOf at f'],
      ['not', { type: 'object', properties: { f: { type: 'string', not: { const: 'x' } } } }, 'not at f'],
      ['if/then/else', { type: 'object', properties: { f: { type: 'string', if: { const: 'a' }, then: {} } } }, 'if/then/else at f'],
      ['patternProperties', { type: 'object', patternProperties: { '^x-': { type: 'string' } } }, 'patternProperties at the top level'],
      ['array of objects', { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } } }, 'array of objects at rows'],
      ['array of arrays', { type: 'object', properties: { m: { type: 'array', items: { type: 'array', items: { type: 'number' } } } } }, 'array of arrays at m'],
      ['tuple (items list)', { type: 'object', properties: { t: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } } }, 'tuple array (items list) at t'],
      ['tuple (prefixItems)', { type: 'object', properties: { t: { type: 'array', prefixItems: [{ type: 'string' }] } } }, 'tuple array (prefixItems) at t'],
      ['additionalProperties schema', { type: 'object', properties: { env: { type: 'object', additionalProperties: { type: 'string' } } } }, 'additionalProperties schema at env'],
      ['type union', { type: 'object', properties: { v: { type: ['string', 'number'] } } }, 'type union (string | number) at v'],
      ['no type', { type: 'object', properties: { v: { description: 'anything' } } }, 'a property without a type at v'],
      ['free-form object', { type: 'object', properties: { meta: { type: 'object' } } }, 'free-form object (no properties listed) at meta'],
      ['nested and deep', { type: 'object', properties: { o: { type: 'object', properties: { p: { $ref: '#/x' } } } } }, '$ref at o.p'],
      ['array items with anyOf', { type: 'object', properties: { l: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } } } }, 'anyOf at l[]'],
      ['not an object', { type: 'string' }, 'arguments of type string'],
    ];
    for (const [name, schema, want] of table) {
      it(name, () => assert.ok(unsupported(schema).includes(want), `${JSON.stringify(unsupported(schema))} should include "${want}"`));
    }

    it('lists every construct, not only the first', () => {
      const all = unsupported({ type: 'object', properties: { a: { $ref: '#/a' }, b: { type: ['string', 'boolean'] }, c: { type: 'array', items: { type: 'object' } } } });
      assert.deepEqual(all, ['$ref at a', 'type union (string | boolean) at b', 'array of objects at c']);
    });

    it('objects nested too deep, and absurdly many fields', () => {
      let deep: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < 10; i++) deep = { type: 'object', properties: { n: deep } };
      assert.ok(unsupported(deep).some((p) => p.startsWith('objects nested more than 8 deep')));
      const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, { type: 'string' }]));
      assert.deepEqual(unsupported({ type: 'object', properties: many }), ['more than 500 fields']);
    });
  });
});

describe('form: initialValues', () => {
  it('fills defaults that fit the field, required checkboxes start unchecked', () => {
    const m = model(RICH);
    assert.deepEqual(initialValues(m), { '/units': '"metric"', '/days': '3', '/alerts': true });
    const required = model({ type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] });
    assert.deepEqual(initialValues(required), { '/ok': false });
  });

  it('ignores defaults that do not fit (wrong type, not a choice)', () => {
    const m = model({ type: 'object', properties: { n: { type: 'number', default: 'ten' }, e: { enum: ['a'], default: 'z' }, l: { type: 'array', items: { type: 'string' }, default: [1] } } });
    assert.deepEqual(initialValues(m), {});
  });

  it('an object default fills its fields', () => {
    const m = model({ type: 'object', properties: { o: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, default: { a: 'A', b: 2 } } }, required: ['o'] });
    assert.deepEqual(initialValues(m), { '/o/a': 'A', '/o/b': '2' });
  });

  it('inside an optional object nothing starts set (it would be sent and fail on its required fields); the hint says the default', () => {
    const m = model(RICH);
    const label = leaves(m.fields).find((f) => f.id === '/options/label');
    assert.equal(label?.hint, 'Default: "x"');
    assert.equal(leaves(m.fields).find((f) => f.id === '/days')?.hint, 'A whole number from 1 to 14');
    assert.deepEqual(valuesToArguments(m, initialValues(m)), { units: 'metric', days: 3, alerts: true });
    const required = model({ ...RICH, required: ['city', 'days', 'options'] });
    assert.deepEqual(initialValues(required), { '/units': '"metric"', '/days': '3', '/alerts': true, '/options/verbose': false, '/options/label': 'x' });
  });

  it('remembered arguments go over the defaults, as far as they still fit the schema', () => {
    const m = model(RICH);
    const values = initialValues(m, { city: 'Oslo', days: 7, units: 'imperial', tags: ['a', 'b'], options: { verbose: true }, gone: 1, alerts: 'yes' });
    assert.deepEqual(values, {
      '/units': '"imperial"',
      '/days': '7',
      '/alerts': true, // the remembered "yes" does not fit a checkbox: the default stays
      '/city': 'Oslo',
      '/tags': ['a', 'b'],
      '/options/verbose': true,
    });
  });

  it('multi-select and nullable values', () => {
    const m = model({
      type: 'object',
      properties: { colors: { type: 'array', items: { type: 'string', enum: ['r', 'g'] }, default: ['g'] }, name: { type: ['string', 'null'] } },
    });
    assert.deepEqual(initialValues(m, { name: null }), { '/colors': ['"g"'], '/name': '' });
  });
});

describe('form: valuesToArguments', () => {
  const m = model(RICH);

  it('converts numbers, booleans and lists; omits empty optional fields; keeps nested objects', () => {
    const args = valuesToArguments(m, {
      '/city': 'Oslo',
      '/units': '"imperial"',
      '/days': ' 7 ',
      '/threshold': '2.5',
      '/alerts': false,
      '/tags': ['a', '', 'b'],
      '/email': '',
      '/options/verbose': true,
      '/options/depth': '',
      '/options/label': 'L',
    });
    assert.deepEqual(args, { city: 'Oslo', units: 'imperial', days: 7, threshold: 2.5, alerts: false, tags: ['a', 'b'], options: { verbose: true, label: 'L' } });
  });

  it('leaves out an optional object with nothing set, and a required empty field (so the check says so)', () => {
    assert.deepEqual(valuesToArguments(m, { '/city': '', '/days': '' }), {});
  });

  it('keeps text that is not a number as text, for the schema check to reject', () => {
    assert.deepEqual(valuesToArguments(m, { '/days': 'seven', '/threshold': '0x10' }), { days: 'seven', threshold: '0x10' });
    assert.deepEqual(valuesToArguments(m, { '/threshold': '-1e3' }), { threshold: -1000 });
  });

  it('a required nullable field left empty is null; a required list or multi-select left empty is []', () => {
    const n = model({
      type: 'object',
      properties: { note: { type: ['string', 'null'] }, ids: { type: 'array', items: { type: 'integer' } }, pick: { type: 'array', items: { enum: ['a', 'b'] } } },
      required: ['note', 'ids', 'pick'],
    });
    assert.deepEqual(valuesToArguments(n, {}), { note: null, ids: [], pick: [] });
    assert.deepEqual(valuesToArguments(n, { '/ids': ['1', '2'], '/pick': ['"b"'] }), { note: null, ids: [1, 2], pick: ['b'] });
  });

  it('boolean list items and enum values of any primitive type', () => {
    const n = model({ type: 'object', properties: { flags: { type: 'array', items: { type: 'boolean' } }, level: { enum: [1, 'two', null] } } });
    assert.deepEqual(valuesToArguments(n, { '/flags': ['true', 'false'], '/level': '1' }), { flags: [true, false], level: 1 });
    assert.deepEqual(valuesToArguments(n, { '/level': 'null' }), { level: null });
  });

  it('argumentsToValues is its inverse and names what does not fit', () => {
    const args = { city: 'Oslo', days: 7, tags: ['x'], options: { verbose: true, depth: 2 } };
    const { values, unplaced } = argumentsToValues(m, args);
    assert.deepEqual(unplaced, []);
    assert.deepEqual(valuesToArguments(m, values), args);
    const bad = argumentsToValues(m, { extra: 1, days: 'x', options: { nope: true }, units: 'kelvin' });
    assert.deepEqual(bad.unplaced, [
      'extra (not a field of this form)',
      'days ("x" does not fit this integer field)',
      'options.nope (not a field of this form)',
      'units ("kelvin" does not fit this choice field)',
    ]);
  });
});

describe('form: marksSecret', () => {
  it('finds password formats and writeOnly anywhere, also where the form cannot go', () => {
    assert.equal(marksSecret(RICH), false);
    assert.equal(marksSecret({ type: 'object', properties: { p: { type: 'string', format: 'password' } } }), true);
    assert.equal(marksSecret({ type: 'object', properties: { o: { type: 'object', properties: { k: { type: 'string', writeOnly: true } } } } }), true);
    assert.equal(marksSecret({ $defs: { K: { type: 'string', format: 'password' } }, properties: { k: { $ref: '#/$defs/K' } } }), true);
    assert.equal(marksSecret({ properties: { a: { anyOf: [{ type: 'string', writeOnly: true }, { type: 'null' }] } } }), true);
    assert.equal(marksSecret({ properties: { a: { type: 'string', default: { format: 'password' } } } }), false);
  });
});
