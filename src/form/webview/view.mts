// The form's markup, as lit templates. Every title, description, choice label and message comes from an
// MCP server or from the host and is put in with lit's text and attribute bindings, which never parse
// HTML: no innerHTML, no unsafeHTML, no Markdown.
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { InitMessage, StatusState } from '../protocol.js';
import type { Field, FieldValue, FormModel, FormValues, ItemSpec } from '../schemaForm.js';

export interface ViewState {
  init: InitMessage;
  model?: FormModel;
  /** Why the schema cannot be a form (it is edited as JSON then). */
  unsupported?: string[];
  values: FormValues;
  view: 'form' | 'json';
  jsonText: string;
  /** A JSON syntax error, or what the schema check found, in JSON mode. */
  jsonProblems: string[];
  fieldErrors: Record<string, string>;
  /** Problems that belong to no single field. */
  general: string[];
  status: { state: StatusState; message: string };
  busy: boolean;
  /** Field id (a JSON pointer) → element id ("f3"): pointers are not valid in CSS selectors. */
  domIds: ReadonlyMap<string, string>;
}

export interface Actions {
  setValue(id: string, value: FieldValue): void;
  setItem(id: string, index: number, raw: string): void;
  addItem(id: string): void;
  removeItem(id: string, index: number): void;
  toggleChoice(id: string, key: string, on: boolean): void;
  setJsonText(text: string): void;
  toggleJson(on: boolean): void;
  submit(): void;
  decline(): void;
  cancel(): void;
}

type Target = EventTarget & { value?: unknown; checked?: unknown };
const valueOf = (event: Event): string => String((event.target as Target).value ?? '');
const checkedOf = (event: Event): boolean => (event.target as Target).checked === true;

export function appView(s: ViewState, a: Actions): TemplateResult {
  const { init } = s;
  return html`
    <header class="head">
      <h1 class="title">${init.title}</h1>
      ${init.subtitle ? html`<p class="subtitle">${init.subtitle}</p>` : nothing}
      ${init.description ? html`<p class="description lead">${init.description}</p>` : nothing}
    </header>
    <form
      novalidate
      autocomplete="off"
      @submit=${(e: Event) => {
        e.preventDefault();
        a.submit();
      }}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          a.submit();
        }
      }}
    >
      ${jsonToggle(s, a)} ${s.view === 'json' ? jsonView(s, a) : formView(s, a)} ${buttons(s, a)} ${statusLine(s)}
    </form>
  `;
}

function jsonToggle(s: ViewState, a: Actions): TemplateResult {
  return html`<div class="mode">
    <vscode-checkbox
      id="json-toggle"
      toggle
      .checked=${live(s.view === 'json')}
      ?disabled=${s.unsupported !== undefined || s.busy}
      @change=${(e: Event) => a.toggleJson(checkedOf(e))}
      >Edit as JSON</vscode-checkbox
    >
  </div>`;
}

function formView(s: ViewState, a: Actions): TemplateResult {
  const fields = s.model?.fields ?? [];
  return html`<div class="fields">
    ${fields.length === 0 ? html`<p class="empty">This takes no arguments.</p>` : fields.map((f) => fieldView(f, s, a))}
    ${problemList(s.general, 'general-problems')}
  </div>`;
}

function jsonView(s: ViewState, a: Actions): TemplateResult {
  return html`<div class="json">
    ${s.unsupported
      ? html`<p class="note" id="unsupported-note">
          <vscode-icon name="info"></vscode-icon
          ><span>The form cannot show ${s.unsupported.join('; ')}. Edit the arguments as JSON; they are checked against the schema before sending.</span>
        </p>`
      : nothing}
    <vscode-label for="json-text">Arguments (JSON)</vscode-label>
    <vscode-textarea
      id="json-text"
      monospace
      resize="vertical"
      rows="14"
      spellcheck="false"
      ?invalid=${s.jsonProblems.length > 0}
      .value=${live(s.jsonText)}
      @input=${(e: Event) => a.setJsonText(valueOf(e))}
    ></vscode-textarea>
    ${problemList(s.jsonProblems, 'json-problems')}
    <details class="schema">
      <summary>Schema</summary>
      <pre>${JSON.stringify(s.init.schema ?? {}, null, 2)}</pre>
    </details>
  </div>`;
}

