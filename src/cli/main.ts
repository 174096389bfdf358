import { terminalJson, terminalSafe } from '../common/text';
import { USAGE, UsageError, parseCommandLine } from './args';
import { formatReport } from './format';
import { runLogout } from './logout';
import { CLI_VERSION, runCommand } from './run';

/** Exit codes: 0 done, 1 failed (a tool result with isError too), 2 usage error. */
async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mcp-connections: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'version') {
    process.stdout.write(`mcp-connections ${CLI_VERSION}\n`);
    return 0;
  }
  if (command.command === 'logout') {
    const outcome = await runLogout(command);
    // The issuer in the message is what the server's metadata named: untrusted text for the terminal.
    (outcome.ok ? process.stdout : process.stderr).write(`${terminalSafe(outcome.message)}\n`);
    return outcome.ok ? 0 : 1;
  }
  const { report, hint } = await runCommand(command, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(command.json ? `${terminalJson(report)}\n` : `${formatReport(report, command.command, hint)}\n`);
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`mcp-connections: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
