import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { terminalSafe } from '../common/text';
import type { CommandName } from './args';
import { formatCatalog } from './formatLists';
import { formatPromptMessages, formatResourceContents, formatToolResult } from './formatResult';
import type { AuthReport, CliReport } from './report';

const MODE_TEXT = { streaming: 'streaming (GET stream open)', 'post-only': 'POST-only', 'legacy-sse': 'legacy HTTP+SSE' } as const;

const safe = (text: string) => terminalSafe(text);

/**
 * The human-readable report: what a person running the command wants to know first. Everything the
 * server sent goes through `terminalSafe` (nothing of it may drive the terminal); a tool result's
 * text keeps its newlines and tabs. `hint` is a line of ours that the --json report has no place for.
 */
export function formatReport(report: CliReport, command: CommandName, hint?: string): string {
  if (!report.ok && report.mode === null) return `✗ Could not connect to ${report.url}\n  ${safe(report.error ?? '')}`;
  const lines = command === 'probe' || command === 'call' ? connectionSummary(report) : [connectedLine(report)];
  const failure = report.ok ? [] : [`✗ ${safe(report.error ?? '')}`, ...(hint ? [`  ${safe(hint)}`] : [])];
  switch (command) {
    case 'probe':
      lines.push(...failure);
      break;
    case 'call':
      lines.push('', ...(report.ok ? ['Result:'] : failure));
      if (report.result !== undefined) lines.push(formatToolResult(report.result as CallToolResult, report.saved));
      break;
    case 'read':
    case 'prompt':
      lines.push('', ...failure);
      if (report.result !== undefined) {
        lines.push(command === 'read' ? formatResourceContents(report.result as ReadResourceResult, report.saved) : formatPromptMessages(report.result as GetPromptResult));
      }
      break;
    default:
      // A list that failed says so in its own section; report.error repeats that sentence.
      lines.push('', ...(report.catalog ? [formatCatalog(report.catalog)] : failure));
  }
  return lines.join('\n');
}

function serverName(report: CliReport): string {
  return report.server.name ? safe(`${report.server.name}${report.server.version ? ` ${report.server.version}` : ''}`) : 'the server';
}

function connectedLine(report: CliReport): string {
  return `✓ Connected to ${serverName(report)} at ${report.url}`;
}

/** What probe reports, and call before its result. */
function connectionSummary(report: CliReport): string[] {
  const lines = [connectedLine(report)];
  let mode: string = report.mode ? MODE_TEXT[report.mode] : 'unknown';
  if (report.getFallback) mode += ` — GET answered ${report.getFallback.status} ${safe(report.getFallback.statusText)}, so the server has no stream; POST works`;
  lines.push(`  mode:      ${mode}`);
  lines.push(`  protocol:  ${safe(report.protocolVersion ?? 'unknown')}${report.session ? ' (with session)' : ' (no session)'}`);
  const names = report.toolNames.slice(0, 10).map(safe).join(', ');
  lines.push(`  tools:     ${report.tools}${report.toolNames.length ? ` (${names}${report.toolNames.length > 10 ? ', …' : ''})` : ''}`);
  lines.push(`  auth:      ${describeAuth(report.auth)}`);
  if (report.sessionReinitialised) lines.push(`  session re-initialised: ${report.sessionReinitialised}×`);
  lines.push(`  time:      connect ${report.timingsMs.connect} ms${report.timingsMs.call !== undefined ? `, call ${report.timingsMs.call} ms` : ''}, total ${report.timingsMs.total} ms`);
  return lines;
}

function describeAuth(auth: AuthReport): string {
  switch (auth.kind) {
    case 'none':
      return 'none';
    case 'header':
      return 'the Authorization header given with --header';
    case 'oauth': {
      const facts = [auth.scopes?.length ? `scopes ${auth.scopes.join(' ')}` : 'no scopes', auth.expiresAt ? `token expires ${auth.expiresAt}` : undefined];
      return `OAuth, signed in with ${safe(auth.issuer ?? 'the authorization server')} (${safe(facts.filter(Boolean).join(', '))})`;
    }
  }
}
