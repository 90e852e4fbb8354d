/**
 * Asking for an image reference: a quick pick whose first row is what the user typed, checked as
 * they type (the parse error in place of the row when it is no reference), followed by the
 * references used recently. Shared by Open from Registry and Push to Registry.
 */
import { QuickPickItemKind, window, type Memento, type QuickPickItem } from 'vscode';
import { formatReference, parseReference } from './registry-api';

const EXAMPLES = 'e.g. alpine:3.20, ghcr.io/owner/app@sha256:…, localhost:5000/team/app:dev';
const MAX_RECENT = 10;

interface ReferenceItem extends QuickPickItem {
  /** The reference to use; undefined for the row that shows a parse error. */
  readonly reference?: string;
}

/** References the user opened or pushed, most recent first, kept in the extension's global state. */
export class RecentReferences {
  constructor(
    private readonly state: Memento,
    private readonly key: string,
  ) {}

  list(): string[] {
    const stored = this.state.get<unknown>(this.key);
    return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string') : [];
  }

  async add(reference: string): Promise<void> {
    await this.state.update(this.key, [reference, ...this.list().filter((entry) => entry !== reference)].slice(0, MAX_RECENT));
  }
}

/** Why `text` is not a reference, or undefined when it is one. */
export function referenceProblem(text: string): string | undefined {
  try {
    parseReference(text.trim());
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function typedItem(text: string): ReferenceItem | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const problem = referenceProblem(trimmed);
  if (problem) return { label: `$(error) ${problem}`, alwaysShow: true };
  // Show the normalised form (`alpine` → `docker.io/library/alpine:latest`) when it differs.
  const normalised = formatReference(parseReference(trimmed));
  return { label: trimmed, description: normalised === trimmed ? undefined : normalised, alwaysShow: true, reference: trimmed };
}

/** Resolves with the chosen reference (trimmed), or undefined when the user pressed Escape. */
export function askForReference(options: { title: string; value?: string; recent: readonly string[] }): Promise<string | undefined> {
  const pick = window.createQuickPick<ReferenceItem>();
  pick.title = options.title;
  pick.placeholder = `An image reference: ${EXAMPLES}`;
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = true;
  const update = (): void => {
    const typed = typedItem(pick.value);
    const recent = options.recent.filter((entry) => entry !== pick.value.trim()).map((entry): ReferenceItem => ({ label: entry, reference: entry, description: 'recent' }));
    const items: ReferenceItem[] = typed ? [typed] : [];
    if (recent.length > 0) items.push({ label: 'recent', kind: QuickPickItemKind.Separator }, ...recent);
    pick.items = items;
  };
  pick.value = options.value ?? '';
  update();
  return new Promise((resolve) => {
    let chosen: string | undefined;
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => {
      const reference = pick.selectedItems[0]?.reference;
      // Enter on the error row keeps the picker open: the message says what to fix.
      if (reference === undefined) return;
      chosen = reference;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}
