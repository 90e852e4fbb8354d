import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, UsageError } from 'image-manifest-language-server/out/cli/args';

describe('argument parsing', () => {
  it('reads format, rules, verbose and inputs in any order', () => {
    assert.deepEqual(parseArgs(['check', '--format', 'json', 'a.json', '--rule', 'json-syntax=off', '-v', '--rule=duplicate-key=hint', 'dir']), {
      name: 'check',
      format: 'json',
      rules: { 'json-syntax': 'off', 'duplicate-key': 'hint' },
      verbose: true,
      inputs: ['a.json', 'dir'],
    });
  });

  it('defaults to text and treats everything after -- as a path', () => {
    assert.deepEqual(parseArgs(['check', '--', '--format']), { name: 'check', format: 'text', rules: {}, verbose: false, inputs: ['--format'] });
  });

  it('answers --help and --version before anything else', () => {
    assert.deepEqual(parseArgs(['--help']), { name: 'help' });
    assert.deepEqual(parseArgs(['check', '-h']), { name: 'help' });
    assert.deepEqual(parseArgs(['--version']), { name: 'version' });
  });

  for (const [argv, message] of [
    [[], /missing command/],
    [['lint', 'x'], /unknown command 'lint'/],
    [['check'], /no files or directories/],
    [['check', '--format'], /--format needs a value/],
    [['check', '--format', 'xml', 'x'], /unknown format 'xml'/],
    [['check', '--rule', 'json-syntax', 'x'], /--rule expects <code>=<setting>/],
    [['check', '--rule', 'json-syntax=fatal', 'x'], /unknown setting/],
    [['check', '--rule', 'no-such-code=off', 'x'], /unknown diagnostic code 'no-such-code'/],
    [['check', '--verbose=yes', 'x'], /--verbose takes no value/],
    [['check', '--frmat', 'json', 'x'], /unknown option '--frmat'/],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)}`, () => {
      assert.throws(() => parseArgs(argv), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }
});
