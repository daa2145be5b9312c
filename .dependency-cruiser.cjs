/**
 * Import rules of campaign-lifecycle (docs/architecture.md), checked by `npm test`
 * (`npm run deps`). Imports point one way:
 *   service → (createCampaignRuntime, inspector) → actors → machines, persistence contract
 */
/** A rule that no module outside `src/<dir>/` imports one inside it. */
const nothingElseImports = (dir, name, comment) => ({
  name,
  severity: 'error',
  ...(comment === undefined ? {} : { comment }),
  from: { path: `^src/(?!${dir}/)` },
  to: { path: `^src/${dir}/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one; split what they share into its own file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'machines-are-pure',
      severity: 'error',
      comment: 'src/machines holds the statechart and pure rules: it imports nothing of ours but itself, and no I/O.',
      from: { path: '^src/machines/' },
      to: { path: ['^src/(?!machines/)', '^(node:)?(fs|net|http|https|worker_threads|child_process)$', '^(ws|better-sqlite3|pg|hono)'] },
    },
    {
      name: 'persistence-never-imports-actors',
      severity: 'error',
      comment: 'Stores know nothing of the runtime that uses them.',
      from: { path: '^src/persistence/' },
      to: { path: '^src/(actors|service|inspector)/' },
    },
    {
      name: 'actors-import-no-adapter',
      severity: 'error',
      comment: 'The runtime talks to the store contract only; whoever composes picks the adapter.',
      from: { path: '^src/actors/' },
      to: { path: '^src/persistence/(?!CampaignStore\\.ts$|errors\\.ts$)' },
    },
    {
      name: 'actors-open-no-socket',
      severity: 'error',
      comment: 'No network I/O inside orchestration: the inspector connection is wired by whoever composes.',
      from: { path: '^src/actors/' },
      to: { path: ['^src/inspector/', '^src/service/', '^(node:)?(net|http|https)$', '^ws$', '^@statelyai/inspect'] },
    },
    {
      name: 'no-driver-at-import',
      severity: 'error',
      comment: 'Database drivers are optional peers, loaded by loadDriver when a store opens (import type is fine).',
      from: { path: '^src/' },
      to: { path: '^(better-sqlite3|pg|postgres)$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'service-uses-modules-not-the-barrel',
      severity: 'error',
      comment: "The service imports the package through its modules, not through its own root barrel.",
      from: { path: '^src/service/' },
      to: { path: '^src/index\\.ts$' },
    },
    nothingElseImports('service', 'nothing-imports-the-service'),
    {
      name: 'commands-read-stores-not-runtimes',
      comment: 'src/cli: the operator commands read stores through persistence and judge snapshots with machines; nothing imports them, and they start no runtime or service',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(actors|service|inspector)/' },
    },
    nothingElseImports('cli', 'nothing-imports-the-commands'),
    nothingElseImports('diagrams', 'doc-tooling-not-at-run-time', 'src/diagrams generates docs (scripts and tests use it); the library and the service do not.'),
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/service/dashboard/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
