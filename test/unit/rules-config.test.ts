/**
 * Image config and layout rules (SPEC.md "Image config", "Image layout"; image-spec config.md,
 * image-layout.md): required members, `created`, `rootfs`, `Env`, `ExposedPorts`, history against
 * diff_ids, the `oci-layout` header.
 */
import { fakeDigest, imageConfig, json, runRuleCases, runValidDocuments, type RuleCase } from '../helpers/diagnostics';

type Json = Record<string, any>;

function configWith(patch: (config: Json) => void): string {
  const config = imageConfig();
  patch(config);
  return json(config);
}

const good = json(imageConfig());

export const CASES: RuleCase[] = [
  {
    name: 'config without rootfs',
    code: 'missing-property',
    severity: 'error',
    bad: configWith((c) => delete c.rootfs),
    good,
    where: [{ path: '$', text: '{' }],
    message: /rootfs/,
  },
  {
    name: 'config without os',
    code: 'missing-property',
    severity: 'error',
    bad: configWith((c) => delete c.os),
    good,
    where: [{ path: '$', text: '{' }],
    message: /os/,
  },
  {
    // config.md REQUIRES both; each one missing is named, in one diagnostic on the object.
    name: 'config without architecture and os',
    code: 'missing-property',
    severity: 'error',
    bad: configWith((c) => {
      delete c.architecture;
      delete c.os;
    }),
    good,
    where: [{ path: '$', text: '{' }],
    message: /(?=.*`architecture`)(?=.*`os`)/,
  },
  {
    name: 'rootfs without diff_ids',
    code: 'missing-property',
    severity: 'error',
    bad: configWith((c) => delete c.rootfs.diff_ids),
    good,
    where: [{ path: '$.rootfs', text: '"rootfs"' }],
    message: /diff_ids/,
  },
  {
    name: 'rootfs.type "layer"',
    code: 'invalid-value',
    severity: 'error',
    bad: configWith((c) => (c.rootfs.type = 'layer')),
    good,
    where: [{ path: '$.rootfs.type', text: '"layer"' }],
    fix: true,
  },
  {
    name: 'a diff_id that is not a digest',
    code: 'invalid-digest',
    severity: 'error',
    bad: configWith((c) => (c.rootfs.diff_ids[1] = 'not-a-digest')),
    good,
    where: [{ path: '$.rootfs.diff_ids[1]', text: '"not-a-digest"' }],
  },
  {
    name: 'a diff_id with 63 hex digits',
    code: 'digest-length',
    severity: 'error',
    bad: configWith((c) => (c.rootfs.diff_ids[0] = fakeDigest('diff-1').slice(0, -1))),
    good,
    where: [{ path: '$.rootfs.diff_ids[0]', text: JSON.stringify(fakeDigest('diff-1').slice(0, -1)) }],
  },
  {
    name: 'created that is not RFC 3339',
    code: 'invalid-created',
    severity: 'error',
    bad: configWith((c) => (c.created = '2024-01-31 12:00')),
    good,
    where: [{ path: '$.created', text: '"2024-01-31 12:00"' }],
    message: /3339/,
  },
  {
    name: 'history created with month 13',
    code: 'invalid-created',
    severity: 'error',
    bad: configWith((c) => (c.history[0].created = '2024-13-01T00:00:00Z')),
    good,
    where: [{ path: '$.history[0].created', text: '"2024-13-01T00:00:00Z"' }],
  },
  // RFC 3339 §5.6 allows a lowercase `t` and `z` and second 60; Go's time.Parse(time.RFC3339)
  // refuses all three ("cannot parse", "second out of range"), so Go clients cannot decode it.
  {
    name: 'created with a lowercase t and z',
    code: 'created-go-time',
    severity: 'information',
    bad: configWith((c) => (c.created = '2024-01-31t12:00:00z')),
    good,
    where: [{ path: '$.created', text: '"2024-01-31t12:00:00z"' }],
    // Both problems named, and the form Go reads.
    message: /(?=.*lowercase `t`)(?=.*lowercase `z`)(?=.*2024-01-31T12:00:00Z)/,
  },
  {
    name: 'history created on a leap second',
    code: 'created-go-time',
    severity: 'information',
    bad: configWith((c) => (c.history[0].created = '2016-12-31T23:59:60Z')),
    good,
    where: [{ path: '$.history[0].created', text: '"2016-12-31T23:59:60Z"' }],
    message: /leap second/,
  },
  {
    name: 'Env entry without =',
    code: 'invalid-env',
    severity: 'warning',
    bad: configWith((c) => c.config.Env.push('FOO')),
    good: configWith((c) => c.config.Env.push('FOO=')),
    where: [{ path: '$.config.Env[1]', text: '"FOO"' }],
  },
  {
    name: 'Env as a string',
    code: 'wrong-type',
    severity: 'error',
    bad: configWith((c) => (c.config.Env = 'PATH=/usr/bin')),
    good,
    where: [{ path: '$.config.Env', text: '"PATH=/usr/bin"' }],
    message: /array/,
  },
  {
    // Reported 26.
    name: 'ExposedPorts key that is a port range',
    code: 'invalid-exposed-port',
    severity: 'warning',
    bad: configWith((c) => (c.config.ExposedPorts = { '80-81/tcp': {} })),
    good: configWith((c) => (c.config.ExposedPorts = { '80/tcp': {}, '81/tcp': {} })),
    where: [{ path: '$.config.ExposedPorts["80-81/tcp"]', text: '"80-81/tcp"' }],
  },
  {
    name: 'ExposedPorts key with a made-up protocol',
    code: 'invalid-exposed-port',
    severity: 'warning',
    bad: configWith((c) => (c.config.ExposedPorts = { '53/dns': {} })),
    good: configWith((c) => (c.config.ExposedPorts = { '53': {}, '53/udp': {} })),
    where: [{ path: '$.config.ExposedPorts["53/dns"]', text: '"53/dns"' }],
  },
  {
    // Reported 04: history entries with a layer must match diff_ids.
    name: 'fewer history entries with a layer than diff_ids',
    code: 'history-layer-count',
    severity: 'warning',
    bad: configWith((c) => c.rootfs.diff_ids.push(fakeDigest('diff-3'))),
    good: configWith((c) => {
      c.rootfs.diff_ids.push(fakeDigest('diff-3'));
      c.history.push({ created: '2024-01-31T12:00:03Z', created_by: 'RUN make' });
    }),
    where: [{ path: '$.history', text: '"history"' }],
  },
  {
    name: 'an empty_layer entry does not count as a layer',
    code: 'history-layer-count',
    severity: 'warning',
    bad: configWith((c) => (c.history[2].empty_layer = true)),
    good,
    where: [{ path: '$.history', text: '"history"' }],
  },
  {
    name: 'architecture missing from a Docker config',
    code: 'missing-property',
    severity: 'error',
    bad: configWith((c) => {
      delete c.architecture;
      c.docker_version = '24.0.7';
      c.container_config = { Hostname: 'abc' };
    }),
    good: configWith((c) => {
      c.docker_version = '24.0.7';
      c.container_config = { Hostname: 'abc' };
    }),
    where: [{ path: '$', text: '{' }],
    message: /architecture/,
  },
  // The layout header.
  {
    name: 'oci-layout with imageLayoutVersion "1.0"',
    code: 'invalid-value',
    severity: 'error',
    bad: json({ imageLayoutVersion: '1.0' }),
    good: json({ imageLayoutVersion: '1.0.0' }),
    where: [{ path: '$.imageLayoutVersion', text: '"1.0"' }],
    fix: true,
  },
  {
    name: 'oci-layout with a numeric imageLayoutVersion',
    code: ['wrong-type', 'invalid-value'],
    severity: 'error',
    bad: '{"imageLayoutVersion": 1}',
    good: '{"imageLayoutVersion": "1.0.0"}',
    where: [{ path: '$.imageLayoutVersion', text: '1' }],
  },
];

