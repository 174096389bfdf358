import { spawn } from 'node:child_process';

/** How long a sign-in waits for the browser to come back (the issue's 5 minutes; also what the message says). */
export const SIGN_IN_WAIT_MS = 5 * 60_000;

/** Opens an authorization URL for the user, or tells them to. */
export type BrowserOpener = (url: URL) => Promise<void>;

/**
 * The program that opens a URL: `$BROWSER` when set (one executable path, not a command line), else the platform's
 * opener. Windows gets `rundll32 url.dll,FileProtocolHandler` rather than `start`, because `start` is a cmd.exe
 * built-in and cmd would expand `%…%` and act on `&` in the URL.
 */
export function openerCommand(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { file: string; args: string[] } {
  if (env.BROWSER) return { file: env.BROWSER, args: [] };
  if (platform === 'darwin') return { file: 'open', args: [] };
  if (platform === 'win32') return { file: 'rundll32.exe', args: ['url.dll,FileProtocolHandler'] };
  return { file: 'xdg-open', args: [] };
}

/**
 * Runs the opener with the URL as its last argument, no shell in between. Resolves when it exits 0 (a browser that
 * stays in the foreground never does, which is fine: the sign-in ends at the callback, and the child does not keep
 * this process alive); rejects when it cannot be started or exits with another status.
 */
export function systemBrowser(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BrowserOpener {
  const { file, args } = openerCommand(env, platform);
  return (url) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(file, [...args, url.href], { stdio: 'ignore', shell: false, windowsHide: true });
      child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`${file} could not be started${error.code ? ` (${error.code})` : ''}`)));
      child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${signal ?? `status ${code}`}`))));
      child.unref();
    });
}

/** --no-browser: the URL on stderr, one line, for the user to open wherever they like. */
export function printedBrowser(write: (line: string) => void, server: string): BrowserOpener {
  return async (url) => {
    write(`To sign in to ${server}, open this URL in a browser (waiting up to ${SIGN_IN_WAIT_MS / 60_000} minutes): ${url.href}`);
  };
}
