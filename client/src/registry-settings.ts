/**
 * What every registry feature of the extension shares: the client's options from the settings,
 * the workspace-trust rule, and error messages a user can act on.
 */
import { window, workspace, type LogOutputChannel } from 'vscode';
import { RegistryClient, RegistryError, type RegistryOptions } from './registry-api';

/** Default of `imageManifest.registry.timeout`, seconds. */
const DEFAULT_TIMEOUT_SECONDS = 30;

/** The options of a RegistryClient from `imageManifest.registry.*`, read anew for each operation. */
export function registryOptions(log: LogOutputChannel, signal?: AbortSignal): RegistryOptions {
  const config = workspace.getConfiguration('imageManifest.registry');
  const hosts = config.get<unknown>('insecureHosts');
  const insecureHosts = Array.isArray(hosts) ? hosts.filter((host): host is string => typeof host === 'string' && host.trim() !== '').map((host) => host.trim()) : [];
  const seconds = config.get<unknown>('timeout');
  const timeoutSeconds = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
  return {
    insecureHosts,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    // The client never passes a credential to its log (api.ts), so its lines can go to the output channel.
    log: (line) => log.info(`registry: ${line}`),
    signal,
  };
}

export function registryClient(log: LogOutputChannel, signal?: AbortSignal): RegistryClient {
  return new RegistryClient(registryOptions(log, signal));
}

export const RESTRICTED_MESSAGE =
  'Image Manifest: registry commands are unavailable in Restricted Mode: they contact the network and read your Docker credentials. Trust this workspace to use them.';

/**
 * Registry access needs a trusted workspace: the workspace's settings decide which hosts get plain
 * http, and a fetch may run credential helpers. The `enablement` clauses hide the commands in
 * Restricted Mode, but `executeCommand` and keybindings still reach the handlers, so they ask too.
 */
export function refuseWhenRestricted(log: LogOutputChannel): boolean {
  if (workspace.isTrusted) return false;
  log.warn(RESTRICTED_MESSAGE);
  void window.showWarningMessage(RESTRICTED_MESSAGE);
  return true;
}

/** A cancelled operation (the progress notification's Cancel) needs no message. */
export function isCancellation(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && error.name === 'AbortError';
}

/** One sentence for a failed registry operation; the registry's error codes when it sent some. */
export function describeRegistryError(error: unknown): string {
  if (error instanceof RegistryError) {
    const codes = error.errors.map((entry) => entry.code).filter((code) => code && !error.message.includes(code));
    return codes.length > 0 ? `${error.message} (${codes.join(', ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
