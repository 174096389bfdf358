// A small extension for test/form/panel.ui.mjs: opens FormPanel and askWithForm from commands, the way the
// Call Tool command and the elicitation handler will, and writes what comes back (arguments, outcomes)
// as JSON lines to $MCP_FORM_TEST_LOG for the test to read. Bundled by the test into a temporary
// extension folder next to a copy of dist/; not part of the product.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { askWithForm, FormPanel } from '../../src/form/formPanel';
import { LastArguments } from '../../src/form/lastArguments';

const SERVER = 'weather-server';
const TOOL = 'get_forecast';
export const TOOL_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string', title: 'City', description: 'Where to look. <img src=x onerror="window.__xss=1">', minLength: 2 },
    units: { type: 'string', enum: ['metric', 'imperial'], default: 'metric' },
    days: { type: 'integer', minimum: 1, maximum: 14, default: 3 },
    alerts: { type: 'boolean', default: true },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['city'],
};
const ELICIT_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Your name', minLength: 1 },
    color: { type: 'string', title: 'Colour', oneOf: [{ const: '#f00', title: 'Red' }, { const: '#00f', title: 'Blue' }], default: '#f00' },
    toppings: { type: 'array', title: 'Toppings', items: { type: 'string', enum: ['cheese', 'ham'] } },
  },
  required: ['name'],
};

function log(event: Record<string, unknown>): void {
  const file = process.env.MCP_FORM_TEST_LOG;
  if (file) fs.appendFileSync(file, `${JSON.stringify(event)}\n`);
}

export function activate(context: vscode.ExtensionContext): void {
  const last = new LastArguments(context.globalState);
  let opened: FormPanel | undefined;
  let abort: AbortController | undefined;
  const key = `${SERVER}/${TOOL}`;
  context.subscriptions.push(
    vscode.commands.registerCommand('formTest.openTool', () => {
      const before = FormPanel.get(key);
      const panel = FormPanel.open(context.extensionUri, {
        key,
        title: TOOL,
        subtitle: SERVER,
        description: 'Gets the forecast for a city.',
        schema: TOOL_SCHEMA,
        values: last.get(SERVER, TOOL),
        mode: 'tool',
        onSubmit: async (args) => {
          log({ event: 'submit', args });
          await new Promise((resolve) => setTimeout(resolve, 1000)); // a call takes a while: long enough for the test to see "Calling…"
          if (args.city === 'Nowhere') return { ok: false, message: `${SERVER}: no city called Nowhere.` };
          await last.remember(SERVER, TOOL, TOOL_SCHEMA, args);
          return { ok: true };
        },
      });
      log({ event: 'open', revealedExisting: before !== undefined && before === panel, sameAsLast: panel === opened });
      if (panel !== opened) panel.onDidDispose(() => log({ event: 'closed', key }));
      opened = panel;
    }),
    vscode.commands.registerCommand('formTest.ask', async () => {
      abort = new AbortController();
      const outcome = await askWithForm(context.extensionUri, {
        title: `${SERVER} asks`,
        subtitle: 'Elicitation',
        message: 'Which pizza would you like?',
        schema: ELICIT_SCHEMA,
        signal: abort.signal,
      });
      log({ event: 'elicitation', outcome });
    }),
    vscode.commands.registerCommand('formTest.abort', () => abort?.abort()),
  );
  log({ event: 'activated' });
}

export function deactivate(): void {
  FormPanel.disposeAll();
}
