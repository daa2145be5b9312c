import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignMachine, presets } from '../../src/machines/index.js';
import { presetsTaking } from '../../src/machines/toMermaid.js';
import { generateDocs } from '../../src/diagrams/generateDocs.js';
import { loadStatelyConfig, StatelyConfig } from '../../src/config/statelyConfig.js';

describe('generated documentation', async () => {
  const config = await loadStatelyConfig('stately.config.json');
  const files = await generateDocs(config);

  for (const file of files) {
    it(`${relative(process.cwd(), file.path)} is up to date (npm run diagram)`, async () => {
      expect(await readFile(file.path, 'utf8').catch(() => '(missing)')).toBe(file.content);
    });
  }

  it('the README shows the diagram and every preset status', async () => {
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toContain('```mermaid\nstateDiagram-v2');
    for (const preset of Object.values(presets)) {
      for (const label of Object.values(preset.statuses)) expect(readme).toContain(`| ${label} |`);
    }
  });
});

describe('stately.config.json', () => {
  it('is validated: unknown keys, a bad machine reference and duplicates are refused with clear messages', () => {
    const base = { version: 1, machines: [{ id: 'campaign', module: 'm.ts', export: 'm' }], diagrams: { outDir: 'd' } };
    expect(StatelyConfig.safeParse(base).success).toBe(true);
    const problems = [
      { ...base, extra: true },
      { ...base, version: 2 },
      { ...base, machines: [] },
      { ...base, machines: [...base.machines, ...base.machines] },
      { ...base, diagrams: { outDir: 'd', readme: { file: 'README.md', machine: 'other' } } },
      { ...base, inspector: { port: 70000 } },
    ];
    for (const config of problems) expect(StatelyConfig.safeParse(config).success, JSON.stringify(config)).toBe(false);
  });
});

describe('the statechart', () => {
  it('has no dead branch: every transition is taken by at least one preset', () => {
    const dead: string[] = [];
    const visit = (node: typeof campaignMachine.root) => {
      for (const [event, transitions] of node.transitions) {
        transitions.forEach((t, i) => {
          if (presetsTaking(t.guard).length === 0) dead.push(`${node.id} ${event} #${i}`);
        });
      }
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(campaignMachine.root);
    expect(dead).toEqual([]);
  });
});
