import assert from 'node:assert/strict';
import { formFor, isUnsupported, valuesToArguments, type FormModel } from '../../../src/form/schemaForm';
import { checkArguments, problemsByField } from '../../../src/form/validate';

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 5 },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    count: { type: 'integer', minimum: 1, maximum: 10 },
    ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    step: { type: 'number', multipleOf: 5 },
    email: { type: 'string', format: 'email' },
    day: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    home: { type: 'string', format: 'uri' },
    site: { type: 'string', format: 'url' },
    color: { enum: ['red', 'green'] },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 2, uniqueItems: true },
    nested: { type: 'object', properties: { deep: { type: 'integer' } }, required: ['deep'] },
  },
  required: ['name', 'count'],
  additionalProperties: false,
};

function messages(args: unknown, schema: unknown = SCHEMA): Record<string, string> {
  return checkArguments(schema, args).byPointer;
}

describe('form: checkArguments (schema check before sending)', () => {
  it('valid arguments pass', () => {
    const result = checkArguments(SCHEMA, { name: 'Ada', count: 3, email: 'ada@example.com', day: '2025-01-31', at: '2025-01-31T14:30:00Z', tags: ['a', 'b'], nested: { deep: 1 } });
    assert.deepEqual([result.valid, result.list], [true, []]);
  });

  it('says what is wrong with each value, in sentences', () => {
    assert.deepEqual(messages({}), { '/name': 'Required.', '/count': 'Required.' });
    assert.deepEqual(
      messages({ name: 'A', count: 0, code: 'abc', ratio: 1, step: 7, email: 'nope', day: '31.01.2025', at: '2025-01-31 14:30', home: 'example.com', color: 'blue' }),
      {
        '/name': 'Must be at least 2 characters.',
        '/count': 'Must be at least 1.',
        '/code': 'Must match the pattern ^[A-Z]{3}$.',
        '/ratio': 'Must be less than 1.',
        '/step': 'Must be a multiple of 5.',
        '/email': 'Must be an email address.',
        '/day': 'Must be a date (YYYY-MM-DD).',
        '/at': 'Must be a date and time with offset, e.g. 2025-01-31T14:30:00Z.',
        '/home': 'Must be a URI with a scheme, e.g. https://example.com/.',
        '/color': 'Must be one of the allowed values.',
      },
    );
    assert.deepEqual(messages({ name: 'Too long', count: 11, ratio: 0 }), {
      '/name': 'Must be at most 5 characters.',
      '/count': 'Must be at most 10.',
      '/ratio': 'Must be greater than 0.',
    });
  });

  it('types, lists and nested objects', () => {
    assert.deepEqual(messages({ name: 5, count: 'seven' }), { '/name': 'Must be text.', '/count': 'Must be a whole number.' });
    assert.deepEqual(messages({ name: 'Ada', count: 1.5 }), { '/count': 'Must be a whole number.' });
    assert.deepEqual(messages({ name: 'Ada', count: 1, tags: ['a', 'a', 'b'] }), { '/tags': 'Takes at most 2 items.' });
    assert.deepEqual(messages({ name: 'Ada', count: 1, tags: ['a', 'a'] }), { '/tags': 'Items must be different from each other.' });
    assert.deepEqual(messages({ name: 'Ada', count: 1, tags: [''] }), { '/tags/0': 'Must be at least 1 character.' });
    assert.deepEqual(messages({ name: 'Ada', count: 1, nested: {} }), { '/nested/deep': 'Required.' });
  });

  it('an unknown key is named in the list (JSON mode)', () => {
    const result = checkArguments(SCHEMA, { name: 'Ada', count: 1, extra: true });
    assert.equal(result.valid, false);
    assert.deepEqual(result.list, ['extra: not allowed here: the schema has no such field.']);
    assert.deepEqual(checkArguments(SCHEMA, { count: 0 }).list, ['name: required.', 'count: must be at least 1.']);
    assert.deepEqual(checkArguments(SCHEMA, []).list, ['The arguments: must be an object.']);
  });

  it('"url" accepts loopback and private addresses (a developer\'s servers), still rejects non-URLs', () => {
    assert.deepEqual(messages({ name: 'Ada', count: 1, site: 'http://127.0.0.1:3000/x' }), {});
    assert.deepEqual(messages({ name: 'Ada', count: 1, site: 'http://192.168.1.2/' }), {});
    assert.deepEqual(messages({ name: 'Ada', count: 1, site: 'not a url' }), { '/site': 'Must be a URL, e.g. https://example.com/.' });
  });

  it('anyOf / oneOf and $ref (JSON mode): one sentence, not every branch', () => {
    const schema = {
      type: 'object',
      properties: { v: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, r: { $ref: '#/$defs/R' } },
      $defs: { R: { type: 'integer', maximum: 3 } },
    };
    assert.deepEqual(checkArguments(schema, { v: true, r: 4 }).list, ['v: does not match any of the allowed shapes.', 'r: must be at most 3.']);
  });

  it('draft-04 and draft-07 schemas ($schema) are read as such', () => {
    const draft4 = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } };
    assert.deepEqual(messages({ n: 0 }, draft4), { '/n': 'Must be greater than 0.' });
    const draft7 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'number', exclusiveMaximum: 5 } } };
    assert.deepEqual(messages({ n: 5 }, draft7), { '/n': 'Must be less than 5.' });
  });

  it('a schema that cannot be used (unresolvable $ref, bad pattern) does not block: unchecked, with the reason', () => {
    const broken = checkArguments({ type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } }, { a: 1 });
    assert.equal(broken.valid, true);
    assert.match(broken.unchecked ?? '', /^The schema could not be checked: /);
    const badPattern = checkArguments({ type: 'object', properties: { a: { type: 'string', pattern: '(' } } }, { a: 'x' });
    assert.equal(badPattern.valid, true);
    assert.match(badPattern.unchecked ?? '', /could not be checked/);
  });
});

