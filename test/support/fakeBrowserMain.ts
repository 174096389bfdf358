/**
 * The program a test sets `$BROWSER` to (through the wrapper `installFakeBrowser` writes): the CLI runs it with the
 * authorization URL as its only argument, as it would run a real browser. It records that it ran, then follows the URL
 * with the headless browser into the CLI's loopback callback. FAKE_BROWSER_STATE=forged plays an attacker's answer.
 */
import { appendFileSync } from 'node:fs';
import { headlessBrowser } from './headlessBrowser';

async function main(): Promise<void> {
  const [url, ...extra] = process.argv.slice(2);
  appendFileSync(process.env.FAKE_BROWSER_LOG!, `${JSON.stringify({ url, extra })}\n`);
  const forged = process.env.FAKE_BROWSER_STATE === 'forged';
  await headlessBrowser({
    rewriteCallback: forged
      ? (callback) => {
          const rewritten = new URL(callback);
          rewritten.searchParams.set('state', 'forged-state-of-another-sign-in');
          return rewritten;
        }
      : undefined,
  })(new URL(url));
}

main().catch((error: unknown) => {
  process.stderr.write(`fake browser: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 3;
});
