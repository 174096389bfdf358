import { terminalSafe } from '../common/text';
import type { ProbeReport } from './run';

const MODE_TEXT = { streaming: 'streaming (GET stream open)', 'post-only': 'POST-only', 'legacy-sse': 'legacy HTTP+SSE' } as const;

/**
 * The human-readable report: what a person running the probe wants to know first. Everything the
 * server sent goes through `terminalSafe` (nothing of it may drive the terminal); a tool result's
 * text keeps its newlines and tabs.
 */
export function formatReport(report: ProbeReport, command: 'probe' | 'call'): string {
  const safe = (text: string) => terminalSafe(text);
  if (!report.ok && report.mode === null) return `✗ Could not connect to ${report.url}\n  ${safe(report.error ?? '')}`;
  const lines: string[] = [];
  const who = report.server.name ? safe(`${report.server.name}${report.server.version ? ` ${report.server.version}` : ''}`) : 'the server';
  lines.push(`✓ Connected to ${who} at ${report.url}`);
  let mode: string = report.mode ? MODE_TEXT[report.mode] : 'unknown';
  if (report.getFallback) mode += ` — GET answered ${report.getFallback.status} ${safe(report.getFallback.statusText)}, so the server has no stream; POST works`;
  lines.push(`  mode:      ${mode}`);
  lines.push(`  protocol:  ${safe(report.protocolVersion ?? 'unknown')}${report.session ? ' (with session)' : ' (no session)'}`);
  const names = report.toolNames.slice(0, 10).map(safe).join(', ');
  lines.push(`  tools:     ${report.tools}${report.toolNames.length ? ` (${names}${report.toolNames.length > 10 ? ', …' : ''})` : ''}`);
  if (report.sessionReinitialised) lines.push(`  session re-initialised: ${report.sessionReinitialised}×`);
  lines.push(`  time:      connect ${report.timingsMs.connect} ms${report.timingsMs.call !== undefined ? `, call ${report.timingsMs.call} ms` : ''}, total ${report.timingsMs.total} ms`);
  if (command === 'call') {
    lines.push('');
    lines.push(report.ok ? 'Result:' : `✗ ${safe(report.error ?? '')}`);
    lines.push(formatResult(report.result));
  }
  if (!report.ok && command === 'probe') lines.push(`✗ ${safe(report.error ?? '')}`);
  return lines.join('\n');
}

function formatResult(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] } | undefined)?.content;
  if (!content) return terminalSafe(JSON.stringify(result, null, 2), true);
  return content.map((part) => (part.type === 'text' ? terminalSafe(part.text ?? '', true) : `[${terminalSafe(part.type)}]`)).join('\n');
}
