import type { Node } from 'jsonc-parser';
import { elements, isObject, member, propertyNode, properties } from '../json-tree';
import { goTimeForm, goTimeProblem, isRfc3339 } from '../rfc3339';
import type { RuleContext } from './context';
import { checkDigestValue } from './descriptor-rules';
import { checkPlatformValues } from './platform-rules';

export function checkImageConfig(ctx: RuleContext): void {
  if (ctx.kind !== 'oci-config' && ctx.kind !== 'docker-config') return;
  const root = ctx.root;
  checkPlatformValues(ctx, root);
  checkCreated(ctx, member(root, 'created'));
  const rootfs = member(root, 'rootfs');
  const diffIds = member(rootfs, 'diff_ids');
  for (const diffId of elements(diffIds)) checkDigestValue(ctx, diffId);
  const history = member(root, 'history');
  for (const entry of elements(history)) checkCreated(ctx, member(entry, 'created'));
  checkHistoryCount(ctx, history, diffIds);
  const config = member(root, 'config');
  if (isObject(config)) {
    checkEnv(ctx, member(config, 'Env'));
    checkExposedPorts(ctx, member(config, 'ExposedPorts'));
  }
}

function checkCreated(ctx: RuleContext, node: Node | undefined): void {
  if (node?.type !== 'string') return;
  const value = node.value as string;
  if (!isRfc3339(value)) {
    ctx.report('invalid-created', node, `\`created\` must be an RFC 3339 date-time such as \`2024-01-31T12:00:00Z\`, not ${JSON.stringify(value)}; Go clients fail to decode the config otherwise.`);
    return;
  }
  const goProblem = goTimeProblem(value);
  if (goProblem) {
    ctx.report('created-go-time', node, `${JSON.stringify(value)} is RFC 3339, but ${goProblem}: Go clients (containerd, docker, skopeo, crane) fail to decode this config. Write it as \`${goTimeForm(value)}\`.`);
  }
}

/** Each layer has one history entry without `empty_layer`; `docker history` and Artifactory rely on it. */
function checkHistoryCount(ctx: RuleContext, history: Node | undefined, diffIds: Node | undefined): void {
  if (history?.type !== 'array' || diffIds?.type !== 'array') return;
  const entries = elements(history);
  // `"history": []` records no history at all, like leaving the member out (some builders write it).
  if (entries.length === 0) return;
  const withLayer = entries.filter((entry) => member(entry, 'empty_layer')?.value !== true).length;
  const layers = elements(diffIds).length;
  if (withLayer === layers) return;
  const key = propertyNode(ctx.root, 'history')?.children?.[0] ?? history;
  ctx.report(
    'history-layer-count',
    key,
    `${withLayer} history ${withLayer === 1 ? 'entry has' : 'entries have'} a layer (no \`empty_layer: true\`), but \`rootfs.diff_ids\` lists ${layers} ${layers === 1 ? 'layer' : 'layers'}; each layer should have exactly one history entry. Tools that pair them (\`docker history\`, Artifactory) misreport or refuse the image.`,
  );
}

function checkEnv(ctx: RuleContext, env: Node | undefined): void {
  for (const entry of elements(env)) {
    if (entry.type !== 'string') continue;
    const value = entry.value as string;
    if (value.indexOf('=') <= 0) {
      ctx.report('invalid-env', entry, `Environment entries are \`NAME=value\`; ${JSON.stringify(value)} ${value.startsWith('=') ? 'has no name' : 'has no `=`'}.`);
    }
  }
}

const PORT_KEY = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/;

function checkExposedPorts(ctx: RuleContext, ports: Node | undefined): void {
  for (const [keyNode] of properties(ports)) {
    const key = keyNode.value as string;
    const match = PORT_KEY.exec(key);
    if (match && Number(match[1]) <= 65535) continue;
    const range = /^\d+-\d+(\/\w+)?$/.test(key);
    ctx.report(
      'invalid-exposed-port',
      keyNode,
      `${JSON.stringify(key)} is not one of the documented forms \`port\`, \`port/tcp\`, \`port/udp\` (port 0–65535)${range ? '; a port range is what `EXPOSE 8000-8001` writes, and Docker 29 refuses to pull such images ("invalid port")' : ''}.`,
    );
  }
}