function problemList(problems: readonly string[], id: string): TemplateResult | typeof nothing {
  if (problems.length === 0) return nothing;
  return html`<ul class="problems" id=${id} role="alert">
    ${problems.map((p) => html`<li><vscode-icon name="error"></vscode-icon><span>${p}</span></li>`)}
  </ul>`;
}

function requiredMark(f: Field): TemplateResult | typeof nothing {
  return f.required ? html`<span class="required" title="Required">*</span>` : nothing;
}

function helpers(f: Field, s: ViewState): TemplateResult {
  const error = s.fieldErrors[f.id];
  return html`${f.description ? html`<p class="description">${f.description}</p>` : nothing}
  ${f.hint ? html`<p class="hint">${f.hint}</p>` : nothing}
  ${error
    ? html`<p class="error" role="alert" id=${`${s.domIds.get(f.id) ?? ''}-error`}>
        <vscode-icon name="error"></vscode-icon><span>${error}</span>
      </p>`
    : nothing}`;
}

function fieldView(f: Field, s: ViewState, a: Actions): TemplateResult {
  const id = s.domIds.get(f.id) ?? '';
  const invalid = Object.prototype.hasOwnProperty.call(s.fieldErrors, f.id);
  const raw = Object.prototype.hasOwnProperty.call(s.values, f.id) ? s.values[f.id] : undefined;
  if (f.kind === 'object') {
    return html`<fieldset class="group" id=${id} data-field=${f.id}>
      <legend>${f.label}${requiredMark(f)}</legend>
      ${f.description ? html`<p class="description">${f.description}</p>` : nothing}
      ${f.fields.map((child) => fieldView(child, s, a))}
    </fieldset>`;
  }
  if (f.kind === 'boolean') {
    return html`<div class="field checkbox-field ${invalid ? 'invalid' : ''}" data-field=${f.id}>
      <vscode-checkbox
        id=${id}
        .checked=${live(raw === true)}
        ?invalid=${invalid}
        @change=${(e: Event) => a.setValue(f.id, checkedOf(e))}
        >${f.label}${requiredMark(f)}</vscode-checkbox
      >
      ${helpers(f, s)}
    </div>`;
  }
  return html`<div class="field ${invalid ? 'invalid' : ''}" data-field=${f.id}>
    <vscode-label for=${id} ?required=${f.required}>${f.label}</vscode-label>
    ${control(f, id, raw, invalid, s, a)} ${helpers(f, s)}
  </div>`;
}

function control(f: Field, id: string, raw: FieldValue, invalid: boolean, s: ViewState, a: Actions): TemplateResult {
  switch (f.kind) {
    case 'text':
    case 'number':
    case 'integer':
      return textInput(f, id, typeof raw === 'string' ? raw : '', invalid, (v) => a.setValue(f.id, v), s.busy);
    case 'enum': {
      const value = typeof raw === 'string' ? raw : '';
      return html`<vscode-single-select
        id=${id}
        .value=${live(value)}
        ?invalid=${invalid}
        @change=${(e: Event) => a.setValue(f.id, valueOf(e))}
      >
        <vscode-option value="" ?selected=${value === ''}>${f.required ? 'Choose…' : '(not set)'}</vscode-option>
        ${f.choices.map((c) => html`<vscode-option value=${c.key} ?selected=${c.key === value}>${c.label}</vscode-option>`)}
      </vscode-single-select>`;
    }
    case 'multi-enum': {
      const picked = new Set(Array.isArray(raw) ? raw : []);
      return html`<vscode-checkbox-group id=${id} variant="vertical" class="choices">
        ${f.choices.map(
          (c) =>
            html`<vscode-checkbox .checked=${live(picked.has(c.key))} @change=${(e: Event) => a.toggleChoice(f.id, c.key, checkedOf(e))}
              >${c.label}</vscode-checkbox
            >`,
        )}
      </vscode-checkbox-group>`;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : [];
      return html`<div class="list" id=${id} role="group" aria-label=${f.label}>
        ${items.map(
          (item, index) => html`<div class="list-row">
            ${itemInput(f.item, `${id}-${index}`, item, `${f.label}, item ${index + 1}`, (v) => a.setItem(f.id, index, v), s.busy)}
            <vscode-button
              type="button"
              secondary
              icon="close"
              class="remove"
              title=${`Remove item ${index + 1}`}
              aria-label=${`Remove item ${index + 1}`}
              @click=${() => a.removeItem(f.id, index)}
            ></vscode-button>
          </div>`,
        )}
        <vscode-button
          type="button"
          secondary
          icon="add"
          class="add"
          ?disabled=${f.maxItems !== undefined && items.length >= f.maxItems}
          @click=${() => a.addItem(f.id)}
          >Add item</vscode-button
        >
      </div>`;
    }
    default:
      return html``;
  }
}

