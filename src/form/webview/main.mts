// The form webview: renders a tool's (or an elicitation's) schema as a form, checks the values against the
// schema, and posts them to the host. Bundled by esbuild into dist/form.js (browser, iife).
//
// The page has a strict Content-Security-Policy (see ../formHtml.ts): this script runs by nonce, nothing
// evaluates strings, and everything the server wrote is shown as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox-group/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './form.css';
import { html, render } from 'lit';
import { isHostToWebview, type InitMessage, type WebviewToHost } from '../protocol.js';
import { argumentsToValues, formFor, initialValues, isRecord, isUnsupported, leaves, valuesToArguments, type FieldValue, type FormValues } from '../schemaForm.js';
import { checkArguments, problemsByField } from '../validate.js';
import { appView, type Actions, type ViewState } from './view.mjs';
import type { VsCodeApi } from './vscodeApi.mjs';

/** What survives the page being reloaded when the panel is hidden and shown again. */
interface Saved {
  v: 1;
  init: InitMessage;
  values: FormValues;
  view: 'form' | 'json';
  jsonText: string;
}

const vscode: VsCodeApi<Saved> = acquireVsCodeApi<Saved>();
const root = document.getElementById('app') ?? document.body;
root.replaceChildren(); // the document's "Loading…" placeholder; lit renders next to what it finds
let state: ViewState | undefined;

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function save(): void {
  if (!state) return;
  vscode.setState({ v: 1, init: state.init, values: state.values, view: state.view, jsonText: state.jsonText });
}

function update(): void {
  if (state) render(appView(state, actions), root);
}

/** The state for an init message; `previous` (restored or current) keeps the user's values when the schema is the same. */
function stateFor(init: InitMessage, previous?: Pick<Saved, 'init' | 'values' | 'view' | 'jsonText'> | ViewState): ViewState {
  const form = formFor(init.schema);
  const model = isUnsupported(form) ? undefined : form;
  const unsupported = isUnsupported(form) ? form.unsupported : undefined;
  const domIds = new Map<string, string>();
  const assign = (fields: NonNullable<typeof model>['fields']) => {
    for (const f of fields) {
      domIds.set(f.id, `f${domIds.size}`);
      if (f.kind === 'object') assign(f.fields);
    }
  };
  if (model) assign(model.fields);
  const same = previous !== undefined && previous.init.mode === init.mode && JSON.stringify(previous.init.schema) === JSON.stringify(init.schema);
  const base = {
    init,
    domIds,
    jsonProblems: [],
    fieldErrors: {},
    general: [],
    status: { state: 'idle' as const, message: '' },
    busy: false,
    ...(model ? { model } : {}),
    ...(unsupported ? { unsupported } : {}),
  };
  if (same) {
    const kept = { ...base, values: previous.values, view: unsupported ? ('json' as const) : previous.view, jsonText: previous.jsonText };
    return 'status' in previous ? { ...kept, status: previous.status, busy: previous.busy } : kept;
  }
  return {
    ...base,
    values: model ? initialValues(model, init.values) : {},
    view: unsupported ? 'json' : 'form',
    jsonText: unsupported ? JSON.stringify(init.values ?? skeleton(init.schema), null, 2) : '',
  };
}

