import * as vscode from 'vscode';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { escapeControls } from '../common/text';
import type { Elicitor } from '../connections/serverRequests';
import { askWithForm } from '../form/formPanel';
import { checkArguments } from '../form/validate';
import type { Notifier } from '../views/notifications';

type FormParams = Extract<ElicitRequest['params'], { requestedSchema: unknown }>;
type UrlParams = Extract<ElicitRequest['params'], { url: string }>;
type Property = { type?: string; title?: string; description?: string; enum?: unknown[]; enumNames?: string[]; oneOf?: { const: unknown; title?: string }[]; format?: string; default?: unknown };

/** The open question, so the integration tests can answer it the way a user would (see testApi). */
export interface OpenQuestion {
  server: string;
  message: string;
  input: vscode.InputBox | vscode.QuickPick<vscode.QuickPickItem>;
}

/**
 * Asks the user what a server requests. Form mode: one simple field is a quick input (with a
 * Decline button; Escape cancels), more become a form in a webview; the answer is checked against
 * the requested schema before it goes back. URL mode: the page opens only after the user agrees.
 */
export function createElicitor(deps: { extensionUri: vscode.Uri; notify: Notifier; onQuestion?: (question: OpenQuestion | undefined) => void }): Elicitor {
  return async ({ server, params }, signal) => {
    if ('url' in params && typeof params.url === 'string') return askToOpen(server, params as UrlParams, deps.notify);
    const form = params as FormParams;
    const schema = form.requestedSchema;
    const properties = Object.entries((schema.properties ?? {}) as Record<string, Property>);
    const message = escapeControls(form.message ?? '');
    const title = `${server} asks`;
    if (properties.length === 1 && isSimple(properties[0][1])) {
      const [name, property] = properties[0];
      return askOneField({ server, title, message, name, property, required: (schema.required ?? []).includes(name), schema, signal, onQuestion: deps.onQuestion });
    }
    const outcome = await askWithForm(deps.extensionUri, { title, subtitle: `The MCP server "${server}" asks for this information.`, message, schema, signal });
    if (outcome.action !== 'accept') return outcome;
    // The form checks the answer too; this guards what goes back to the server whatever the webview did.
    const checked = checkArguments(schema, outcome.content);
    return checked.valid ? (outcome as ElicitResult) : { action: 'cancel' };
  };
}

function isSimple(property: Property): boolean {
  return ['string', 'number', 'integer', 'boolean'].includes(property.type ?? '');
}

async function askToOpen(server: string, params: UrlParams, notify: Notifier): Promise<ElicitResult> {
  let url: URL;
  try {
    url = new URL(params.url);
  } catch {
    return { action: 'decline' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { action: 'decline' };
  const choice = await notify.ask(
    `The MCP server "${server}" asks you to open a page at ${url.host}: ${params.message ?? ''}`,
    `Opens ${url.origin}${url.pathname.length > 1 ? url.pathname : ''} in your browser.`,
    'Open',
    'Decline',
  );
  if (choice === 'Open') {
    await vscode.env.openExternal(vscode.Uri.parse(url.toString(), true));
    return { action: 'accept' };
  }
  return { action: choice === 'Decline' ? 'decline' : 'cancel' };
}


interface OneField {
  server: string;
  title: string;
  message: string;
  name: string;
  property: Property;
  required: boolean;
  schema: FormParams['requestedSchema'];
  signal: AbortSignal;
  onQuestion?: (question: OpenQuestion | undefined) => void;
}

/** One field as a quick input: an InputBox for text and numbers, a QuickPick for choices and yes/no. */
function askOneField(field: OneField): Promise<ElicitResult> {
  const { property, name } = field;
  const label = escapeControls(property.title ?? name);
  const choices = choicesOf(property);
  return new Promise<ElicitResult>((resolve) => {
    const input = choices ? vscode.window.createQuickPick<vscode.QuickPickItem & { value: unknown }>() : vscode.window.createInputBox();
    let settled = false;
    const finish = (result: ElicitResult) => {
      if (settled) return;
      settled = true;
      field.onQuestion?.(undefined);
      input.dispose();
      resolve(result);
    };
    input.title = `${field.title}: ${label}`;
    input.ignoreFocusOut = true;
    input.buttons = [{ iconPath: new vscode.ThemeIcon('close'), tooltip: 'Decline' }];
    input.onDidTriggerButton(() => finish({ action: 'decline' }));
    input.onDidHide(() => finish({ action: 'cancel' }));
    field.signal.addEventListener('abort', () => finish({ action: 'cancel' }), { once: true });

    const check = (value: unknown): string | undefined => {
      const content = value === undefined ? {} : { [name]: value };
      const result = checkArguments(field.schema, content);
      return result.valid ? undefined : (result.problems[0]?.message ?? 'Not a valid answer.');
    };
    if (choices) {
      const pick = input as vscode.QuickPick<vscode.QuickPickItem & { value: unknown }>;
      pick.placeholder = field.message || `Choose ${label}`;
      pick.items = choices;
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen) finish({ action: 'accept', content: { [name]: chosen.value as string | number | boolean } });
      });
    } else {
      const box = input as vscode.InputBox;
      box.prompt = [field.message, property.description && escapeControls(property.description)].filter(Boolean).join(' — ');
      box.value = property.default === undefined ? '' : String(property.default);
      box.onDidChangeValue((text) => (box.validationMessage = text === '' && !field.required ? undefined : check(parse(text, property))));
      box.onDidAccept(() => {
        const value = box.value === '' && !field.required ? undefined : parse(box.value, property);
        const problem = check(value);
        if (problem) {
          box.validationMessage = problem;
          return;
        }
        finish({ action: 'accept', content: value === undefined ? {} : { [name]: value as string | number } });
      });
    }
    field.onQuestion?.({ server: field.server, message: field.message, input });
    input.show();
  });
}

function choicesOf(property: Property): (vscode.QuickPickItem & { value: unknown })[] | undefined {
  if (property.type === 'boolean') return [{ label: 'Yes', value: true }, { label: 'No', value: false }];
  if (Array.isArray(property.oneOf)) return property.oneOf.map((o) => ({ label: escapeControls(o.title ?? String(o.const)), value: o.const }));
  if (Array.isArray(property.enum)) return property.enum.map((value, i) => ({ label: escapeControls(property.enumNames?.[i] ?? String(value)), value }));
  return undefined;
}

function parse(text: string, property: Property): unknown {
  if (property.type === 'number' || property.type === 'integer') return text.trim() === '' ? text : Number(text);
  return text;
}
