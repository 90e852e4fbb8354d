// Rewrites the README's diagnostics table from the service's code table (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { DIAGNOSTIC_CODES } = require('../server/out/service/codes.js');
const header = '| code | default severity | meaning |\n|---|---|---|\n';
const rows = Object.entries(DIAGNOSTIC_CODES)
  .map(([code, info]) => `| \`${code}\` | ${info.severity} | ${info.summary.replace(/\|/g, '\\|')} |`)
  .join('\n');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf(header);
if (start < 0) throw new Error('README.md has no diagnostics table');
const end = readme.indexOf('\n\n', start + header.length);
writeFileSync(new URL('../README.md', import.meta.url), readme.slice(0, start + header.length) + rows + readme.slice(end));
