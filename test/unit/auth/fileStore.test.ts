import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAuthHome, FileAuthStore } from '../../../src/auth/fileStore';
import { startOAuthFixture } from '../../fixtures/authServer';
import { useCleanup } from '../../support/cleanup';
import { browser, newSession } from './support';

const posix = process.platform !== 'win32';

describe('FileAuthStore', () => {
  const cleanup = useCleanup();

  async function home(): Promise<string> {
    const directory = await fs.mkdtemp(join(tmpdir(), 'mcp-auth-'));
    cleanup.add(() => fs.rm(directory, { recursive: true, force: true }));
    return directory;
  }

  it('round trip: set, get, overwrite, delete; absent keys read as undefined', async () => {
    const store = new FileAuthStore(await home());
    assert.equal(await store.get('missing'), undefined);
    await store.set('a key with "quotes", slashes/ and ünïcode', '{"x":1}');
    assert.equal(await store.get('a key with "quotes", slashes/ and ünïcode'), '{"x":1}');
    await store.set('a key with "quotes", slashes/ and ünïcode', '{"x":2}');
    assert.equal(await store.get('a key with "quotes", slashes/ and ünïcode'), '{"x":2}');
    await store.delete('a key with "quotes", slashes/ and ünïcode');
    assert.equal(await store.get('a key with "quotes", slashes/ and ünïcode'), undefined);
    await store.delete('never set');
  });

  it('directory 0700, files 0600, hashed file names, no temporary files left', async () => {
    const directory = await home();
    const store = new FileAuthStore(directory);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`key-${i % 3}`, `value-${i}`)));
    const files = await fs.readdir(store.directory);
    assert.equal(files.length, 3, files.join(', '));
    assert.ok(files.every((file) => /^[0-9a-f]{64}\.json$/.test(file)), files.join(', '));
    if (posix) {
      assert.equal((await fs.stat(store.directory)).mode & 0o777, 0o700);
      for (const file of files) assert.equal((await fs.stat(join(store.directory, file))).mode & 0o777, 0o600);
    }
  });

  it('narrows an existing, too open directory to 0700', async function () {
    if (!posix) this.skip();
    const directory = await home();
    await fs.mkdir(join(directory, 'auth'), { mode: 0o755 });
    await fs.chmod(join(directory, 'auth'), 0o755);
    await new FileAuthStore(directory).set('k', 'v');
    assert.equal((await fs.stat(join(directory, 'auth'))).mode & 0o777, 0o700);
  });

  it('holds a real sign-in: a second session on the same directory is signed in', async () => {
    const fixture = await startOAuthFixture();
    cleanup.add(() => fixture.close());
    const directory = await home();
    await newSession(fixture.mcpUrl, { authStore: new FileAuthStore(directory) }).session.signIn(browser());
    const { session } = newSession(fixture.mcpUrl, { authStore: new FileAuthStore(directory) });
    assert.equal((await session.status())?.issuer, fixture.issuer);
    assert.match((await session.authorization()) ?? '', /^Bearer at-/);
  });

  it('defaultAuthHome: MCP_CONNECTIONS_HOME, else XDG_CONFIG_HOME/mcp-connections, else ~/.config/mcp-connections', () => {
    assert.equal(defaultAuthHome({ MCP_CONNECTIONS_HOME: '/h', XDG_CONFIG_HOME: '/x', HOME: '/u' }), '/h');
    assert.equal(defaultAuthHome({ XDG_CONFIG_HOME: '/x', HOME: '/u' }), join('/x', 'mcp-connections'));
    assert.equal(defaultAuthHome({ HOME: '/u' }), join('/u', '.config', 'mcp-connections'));
  });
});
