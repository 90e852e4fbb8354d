// The README screenshots: one entry per picture. Each `name` must match a scene in
// test/vscode/src/scenes.ts, which stages it inside VS Code (opens files, runs commands); the
// launcher waits until every `waitFor` selector is visible in the workbench, runs `arrange` (what
// only the browser can do: drag, press keys) if there is one, waits for `thenWaitFor`, and saves
// `file`. `registry: true`: the scene needs the real docker-registry (scripts/vscode-test/registry.mjs),
// which the launcher starts and fills for it and stops afterwards.
export const SCENES = [
  {
    name: 'problems',
    file: 'screenshot-problems.png',
    // The list fills before the editor paints its squiggles; wait for both.
    waitFor: ['.markers-panel .monaco-list-row', '.monaco-editor .squiggly-error', '.monaco-editor .squiggly-warning'],
  },
  {
    name: 'hover',
    file: 'screenshot-hover.png',
    // The hover's own text, not only its frame: an empty "Loading…" box would also be visible.
    waitFor: ['.monaco-editor .monaco-hover:has-text("Layer 3 of 12")'],
  },
  {
    name: 'completion',
    file: 'screenshot-completion.png',
    waitFor: ['.monaco-editor .suggest-widget.visible .monaco-list-row:has-text("application/vnd.oci.image.layer.v1.tar+gzip")'],
    async arrange(page) {
      // Ctrl+Space on an open list shows the focused item's details (detail line and docs).
      await page.keyboard.press('Control+Space');
      await page.waitForSelector('.suggest-details-container .suggest-details .docs a', { state: 'visible' });
      // The first details are sized before their markdown has rendered, which cuts off the spec
      // link; moving the focus away and back renders them again at their full height.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
    },
    // The documentation's spec link: the details have rendered, not only their frame.
    thenWaitFor: ['.suggest-widget .monaco-list-row.focused:has-text("application/vnd.oci.image.layer.v1.tar+gzip")', '.suggest-details-container .suggest-details .docs a'],
  },
  {
    name: 'registry',
    file: 'screenshot-registry.png',
    registry: true,
    // The hover's registry line (the answer to the blob's HEAD) and the digest notification. The
    // workbench shows no toasts with --enable-smoke-test-driver, so the scene opens the
    // notification list, where the same message reads the same.
    // The digest code lens comes a moment after the document; wait for it too.
    waitFor: [
      '.monaco-editor .monaco-hover:has-text("Layer 1 of")',
      '.monaco-editor .monaco-hover:has-text("has this blob")',
      '.notifications-center:has-text("Digest verified")',
      '.monaco-editor .codelens-decoration:has-text("bytes")',
    ],
    async arrange(page) {
      // The fetch's progress notification closes after the command; a picture with it still
      // listed would differ from run to run.
      await page.waitForSelector('.notifications-center .notification-list-item:has-text("Fetching")', { state: 'detached', timeout: 30_000 });
    },
  },
];
