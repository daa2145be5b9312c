import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const MARK = '<!-- readme-test: runs as written';

/** The README's code blocks marked to run, in order. */
function runnableBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks: string[] = [];
  for (const part of readme.split(MARK).slice(1)) {
    const code = /```ts\n([\s\S]*?)```/.exec(part);
    if (code) blocks.push(code[1]!);
  }
  return blocks;
}

describe("README's code", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a block marked to run', () => {
    expect(runnableBlocks().length).toBeGreaterThan(0);
  });

  runnableBlocks().forEach((code, i) => {
    it(`block ${i + 1} runs as written, twice in the same directory (re-runnable), and exits`, async () => {
      // the package's own name resolves to this checkout's source
      const file = join(dir, `block-${i + 1}.mts`);
      writeFileSync(file, code.replaceAll("from 'campaign-lifecycle'", `from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/index.ts')).href)}`));
      const loader = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
      for (let run = 1; run <= 2; run++) {
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', loader, file], { cwd: dir, timeout: 30_000 });
        expect(stdout, `run ${run}`).toMatch(/visibleAt|startAt|endAt/);
      }
    }, 70_000);
  });
});