/** For a schema the form cannot show: the top-level defaults, as a start. */
function skeleton(schema: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
  for (const [key, property] of Object.entries(properties)) {
    if (isRecord(property) && property.default !== undefined) Object.defineProperty(out, key, { value: property.default, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function focusFirstField(): void {
  const first = state?.model ? leaves(state.model.fields)[0] : undefined;
  const id = state?.view === 'json' ? 'json-text' : first ? state?.domIds.get(first.id) : undefined;
  if (id) requestAnimationFrame(() => (document.getElementById(id) as HTMLElement | null)?.focus());
}

function focusFirstError(): void {
  requestAnimationFrame(() => {
    const invalid = document.querySelector<HTMLElement>('.field.invalid vscode-textfield, .field.invalid vscode-single-select, .field.invalid vscode-checkbox, .field.invalid vscode-button, #json-text');
    invalid?.focus();
  });
}

/** A JSON parse error as a sentence with line and column. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text.trim() === '' ? '{}' : text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return { ok: false, message: `Not valid JSON at line ${line}, column ${column}: ${reason}.` };
    }
    return { ok: false, message: `Not valid JSON: ${reason}.` };
  }
}

function readJsonArguments(s: ViewState): { ok: true; args: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = parseJson(s.jsonText);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value)) return { ok: false, message: 'The arguments must be a JSON object, e.g. {"name": "value"}.' };
  return { ok: true, args: parsed.value };
}

/** A changed value drops its message, and the "N values need fixing" line once none is left. */
function clearError(id: string): void {
  if (!state || !Object.prototype.hasOwnProperty.call(state.fieldErrors, id)) return;
  const rest = { ...state.fieldErrors };
  delete rest[id];
  state.fieldErrors = rest;
  if (checkFailed && Object.keys(rest).length === 0 && state.general.length === 0) {
    state.status = { state: 'idle', message: '' };
    checkFailed = false;
  }
}

/** The status line says the schema check failed (rather than something the host said). */
let checkFailed = false;

function changeList(id: string, change: (items: string[]) => string[]): void {
  if (!state) return;
  const current = state.values[id];
  state.values = { ...state.values, [id]: change(Array.isArray(current) ? [...current] : []) };
  clearError(id);
  save();
  update();
}

const actions: Actions = {
  setValue(id: string, value: FieldValue) {
    if (!state) return;
    state.values = { ...state.values, [id]: value };
    save();
    clearError(id);
    update();
  },
  setItem(id, index, raw) {
    changeList(id, (items) => ((items[index] = raw), items));
  },
  addItem(id) {
    changeList(id, (items) => [...items, '']);
    const domId = state?.domIds.get(id);
    const count = Array.isArray(state?.values[id]) ? (state?.values[id] as string[]).length : 0;
    requestAnimationFrame(() => (document.getElementById(`${domId}-${count - 1}`) as HTMLElement | null)?.focus());
  },
  removeItem(id, index) {
    changeList(id, (items) => items.filter((_, i) => i !== index));
  },
  toggleChoice(id, key, on) {
    changeList(id, (items) => (on ? [...new Set([...items, key])] : items.filter((k) => k !== key)));
  },
  setJsonText(text) {
    if (!state) return;
    state.jsonText = text;
    save();
    if (state.jsonProblems.length) {
      state.jsonProblems = [];
      update();
    }
  },
  toggleJson(on) {
    // The switch flips itself; the render puts it back when the view does not change (invalid JSON).
    if (!state?.model || on === (state.view === 'json')) return update();
    if (on) {
      state.jsonText = JSON.stringify(valuesToArguments(state.model, state.values), null, 2);
      state.view = 'json';
      state.jsonProblems = [];
    } else {
      const read = readJsonArguments(state);
      if (!read.ok) {
        state.jsonProblems = [read.message];
      } else {
        const { values, unplaced } = argumentsToValues(state.model, read.args);
        if (unplaced.length > 0) {
          state.jsonProblems = [`The form cannot show ${unplaced.join('; ')}. Change or remove it, or keep editing as JSON.`];
        } else {
          state.values = values;
          state.view = 'form';
          state.fieldErrors = {};
          state.general = [];
        }
      }
    }
    save();
    update();
    if (state.view === 'json' && state.jsonProblems.length) focusFirstError();
    else focusFirstField();
  },
  submit() {
    const s = state;
    if (!s || s.busy) return;
    let args: Record<string, unknown>;
    let result;
    if (s.view === 'json' || !s.model) {
      const read = readJsonArguments(s);
      if (!read.ok) {
        s.jsonProblems = [read.message];
        update();
        return focusFirstError();
      }
      args = read.args;
      result = checkArguments(s.init.schema, args);
      s.jsonProblems = result.valid ? [] : result.list;
    } else {
      args = valuesToArguments(s.model, s.values);
      result = checkArguments(s.model.schema, args);
      const placed = problemsByField(s.model, result);
      s.fieldErrors = placed.byField;
      s.general = placed.general;
    }
    if (!result.valid) {
      s.status = { state: 'error', message: result.problems.length === 1 ? 'One value needs fixing.' : `${result.problems.length} values need fixing.` };
      checkFailed = true;
      update();
      return focusFirstError();
    }
    s.busy = true;
    checkFailed = false;
    s.status = { state: 'busy', message: result.unchecked ?? (s.init.mode === 'tool' ? 'Calling…' : 'Sending…') };
    update();
    post({ type: 'submit', arguments: args });
  },
  decline() {
    if (state && !state.busy) post({ type: 'decline' });
  },
  cancel() {
    if (state && !state.busy) post({ type: 'cancel' });
  },
};

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToWebview(message)) return;
  if (message.type === 'init') {
    const first = state === undefined;
    state = stateFor(message, state);
    document.title = message.title;
    save();
    update();
    if (first) focusFirstField();
    return;
  }
  if (!state) return;
  checkFailed = false;
  state.status = { state: message.state, message: message.message };
  state.busy = message.state === 'busy';
  update();
});

function restore(): void {
  const saved: unknown = vscode.getState();
  if (!isRecord(saved) || saved.v !== 1 || !isHostToWebview(saved.init) || saved.init.type !== 'init' || !isRecord(saved.values)) return;
  const view = saved.view === 'json' ? 'json' : 'form';
  const jsonText = typeof saved.jsonText === 'string' ? saved.jsonText : '';
  state = stateFor(saved.init, { init: saved.init, values: saved.values as FormValues, view, jsonText });
  update();
}

restore();
if (!state) render(html`<p class="loading">Loading…</p>`, root);
post({ type: 'ready' });