describe('form: problemsByField', () => {
  const m = formFor(SCHEMA) as FormModel;
  before(() => assert.ok(!isUnsupported(m)));

  it('puts each problem on its field, list items on the list ("Item 2: …"), the rest in general', () => {
    const args = valuesToArguments(m, { '/count': '0', '/tags': ['a', ''], '/nested/deep': 'x' });
    const result = checkArguments(SCHEMA, { ...args, tags: ['ok', ''], extra: 1 });
    assert.deepEqual(problemsByField(m, result), {
      byField: { '/name': 'Required.', '/count': 'Must be at least 1.', '/tags': 'Item 2: must be at least 1 character.', '/nested/deep': 'Must be a whole number.' },
      general: ['extra: not allowed here: the schema has no such field.'],
    });
  });
});

describe('form: elicitation schemas', () => {
  // The restricted schemas of MCP form-mode elicitation (2025-11-25).
  const ELICIT = {
    type: 'object',
    properties: {
      name: { type: 'string', title: 'Your name', minLength: 1 },
      email: { type: 'string', format: 'email' },
      age: { type: 'integer', minimum: 18, maximum: 130 },
      agree: { type: 'boolean', title: 'I agree', default: false },
      size: { type: 'string', enum: ['s', 'm', 'l'], enumNames: ['Small', 'Medium', 'Large'] },
      color: { type: 'string', oneOf: [{ const: '#f00', title: 'Red' }, { const: '#00f', title: 'Blue' }] },
      toppings: { type: 'array', items: { type: 'string', enum: ['cheese', 'ham', 'olives'] }, minItems: 1, maxItems: 2 },
      extras: { type: 'array', items: { anyOf: [{ const: 'x', title: 'Extra X' }, { const: 'y', title: 'Extra Y' }] } },
    },
    required: ['name', 'color', 'toppings'],
  };

  it('map to a form: titled enums, legacy enumNames and multi-selects', () => {
    const m = formFor(ELICIT);
    assert.ok(!isUnsupported(m), JSON.stringify(m));
    const kinds = m.fields.map((f) => [f.key, f.kind, f.label]);
    assert.deepEqual(kinds, [
      ['name', 'text', 'Your name'],
      ['email', 'text', 'email'],
      ['age', 'integer', 'age'],
      ['agree', 'boolean', 'I agree'],
      ['size', 'enum', 'size'],
      ['color', 'enum', 'color'],
      ['toppings', 'multi-enum', 'toppings'],
      ['extras', 'multi-enum', 'extras'],
    ]);
  });

  it('check the content: the titled choice by its const, and the multi-select bounds', () => {
    const m = formFor(ELICIT) as FormModel;
    const content = valuesToArguments(m, { '/name': 'Ada', '/color': '"#00f"', '/toppings': ['"ham"', '"olives"', '"cheese"'], '/agree': true, '/size': '"m"' });
    assert.deepEqual(content, { name: 'Ada', agree: true, size: 'm', color: '#00f', toppings: ['cheese', 'ham', 'olives'] });
    assert.deepEqual(problemsByField(m, checkArguments(ELICIT, content)).byField, { '/toppings': 'Takes at most 2 items.' });
    const none = valuesToArguments(m, { '/name': 'Ada', '/color': '"#f00"' });
    assert.deepEqual(none, { name: 'Ada', color: '#f00', toppings: [] });
    assert.deepEqual(checkArguments(ELICIT, none).byPointer, { '/toppings': 'Needs at least 1 item.' });
    assert.deepEqual(checkArguments(ELICIT, { ...none, toppings: ['ham'], color: 'purple' }).byPointer, { '/color': 'Does not match any of the allowed shapes.' });
  });
});
