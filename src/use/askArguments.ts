import * as vscode from 'vscode';
import { escapeControls } from '../common/text';

/** One value to ask for: a prompt's argument or a resource template's variable. */
export interface Question {
  name: string;
  description?: string;
  required: boolean;
}

/** The server's suggestions for a value being typed (completion/complete), given the values so far. */
export type Completer = (name: string, value: string, answered: Record<string, string>) => Promise<string[]>;

/** How long typing pauses before the server is asked for completions. */
const COMPLETION_PAUSE_MS = 150;

/**
 * Asks for each value in turn ("Get Prompt: summarize (1/2)"). With a completer, the box offers the
 * server's suggestions as the user types; what is typed is always an answer too. Resolves undefined
 * when the user gives up (Escape); an optional value may be left empty (it is then left out).
 */
export async function askArguments(title: string, questions: Question[], complete?: Completer): Promise<Record<string, string> | undefined> {
  const answers: Record<string, string> = {};
  for (const [index, question] of questions.entries()) {
    const step = questions.length > 1 ? ` (${index + 1}/${questions.length})` : '';
    const answer = await askOne(`${title}${step}`, question, answers, complete);
    if (answer === undefined) return undefined;
    if (answer !== '') answers[question.name] = answer;
  }
  return answers;
}

function askOne(title: string, question: Question, answered: Record<string, string>, complete?: Completer): Promise<string | undefined> {
  const name = escapeControls(question.name);
  const placeholder = `${name}${question.required ? '' : ' (optional)'}${question.description ? ` — ${escapeControls(question.description)}` : ''}`;
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick();
    pick.title = title;
    pick.placeholder = placeholder;
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = false;
    let suggestions: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    let asked = 0;
    const show = () => {
      const typed = pick.value;
      const typedItem = typed !== '' || !question.required ? [{ label: typed, description: typed === '' ? 'leave empty' : 'as typed', alwaysShow: true }] : [];
      pick.items = [...typedItem, ...suggestions.filter((s) => s !== typed).map((s) => ({ label: escapeControls(s), value: s, alwaysShow: true }))];
    };
    const suggest = () => {
      if (!complete) return;
      const mine = ++asked;
      pick.busy = true;
      void complete(question.name, pick.value, answered)
        .then(
          (values) => {
            if (mine === asked) suggestions = values.slice(0, 100);
          },
          () => undefined,
        )
        .finally(() => {
          if (mine !== asked) return;
          pick.busy = false;
          show();
        });
    };
    pick.onDidChangeValue(() => {
      show();
      clearTimeout(timer);
      timer = setTimeout(suggest, COMPLETION_PAUSE_MS);
    });
    let settled = false;
    const finish = (value: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pick.dispose();
      resolve(value);
    };
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0] as (vscode.QuickPickItem & { value?: string }) | undefined;
      const value = chosen ? (chosen.value ?? chosen.label) : pick.value;
      if (value === '' && question.required) return;
      finish(value);
    });
    pick.onDidHide(() => finish(undefined));
    show();
    suggest();
    pick.show();
  });
}
