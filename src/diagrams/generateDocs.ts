import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { MERMAID_LEGEND, toMermaid } from '../machines/toMermaid.js';
import { presetTables } from './presetTables.js';
import { type StatelyConfig, statelyConfigJsonSchema } from '../config/statelyConfig.js';

export interface GeneratedFile {
  path: string;
  content: string;
}

function isMachine(value: unknown): value is AnyStateMachine {
  return typeof value === 'object' && value !== null && 'root' in value && 'transition' in value;
}

async function loadMachine(root: string, entry: StatelyConfig['machines'][number]): Promise<AnyStateMachine> {
  const module = (await import(pathToFileURL(resolve(root, entry.module)).href)) as Record<string, unknown>;
  const machine = module[entry.export];
  if (!isMachine(machine)) throw new Error(`${entry.module} does not export a state machine named ${entry.export}`);
  return machine;
}

function replaceBlock(text: string, name: string, body: string, file: string): string {
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} block`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/**
 * Everything generated from the machines and `stately.config.json`: one Mermaid file per machine,
 * the README's statechart and preset blocks, and the config's JSON Schema. Nothing is written.
 */
export async function generateDocs(config: StatelyConfig & { root: string }): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  const diagrams = new Map<string, string>();
  for (const entry of config.machines) {
    const mermaid = toMermaid(await loadMachine(config.root, entry));
    diagrams.set(entry.id, mermaid);
    files.push({ path: join(config.root, config.diagrams.outDir, `${entry.id}.mmd`), content: mermaid });
  }
  const readme = config.diagrams.readme;
  if (readme) {
    const path = join(config.root, readme.file);
    let text = await readFile(path, 'utf8');
    const diagram = `\`\`\`mermaid\n${diagrams.get(readme.machine)!}\`\`\`\n\nEdge labels name the presets that take a transition (${MERMAID_LEGEND}; none: all). Generated from the machine by \`npm run diagram\`.`;
    text = replaceBlock(text, `statechart:${readme.machine}`, diagram, readme.file);
    text = replaceBlock(text, 'presets', presetTables(), readme.file);
    files.push({ path, content: text });
  }
  files.push({
    path: join(config.root, 'schemas', 'stately.config.schema.json'),
    content: `${JSON.stringify(statelyConfigJsonSchema(), null, 2)}\n`,
  });
  return files;
}
