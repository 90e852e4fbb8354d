import type { ClientCapabilities, Connection } from 'vscode-languageserver/node';
import { logError } from './run-safe';
import {
  extractSection,
  mergeSettings,
  readSection,
  SETTINGS_SECTION,
  type PartialSettings,
  type ServerSettings,
} from './settings';

/**
 * Settings per document. Clients that implement `workspace/configuration` are asked per document
 * scope (folder settings can differ); what a client pushes (initializationOptions,
 * didChangeConfiguration) is the layer below, so clients without the pull model still work.
 */
export class SettingsStore {
  private pullSupported = false;
  private pushed: PartialSettings = {};
  private readonly pulled = new Map<string, Promise<ServerSettings>>();
  /** Settings are read per document; the same mistake should be reported once, not per file. */
  private readonly reported = new Set<string>();

  constructor(private readonly connection: Connection) {}

  initialize(capabilities: ClientCapabilities, initializationOptions: unknown): void {
    this.pullSupported = capabilities.workspace?.configuration === true;
    this.pushed = this.read(extractSection(initializationOptions));
  }

  get supportsPull(): boolean {
    return this.pullSupported;
  }

  /** A didChangeConfiguration payload: keeps what it pushed and forgets everything pulled. */
  changed(payload: unknown): void {
    const section = extractSection(payload);
    // Pull-model clients often send `settings: null` as a mere "something changed" signal.
    if (section !== undefined) this.pushed = this.read(section);
    this.pulled.clear();
    this.reported.clear();
  }

  forget(uri: string): void {
    this.pulled.delete(uri);
  }

  settingsFor(uri: string): Promise<ServerSettings> {
    if (!this.pullSupported) return Promise.resolve(mergeSettings(this.pushed));
    const cached = this.pulled.get(uri);
    if (cached) return cached;
    const pending: Promise<ServerSettings> = this.pull(uri).then(({ settings, answered }) => {
      // A failed pull is not cached: the next validation asks again instead of keeping the fallback.
      if (!answered && this.pulled.get(uri) === pending) this.pulled.delete(uri);
      return settings;
    });
    this.pulled.set(uri, pending);
    return pending;
  }

  private async pull(uri: string): Promise<{ settings: ServerSettings; answered: boolean }> {
    try {
      const section: unknown = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
      return { settings: mergeSettings(this.pushed, this.read(section)), answered: true };
    } catch (error) {
      logError(this.connection.console, 'Reading the imageManifest settings failed; using pushed settings', error);
      return { settings: mergeSettings(this.pushed), answered: false };
    }
  }

  private read(section: unknown): PartialSettings {
    return readSection(section, (problem) => {
      if (this.reported.has(problem)) return;
      this.reported.add(problem);
      this.connection.console.warn(`Invalid setting: ${problem}`);
    });
  }
}
