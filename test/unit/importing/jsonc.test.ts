import assert from 'node:assert/strict';
import { parseJsonc, stripJsonc } from '../../../src/importing/jsonc';

describe('importing: JSON with comments', () => {
  it('line and block comments, and trailing commas in objects and lists, are tolerated', () => {
    const text = `// top\n{\n  "a": [1, 2, /* two */ ],\n  /* b */ "b": { "c": true, // c\n  },\n}\n`;
    assert.deepEqual(parseJsonc(text), { ok: true, value: { a: [1, 2], b: { c: true } } });
  });

  it('comment markers and commas inside strings are left alone, escaped quotes included', () => {
    const text = '{ "url": "https://x.example/a//b", "s": "/* no */", "q": "say \\"hi\\", // still", "t": ",}" }';
    assert.deepEqual(parseJsonc(text), { ok: true, value: { url: 'https://x.example/a//b', s: '/* no */', q: 'say "hi", // still', t: ',}' } });
  });

  it('positions are kept: blanking changes no line or column, and a byte-order mark is accepted', () => {
    const text = '{\n  // c\n  "a": 1,\n}';
    const stripped = stripJsonc(text);
    assert.equal(stripped.length, text.length);
    assert.deepEqual(stripped.split('\n').length, 4);
    assert.deepEqual(parseJsonc('\ufeff{"a": 1}'), { ok: true, value: { a: 1 } });
  });

  it('broken JSON: where it breaks, never the text around it (a token there stays out of the sentence)', () => {
    const broken = parseJsonc('{\n  "a": 1,\n  "Authorization" "Bearer ghp_SECRET123456789012345"\n}');
    assert.deepEqual(broken, { ok: false, problem: 'not valid JSON (line 3, column 19)' });
    // Node's message for this one is `Unexpected token 'p', "{ "key": pw1234 }" is not valid JSON`.
    assert.deepEqual(parseJsonc('{ "key": pw1234 }'), { ok: false, problem: 'not valid JSON' });
    assert.deepEqual(parseJsonc('  // only a comment\n'), { ok: false, problem: 'empty' });
  });
});
