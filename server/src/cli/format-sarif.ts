import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIAGNOSTIC_CODES, MAX_DIAGNOSTICS, type CodeInfo, type Severity } from '../service';
import type { FileDiagnostic } from './check';
import type { RunResult } from './summary';
import { TOOL_NAME, toolInfo } from './tool';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const CODES: Record<string, CodeInfo | undefined> = DIAGNOSTIC_CODES;

/**
 * SARIF 2.1.0 in the subset GitHub code scanning ingests: one run, one rule per code that occurs,
 * results with 1-based regions on paths relative to the checkout (`%SRCROOT%`).
 */
export function formatSarif(run: RunResult, cwd: string = process.cwd()): string {
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  const results: object[] = [];

  const indexOfRule = (d: FileDiagnostic): number => {
    let index = ruleIndex.get(d.code);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(d.code, index);
      const info = CODES[d.code];
      rules.push({
        id: d.code,
        shortDescription: { text: info?.summary ?? d.code },
        helpUri: info?.href ?? d.href,
        defaultConfiguration: { level: LEVELS[info?.severity ?? d.severity] },
      });
    }
    return index;
  };

  for (const file of run.files) {
    if (file.status !== 'checked') continue;
    const artifactLocation = artifactLocationOf(file.path, cwd);
    for (const d of file.diagnostics) {
      results.push({
        ruleId: d.code,
        ruleIndex: indexOfRule(d),
        level: LEVELS[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation,
              // SARIF end columns are exclusive, like LSP's, so both ends shift by one.
              region: {
                startLine: d.range.start.line + 1,
                startColumn: d.range.start.character + 1,
                endLine: d.range.end.line + 1,
                endColumn: d.range.end.character + 1,
              },
            },
          },
        ],
      });
    }
  }

  const failures = run.files.flatMap((f) => (f.status === 'failed' ? [`${f.path}: ${f.reason}`] : []));
  const notifications: { level: string; message: { text: string } }[] = [...run.walkErrors, ...failures].map((text) => ({ level: 'error', message: { text } }));
  const failed = notifications.length > 0;
  for (const file of run.files) {
    if (file.status === 'checked' && file.omitted) {
      const text = `${file.path}: only the first ${MAX_DIAGNOSTICS.toLocaleString('en-US')} diagnostics are reported (the most severe first); ${file.omitted.toLocaleString('en-US')} more were found`;
      notifications.push({ level: 'warning', message: { text } });
    }
  }
  const info = toolInfo();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, version: info.version, informationUri: info.informationUri, rules } },
        // The service counts columns in UTF-16 code units; SARIF's default is code points.
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: !failed, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** Relative to the checkout when inside it (what GitHub matches on), else an absolute file URI. */
function artifactLocationOf(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return { uri: pathToFileURL(absolute).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}