export const VALID_CONFIG_DOCUMENTS: Array<[string, string]> = [
  // config.md: history is OPTIONAL; an empty list records nothing, as leaving it out does.
  ['an empty history list', configWith((c) => (c.history = []))],
  ['the spec example config', good],
  ['optional fields set to null (allowed)', configWith((c) => {
    c.author = null;
    c.config = { Env: null, Cmd: null, Entrypoint: null, ExposedPorts: null, Volumes: null, Labels: null, WorkingDir: '' };
    c.history = null;
  })],
  ['minimal config (architecture, os, rootfs)', json({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })],
  ['Env values with = and empty values', configWith((c) => (c.config.Env = ['A=b=c', 'EMPTY=', 'PATH=/bin']))],
  ['ExposedPorts in every documented form', configWith((c) => (c.config.ExposedPorts = { '8080': {}, '53/udp': {}, '443/tcp': {} }))],
  ['history without created (optional)', configWith((c) => c.history.forEach((h: Json) => delete h.created))],
  ['no history at all', configWith((c) => delete c.history)],
  ['created with fractional seconds and an offset', configWith((c) => (c.created = '2024-02-29T23:59:59.999999999-07:00'))],
  ['oci-layout 1.0.0', json({ imageLayoutVersion: '1.0.0' })],
];

if (require.main === module) {
  runRuleCases(CASES);
  runValidDocuments('valid configs get no error or warning', VALID_CONFIG_DOCUMENTS);
}
