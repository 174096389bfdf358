import assert from 'node:assert/strict';
import { referencesSecret, resolveHeaderValues } from '../../../src/config/headerValues';

const noSecrets = async () => undefined;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected the headers not to resolve');
}

describe('config: resolveHeaderValues', () => {
  it('plain values pass through untouched, and no secret is read', async () => {
    const looked: string[] = [];
    const headers = await resolveHeaderValues({ 'X-Team': 'docs', Accept: 'text/plain' }, async (name) => void looked.push(name), {});
    assert.deepEqual(headers, { 'X-Team': 'docs', Accept: 'text/plain' });
    assert.deepEqual(looked, []);
  });

  it('${env:X} is replaced by the environment variable', async () => {
    const headers = await resolveHeaderValues({ Authorization: 'Bearer ${env:DOCS_TOKEN}' }, noSecrets, { DOCS_TOKEN: 'tok-123' });
    assert.deepEqual(headers, { Authorization: 'Bearer tok-123' });
  });

  it('${secret:X} is replaced by the stored secret, read by name', async () => {
    const looked: string[] = [];
    const headers = await resolveHeaderValues(
      { Authorization: 'Bearer ${secret:docs-token}' },
      async (name) => {
        looked.push(name);
        return name === 'docs-token' ? 's3cr3t' : undefined;
      },
      {},
    );
    assert.deepEqual(headers, { Authorization: 'Bearer s3cr3t' });
    assert.deepEqual(looked, ['docs-token']);
  });

  it('several references in one value, and in several headers', async () => {
    const headers = await resolveHeaderValues(
      { 'X-Pair': '${env:USER_ID}:${secret:pw}', 'X-Again': '${env:USER_ID}-${env:USER_ID}' },
      async (name) => (name === 'pw' ? 'hunter2' : undefined),
      { USER_ID: 'u1' },
    );
    assert.deepEqual(headers, { 'X-Pair': 'u1:hunter2', 'X-Again': 'u1-u1' });
  });

  it('values containing "$" patterns are inserted literally', async () => {
    const password = "pa$&w$'rd$`$$1";
    const headers = await resolveHeaderValues({ Authorization: 'Basic ${secret:pw}', 'X-Env': 'v=${env:WEIRD}' }, async () => password, { WEIRD: '$&$&' });
    assert.deepEqual(headers, { Authorization: `Basic ${password}`, 'X-Env': 'v=$&$&' });
  });

  it('a resolved value that looks like a reference is not resolved again', async () => {
    const headers = await resolveHeaderValues({ 'X-A': '${secret:a} ${env:B}' }, async () => '${env:B}', { B: 'bee' });
    assert.deepEqual(headers, { 'X-A': '${env:B} bee' });
  });

  it('text that is not a reference (${foo}, $env:X) is left as it is', async () => {
    const headers = await resolveHeaderValues({ 'X-A': '${foo} $env:X ${other:Y}' }, noSecrets, { X: 'no' });
    assert.deepEqual(headers, { 'X-A': '${foo} $env:X ${other:Y}' });
  });

  it('a missing environment variable: an error naming the header and the reference', async () => {
    const error = await failure(resolveHeaderValues({ Authorization: 'Bearer ${env:DOCS_TOKEN}' }, noSecrets, {}));
    assert.equal(error.message, 'Header "Authorization" uses ${env:DOCS_TOKEN}, but the environment variable DOCS_TOKEN is not set.');
  });

  it('a missing secret: an error naming the reference and how to store it', async () => {
    const error = await failure(resolveHeaderValues({ 'X-Api-Key': '${secret:docs}' }, noSecrets, {}));
    assert.equal(error.message, 'Header "X-Api-Key" uses ${secret:docs}, but no secret named "docs" is stored — run "MCP Connections: Set Secret…".');
  });

  it('the error for a missing reference never contains a value that did resolve', async () => {
    const error = await failure(
      resolveHeaderValues(
        { Authorization: 'Bearer ${secret:present}', 'X-Combined': '${env:PRESENT_ENV}/${env:MISSING}', 'X-Next': '${secret:absent}' },
        async (name) => (name === 'present' ? 'canary-secret-value' : undefined),
        { PRESENT_ENV: 'canary-env-value' },
      ),
    );
    assert.match(error.message, /\$\{env:MISSING\}/);
    assert.ok(!error.message.includes('canary'), error.message);
  });
});

describe('config: referencesSecret', () => {
  it('finds ${secret:NAME} in any header value, and only that name', () => {
    const headers = { Authorization: 'Bearer ${secret:gh}', 'X-Env': '${env:gh}', 'X-Other': 'pre-${secret:ghx}-post' };
    assert.equal(referencesSecret(headers, 'gh'), true);
    assert.equal(referencesSecret(headers, 'ghx'), true);
    assert.equal(referencesSecret(headers, 'g'), false, 'not a prefix match');
    assert.equal(referencesSecret({ A: '${env:token}' }, 'token'), false, 'an env reference is not a secret reference');
    assert.equal(referencesSecret({}, 'gh'), false);
  });
});
