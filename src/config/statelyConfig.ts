import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';

const MachineEntry = z.strictObject({
  /** Name used for generated files and the README block. */
  id: z.string().regex(/^[A-Za-z][\w-]*$/, 'id: letters, digits, _ and -'),
  /** Module path, relative to the config file. */
  module: z.string().min(1),
  /** Name of the export holding the machine. */
  export: z.string().min(1),
});

/**
 * `stately.config.json`: this project's own configuration for Stately tooling. No Stately tool
 * reads a file of this name (the Stately CLI reads `statelyai.json`); ours says which machines to
 * load, where generated diagrams go, how to run the inspector, and carries the
 * `statelyai.json`-style fields (`include`, `exclude`, `defaultXStateVersion`) so Stately's own
 * tooling finds the machines.
 */
export const StatelyConfig = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    machines: z.array(MachineEntry).min(1),
    diagrams: z.strictObject({
      /** Directory for `<id>.mmd` Mermaid files. */
      outDir: z.string().min(1),
      format: z.literal('mermaid').default('mermaid'),
      /** Keep a Markdown file's `<!-- statechart:<machine> -->` and `<!-- presets -->` blocks up to date. */
      readme: z.strictObject({ file: z.string().min(1), machine: z.string().min(1) }).optional(),
    }),
    inspector: z
      .strictObject({
        /** Port of the local inspector server (`createInspectorServer`). */
        port: z.number().int().min(1).max(65_535).default(8080),
        /** The inspector UI the bridge page embeds. */
        url: z.url().default('https://stately.ai/inspect'),
      })
      .default({ port: 8080, url: 'https://stately.ai/inspect' }),
    include: z.array(z.string().min(1)).default(['src/machines/**/*.ts']),
    exclude: z.array(z.string().min(1)).default(['**/*.test.ts']),
    defaultXStateVersion: z.literal(5).default(5),
  })
  .superRefine((config, ctx) => {
    const ids = config.machines.map((m) => m.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['machines', i, 'id'], message: `duplicate machine id "${id}"` });
    });
    const readme = config.diagrams.readme;
    if (readme && !ids.includes(readme.machine)) {
      ctx.addIssue({ code: 'custom', path: ['diagrams', 'readme', 'machine'], message: `no machine with id "${readme.machine}"` });
    }
  });
export type StatelyConfig = z.output<typeof StatelyConfig>;

/** The JSON Schema published at `schemas/stately.config.schema.json`. */
export function statelyConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(StatelyConfig, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://campaign-lifecycle.dev/schemas/stately.config.schema.json',
    title: 'stately.config.json',
    description: 'campaign-lifecycle configuration for Stately tooling: machines, generated diagrams, inspector.',
  };
}

/** Reads and validates a config file; throws with every problem listed. */
export async function loadStatelyConfig(file = 'stately.config.json'): Promise<StatelyConfig & { root: string }> {
  const path = resolve(file);
  const text = await readFile(path, 'utf8');
  const result = StatelyConfig.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`${path} is not a valid stately.config.json:\n${z.prettifyError(result.error)}`);
  return { ...result.data, root: resolve(path, '..') };
}
