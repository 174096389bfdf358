import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '../support/wait';
import { assertSentenceNamingFix, rejectionOf } from '../support/assertions';
import { useCleanup } from '../support/cleanup';
import { FAULT_SETTINGS, TEST_SETTINGS, entry, faultClient, startPlainServer } from '../support/connections';
import { selfSignedCertificate } from '../support/faultServers';
import { startServer } from '../support/harness';
import { REPO_ROOT } from '../support/published';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';

const TOKEN = 'Bearer 5ecret-canary-token-7d1e';
const API_KEY = 'canary-api-key-40c2';

describe('faults: redirects and certificates', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  it('a redirect to another origin: not followed, configured headers never reach it, the connect fails with a sentence naming the fix', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const other = await startServer(cleanup, { name: 'other-origin' });
    const redirecting = await startPlainServer(cleanup, (_req, res) => res.writeHead(307, { location: other.url }).end());
    const client = faultClient(cleanup, 'redirected', redirecting.url, { headers: { Authorization: TOKEN, 'X-Api-Key': API_KEY } });
    const started = Date.now();
    const error = await rejectionOf(client.connection.connect());
    const detected = Date.now() - started;

    const sentence = `The server redirected (HTTP 307) to ${other.url}, another origin, which is not followed so that headers stay with 127.0.0.1:${redirecting.port} — if you trust it, set "url" to ${other.url}.`;
    assert.equal(error.message, sentence);
    assert.deepEqual(client.connection.state, { kind: 'error', reason: sentence });
    assertSentenceNamingFix(sentence, /set "url" to/);
    assert.equal(other.requests.length, 0, 'the other origin was never contacted');
    assert.equal(redirecting.requests[0]?.headers.authorization, TOKEN, 'the configured origin got its headers');
    for (const line of [sentence, ...client.logger.lines]) assert.ok(!line.includes('5ecret') && !line.includes(API_KEY), `no secret shown: ${line}`);
    const requests = client.counter.calls.length;

    // The fault ends the way the sentence says: the user trusts the new address and sets "url" to it.
    const fixed = Date.now();
    await client.connection.update(entry('redirected', { url: other.url, headers: { Authorization: TOKEN, 'X-Api-Key': API_KEY } }), FAULT_SETTINGS);
    await client.connection.connect();
    assert.equal(client.connection.state.kind, 'connected');
    assert.equal(other.requests[0]?.headers.authorization, TOKEN);
    await assertNoUnhandledRejections(rejectionsBefore);
    record({ fault: 'redirect to another origin (307)', outcome: 'not followed; no header sent there; error names "url"; ok after', detectedMs: detected, recoveredMs: Date.now() - fixed, requests });
  });

  it('HTTPS with a self-signed certificate: a clear error, no request over plain http; trusting the certificate (NODE_EXTRA_CA_CERTS) fixes it', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const certificate = selfSignedCertificate();
    cleanup.add(() => certificate.dispose());
    const server = await startServer(cleanup, { name: 'self-signed', tls: { key: certificate.key, cert: certificate.cert } });
    assert.match(server.url, /^https:\/\//);
    const client = faultClient(cleanup, 'self-signed', server.url, { settings: TEST_SETTINGS });
    const started = Date.now();
    const error = await rejectionOf(client.connection.connect());
    const detected = Date.now() - started;

    const sentence = `The server's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT) — use a certificate from a trusted authority, or add its CA with NODE_EXTRA_CA_CERTS.`;
    assert.equal(error.message, sentence);
    assert.deepEqual(client.connection.state, { kind: 'error', reason: sentence });
    assertSentenceNamingFix(sentence, /NODE_EXTRA_CA_CERTS/);
    // No silent downgrade: every request went to the https URL, none reached the server as HTTP,
    // and the server saw only refused TLS handshakes (a plain-http request would show as HTTP_REQUEST).
    assert.ok(client.counter.calls.every((call) => call.url.startsWith('https://')), JSON.stringify(client.counter.calls));
    assert.equal(server.requests.length, 0, 'no HTTP request was served');
    await waitFor(() => server.tlsClientErrors.length > 0, 'the server to see the refused handshake');
    assert.ok(!server.tlsClientErrors.some((code) => /HTTP_REQUEST/.test(code)), server.tlsClientErrors.join(', '));
    const requests = client.counter.calls.length;

    // The fault ends as the sentence says: the command line, started with the certificate trusted, connects.
    const fixed = Date.now();
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [resolve(REPO_ROOT, 'out/src/cli/main.js'), 'probe', server.url, '--json', '--timeout', '10'],
        { cwd: REPO_ROOT, env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: certificate.certPath }, timeout: 25_000, killSignal: 'SIGKILL' },
        (failure, stdout, stderr) => done({ code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0, stdout, stderr }),
      );
    });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal((JSON.parse(run.stdout) as { ok: boolean }).ok, true);
    assert.ok(server.requests.length > 0);
    await assertNoUnhandledRejections(rejectionsBefore);
    record({ fault: 'HTTPS, self-signed certificate', outcome: 'error names NODE_EXTRA_CA_CERTS; no http request; ok with it set', detectedMs: detected, recoveredMs: Date.now() - fixed, requests });
  });
});
