import assert from 'node:assert/strict';
import { isSecretName, LAST_ARGUMENTS_KEY, LastArguments, type MementoLike } from '../../../src/form/lastArguments';

/**
 * A Memento kept in memory like VS Code's: values go through JSON when stored, and `get` hands out the
 * one cached object (so a caller that changes what it got changes the store).
 */
class MemoryMemento implements MementoLike {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const SCHEMA = { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } } };

describe('form: LastArguments', () => {
  it('remembers per server and tool, and survives a new instance (it is in the memento)', async () => {
    const memento = new MemoryMemento();
    const last = new LastArguments(memento);
    assert.equal(await last.remember('docs', 'search', SCHEMA, { q: 'mcp', n: 3 }), 'stored');
    assert.equal(await last.remember('docs', 'fetch', SCHEMA, { q: 'other' }), 'stored');
    assert.equal(await last.remember('wiki', 'search', SCHEMA, { q: 'wiki' }), 'stored');
    const again = new LastArguments(memento);
    assert.deepEqual(again.get('docs', 'search'), { q: 'mcp', n: 3 });
    assert.deepEqual(again.get('docs', 'fetch'), { q: 'other' });
    assert.deepEqual(again.get('wiki', 'search'), { q: 'wiki' });
    assert.equal(again.get('wiki', 'fetch'), undefined);
    await again.remember('docs', 'search', SCHEMA, { q: 'newer' });
    assert.deepEqual(again.get('docs', 'search'), { q: 'newer' });
  });

  it('names cannot collide: "a|b" + "c" is not "a" + "b|c"', async () => {
    const last = new LastArguments(new MemoryMemento());
    await last.remember('a|b', 'c', SCHEMA, { q: '1' });
    assert.equal(last.get('a', 'b|c'), undefined);
  });

  it('stores nothing for a tool whose schema marks a secret, and drops what it had', async () => {
    const memento = new MemoryMemento();
    const last = new LastArguments(memento);
    await last.remember('s', 'login', SCHEMA, { q: 'before' });
    const secret = { type: 'object', properties: { user: { type: 'string' }, pass: { type: 'string', format: 'password' } } };
    assert.equal(await last.remember('s', 'login', secret, { user: 'ada', pass: 'hunter2' }), 'secret-schema');
    assert.equal(last.get('s', 'login'), undefined);
    const writeOnly = { type: 'object', properties: { k: { type: 'string', writeOnly: true } } };
    assert.equal(await last.remember('s', 'key', writeOnly, { k: 'v' }), 'secret-schema');
    assert.ok(!JSON.stringify([...memento.data.values()]).includes('hunter2'));
  });

  it('leaves out values under secret-sounding names, at any depth', async () => {
    const last = new LastArguments(new MemoryMemento());
    await last.remember('s', 't', {}, { query: 'q', api_key: 'k1', auth: { apiKey: 'k2', user: 'u' }, list: [{ token: 't' }], max_tokens: 10 });
    assert.deepEqual(last.get('s', 't'), { query: 'q', auth: { user: 'u' }, list: [{}], max_tokens: 10 });
  });

  it('isSecretName', () => {
    for (const name of ['password', 'Password', 'api_key', 'apiKey', 'API-KEY', 'apikey', 'X-Auth-Token', 'clientSecret', 'private_key', 'accessKey', 'credentials', 'passphrase'])
      assert.equal(isSecretName(name), true, name);
    for (const name of ['query', 'max_tokens', 'author', 'keyword', 'key', 'passage', 'secretary_name'])
      assert.equal(isSecretName(name), false, name);
  });

  it('does not store arguments over 64 KB, and drops the older entry', async () => {
    const last = new LastArguments(new MemoryMemento());
    await last.remember('s', 't', SCHEMA, { q: 'small' });
    assert.equal(await last.remember('s', 't', SCHEMA, { q: 'x'.repeat(70 * 1024) }), 'too-large');
    assert.equal(last.get('s', 't'), undefined);
    // UTF-8 bytes, not characters: 30 000 "é" are 60 000 bytes, under; 40 000 are 80 000, over.
    assert.equal(await last.remember('s', 't', SCHEMA, { q: 'é'.repeat(30_000) }), 'stored');
    assert.equal(await last.remember('s', 't', SCHEMA, { q: 'é'.repeat(40_000) }), 'too-large');
  });

  it('keeps the total under its cap by dropping the least recently stored', async () => {
    let clock = 0;
    const last = new LastArguments(new MemoryMemento(), { maxEntryBytes: 1000, maxTotalBytes: 2000 }, () => ++clock);
    for (const tool of ['a', 'b', 'c', 'd']) await last.remember('s', tool, SCHEMA, { q: tool.repeat(700) });
    assert.equal(last.get('s', 'a'), undefined);
    assert.equal(last.get('s', 'b'), undefined);
    assert.ok(last.get('s', 'c'));
    assert.ok(last.get('s', 'd'));
  });

  it('forget: one tool, or a whole server; an empty store removes the key', async () => {
    const memento = new MemoryMemento();
    const last = new LastArguments(memento);
    await last.remember('s', 'a', SCHEMA, { q: '1' });
    await last.remember('s', 'b', SCHEMA, { q: '2' });
    await last.remember('o', 'a', SCHEMA, { q: '3' });
    await last.forget('s', 'a');
    assert.equal(last.get('s', 'a'), undefined);
    assert.ok(last.get('s', 'b'));
    await last.forget('s');
    assert.equal(last.get('s', 'b'), undefined);
    assert.ok(last.get('o', 'a'));
    await last.forget('o');
    assert.equal(memento.data.has(LAST_ARGUMENTS_KEY), false);
  });

  it('ignores a store it does not understand, and hands out copies', async () => {
    const memento = new MemoryMemento();
    await memento.update(LAST_ARGUMENTS_KEY, { v: 99, junk: true });
    const last = new LastArguments(memento);
    assert.equal(last.get('s', 't'), undefined);
    await last.remember('s', 't', SCHEMA, { q: 'x' });
    const copy = last.get('s', 't');
    if (copy) copy.q = 'changed';
    assert.deepEqual(last.get('s', 't'), { q: 'x' });
  });
});
