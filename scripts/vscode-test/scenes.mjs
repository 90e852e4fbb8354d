// The README screenshots: one entry per picture. Each `name` must match a scene in
// test/vscode/src/scenes.ts, which stages it inside VS Code (opens files, runs commands); the
// launcher waits until every `waitFor` selector is visible in the workbench and saves `file`.
export const SCENES = [
  {
    name: 'problems',
    file: 'screenshot-problems.png',
    // The list fills before the editor paints its squiggles; wait for both.
    waitFor: ['.markers-panel .monaco-list-row', '.monaco-editor .squiggly-error', '.monaco-editor .squiggly-warning'],
  },
];
