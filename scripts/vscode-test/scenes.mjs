// The README screenshots: one entry per picture. Each `name` must match a scene in
// test/vscode/src/scenes.ts, which stages it inside VS Code (opens files, runs commands); the
// launcher waits for `waitFor` to be visible in the workbench and saves `file`.
export const SCENES = [
  {
    name: 'problems',
    file: 'screenshot-problems.png',
    waitFor: '.markers-panel .monaco-list-row',
  },
];