function textInput(
  spec: ItemSpec & { kind: 'text' | 'number' | 'integer' },
  id: string,
  value: string,
  invalid: boolean,
  onInput: (value: string) => void,
  busy: boolean,
  label?: string,
): TemplateResult {
  const text = spec.kind === 'text' ? spec : undefined;
  return html`<vscode-textfield
    id=${id}
    type=${text?.input ?? 'text'}
    placeholder=${ifDefined(text?.placeholder)}
    maxlength=${ifDefined(text?.maxLength)}
    label=${ifDefined(label)}
    ?invalid=${invalid}
    ?readonly=${busy}
    .value=${live(value)}
    @input=${(e: Event) => onInput(valueOf(e))}
  ></vscode-textfield>`;
}

function itemInput(item: ItemSpec, id: string, value: string, label: string, onInput: (value: string) => void, busy: boolean): TemplateResult {
  if (item.kind === 'boolean') {
    return html`<vscode-single-select id=${id} label=${label} .value=${live(value)} @change=${(e: Event) => onInput(valueOf(e))}>
      <vscode-option value="" ?selected=${value === ''}>(not set)</vscode-option>
      <vscode-option value="true" ?selected=${value === 'true'}>true</vscode-option>
      <vscode-option value="false" ?selected=${value === 'false'}>false</vscode-option>
    </vscode-single-select>`;
  }
  return textInput(item, id, value, false, onInput, busy, label);
}

function buttons(s: ViewState, a: Actions): TemplateResult {
  if (s.init.mode === 'elicitation') {
    return html`<div class="buttons">
      <vscode-button type="button" id="accept" icon="check" ?disabled=${s.busy} @click=${() => a.submit()}>Accept</vscode-button>
      <vscode-button type="button" id="decline" secondary ?disabled=${s.busy} @click=${() => a.decline()}>Decline</vscode-button>
      <vscode-button type="button" id="cancel" secondary ?disabled=${s.busy} @click=${() => a.cancel()}>Cancel</vscode-button>
    </div>`;
  }
  return html`<div class="buttons">
    <vscode-button type="button" id="call" icon="play" ?disabled=${s.busy} @click=${() => a.submit()}>Call</vscode-button>
    <span class="shortcut">Ctrl+Enter</span>
  </div>`;
}

const STATUS_ICONS: Record<StatusState, string | undefined> = { idle: undefined, busy: 'loading', ok: 'check', error: 'error' };

function statusLine(s: ViewState): TemplateResult {
  const icon = STATUS_ICONS[s.status.state];
  return html`<div class="status ${s.status.state}" id="status" role="status" aria-live="polite">
    ${icon && s.status.message ? html`<vscode-icon name=${icon} ?spin=${s.status.state === 'busy'}></vscode-icon>` : nothing}<span
      >${s.status.message}</span
    >
  </div>`;
}
