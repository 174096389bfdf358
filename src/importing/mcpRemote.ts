/**
 * `mcp-remote` (npm) is a stdio-to-HTTP bridge: clients that only run local servers reach a remote one
 * with `npx -y mcp-remote <url> [callback-port] [--header "Name: value"]… [--transport …]`. This reads
 * such a command line the way mcp-remote 0.1.x does (geelen/mcp-remote: src/lib/utils.ts,
 * parseCommandLineArgs), so the importer can connect to the URL directly.
 */
export interface McpRemoteArgs {
  /** The first positional argument (mcp-remote's server URL), as written. */
  url?: string;
  /** `--header` arguments, in order; mcp-remote expands `${VAR}` in their values from its environment. */
  headers: Array<[name: string, value: string]>;
  /** From `--transport`: undefined means "Streamable HTTP, then legacy SSE" (MCP Connections' auto). */
  transport?: 'streamable-http' | 'sse';
  /** Options MCP Connections does not use, each with what happens to it. Never quotes a value. */
  ignored: string[];
}

const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'pnpm', 'yarn', 'bun', 'npm', 'node']);
const RUNNER_WORDS = new Set(['dlx', 'exec', 'x', '--']);
const PACKAGE = /^mcp-remote(@[\w.^~<>=*|-]+)?$/i;
const SCRIPT = /(^|[\\/])mcp-remote[\\/]dist[\\/]proxy\.js$/i;
/** mcp-remote's own header syntax. */
const HEADER_ARG = /^([A-Za-z0-9_-]+):\s*(.*)$/s;

const VALUED = new Map<string, string>([
  ['--host', 'the host of mcp-remote\'s OAuth callback; not needed'],
  ['--resource', 'an OAuth resource to authorize; MCP Connections does not sign in with OAuth yet'],
  ['--static-oauth-client-info', 'OAuth client details; MCP Connections does not sign in with OAuth yet'],
  ['--static-oauth-client-metadata', 'OAuth client metadata; MCP Connections does not sign in with OAuth yet'],
  ['--auth-timeout', 'the OAuth callback timeout; not needed'],
  ['--ignore-tool', 'hides tools from the client; not imported (every tool is listed)'],
]);
const BOOLEAN = new Map<string, string | undefined>([
  ['--allow-http', undefined], // MCP Connections connects to http:// URLs anyway.
  ['--debug', 'mcp-remote\'s debug log; ignored (use the MCP Connections log at Trace level)'],
  ['--silent', 'quiets mcp-remote\'s log; ignored'],
  ['--enable-proxy', 'mcp-remote uses HTTP_PROXY/HTTPS_PROXY; ignored (VS Code\'s proxy settings apply)'],
]);

/** The mcp-remote arguments of a stdio entry's command line, or undefined when it does not run mcp-remote. */
export function mcpRemoteArgs(command: string, args: readonly string[]): McpRemoteArgs | undefined {
  const program = command.trim().split(/[\\/]/).pop()!.toLowerCase().replace(/\.(cmd|exe|bat|ps1)$/, '');
  let rest: readonly string[];
  if (program === 'mcp-remote') {
    rest = args;
  } else if (RUNNERS.has(program)) {
    const at = args.findIndex((arg) => PACKAGE.test(arg) || SCRIPT.test(arg));
    if (at === -1 || !args.slice(0, at).every((arg) => arg.startsWith('-') || RUNNER_WORDS.has(arg))) return undefined;
    rest = args.slice(at + 1);
  } else {
    return undefined;
  }

  const result: McpRemoteArgs = { headers: [], ignored: [] };
  const positional: string[] = [];
  let badHeaders = 0;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--header') {
      const match = HEADER_ARG.exec(rest[i + 1] ?? '');
      if (match) result.headers.push([match[1], match[2]]);
      else badHeaders++;
      i++;
    } else if (arg === '--transport') {
      const strategy = rest[++i];
      if (strategy === 'http-only') result.transport = 'streamable-http';
      else if (strategy === 'sse-only') result.transport = 'sse';
      else if (strategy === 'sse-first') result.ignored.push('--transport sse-first: MCP Connections tries Streamable HTTP first, then legacy SSE');
      else if (strategy !== 'http-first') result.ignored.push('--transport: not one of http-first, http-only, sse-first, sse-only; MCP Connections picks the transport itself');
    } else if (VALUED.has(arg)) {
      result.ignored.push(`${arg}: ${VALUED.get(arg)}`);
      i++;
    } else if (arg.startsWith('-')) {
      const flag = arg.split('=')[0].slice(0, 40);
      const what = BOOLEAN.has(flag) ? BOOLEAN.get(flag) : 'not an mcp-remote option MCP Connections knows; ignored';
      if (what) result.ignored.push(`${flag}: ${what}`);
    } else {
      positional.push(arg);
    }
  }
  result.url = positional[0];
  if (positional.length > 1) result.ignored.push('callback port: mcp-remote\'s port for OAuth sign-in; not needed');
  if (badHeaders) result.ignored.push(`${badHeaders === 1 ? 'a --header argument' : `${badHeaders} --header arguments`} not written as "Name: value"; ignored`);
  return result;
}
