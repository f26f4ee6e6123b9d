/**
 * The import graph of the library (src/ and adapters/) has no cycle, type-only imports included.
 * ESLint holds every other rule; this one is here because eslint-plugin-import-x's no-cycle skips
 * `import type` edges, and a type-only cycle still ties two modules together.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module reaches itself again through its imports; cut the cycle by moving the shared type or value into a module of its own.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Count the imports that TypeScript erases (`import type`, types-only specifiers).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
