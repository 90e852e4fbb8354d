/**
 * The registry features of the extension, wired together: the `oci-registry:` file system, Open
 * from Registry, Push to Registry and the layer hover. Nothing here touches the network until the
 * user runs a command or opens a registry document.
 */
import { commands, type Disposable, type ExtensionContext, type LogOutputChannel, type TextDocument } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DOCUMENT_DIGEST_REQUEST } from './document-digest';
import { RegistryDocuments } from './registry-documents';
import { RegistryBlobHover } from './registry-hover';
import { OPEN_FROM_REGISTRY_COMMAND, OpenFromRegistry } from './registry-open';
import { PUSH_TO_REGISTRY_COMMAND, PushToRegistry } from './registry-push';
import { RecentReferences } from './registry-reference-input';

const RECENT_KEY = 'imageManifest.registry.recentReferences';

export function registerRegistryFeatures(context: ExtensionContext, client: LanguageClient, log: LogOutputChannel): Disposable[] {
  const documents = new RegistryDocuments(log);
  const recent = new RecentReferences(context.globalState, RECENT_KEY);
  const open = new OpenFromRegistry(documents, recent, log);
  const kindOf = async (document: TextDocument): Promise<string | undefined> => {
    if (!client.isRunning()) return undefined;
    const answer = await client.sendRequest<{ kind?: unknown } | null>(DOCUMENT_DIGEST_REQUEST, { uri: client.code2ProtocolConverter.asUri(document.uri) });
    return typeof answer?.kind === 'string' && answer.kind !== 'unknown' ? answer.kind : undefined;
  };
  const push = new PushToRegistry(documents, recent, kindOf, log);
  return [
    documents,
    push,
    new RegistryBlobHover(log),
    commands.registerCommand(OPEN_FROM_REGISTRY_COMMAND, (argument?: unknown) => open.run(argument)),
    commands.registerCommand(PUSH_TO_REGISTRY_COMMAND, (target?: unknown, reference?: unknown) => push.run(target, reference)),
  ];
}
