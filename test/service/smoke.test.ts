import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CampaignView } from '../../src/index.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `npm start` without npm: tsx src/service/main.ts with the given arguments (or `command`); resolves once it is ready (its port listens earlier). */
async function start(args: string[], env: Record<string, string> = {}, command: string[] = [TSX, 'src/service/main.ts']): Promise<Started> {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: process.cwd(),
    env: { ...process.env, CAMPAIGNS_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 300; i++) {
    const url = /Ready on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) return { child, url, output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`The service did not start:\n${output}`);
}

async function stop(started: Started, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const begin = Date.now();
  const exited = once(started.child, 'exit') as Promise<[number | null]>;
  started.child.kill(signal);
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 10_000);
  const [code] = await exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - begin };
}

describe('npm start', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'campaigns-smoke-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('--port 0 --no-demo: prints the real URL, serves /api/health, keeps data, exits 0 on SIGINT and SIGTERM', async () => {
    const data = tempDir();
    const first = await start(['--port', '0', '--data', data, '--no-demo']);
    expect(first.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(first.url).not.toMatch(/:0$/);
    const health = await fetch(`${first.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const created = await fetch(`${first.url}/api/campaigns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ preset: 'discount', name: 'Survives restarts' }),
    });
    expect(created.status).toBe(201);
    const exit = await stop(first, 'SIGINT');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5_000);
    expect(first.output()).toContain('Stopped.');

    const second = await start(['--port', '0'], { CAMPAIGNS_DATA: data });
    const list = (await (await fetch(`${second.url}/api/campaigns`)).json()) as { items: CampaignView[] };
    expect(list.items.map((c) => c.name)).toEqual(['Survives restarts']);
    const exit2 = await stop(second, 'SIGTERM');
    expect(exit2.code).toBe(0);
  });

  it('--inspect with demo data: says which inspector URL to open, and SIGTERM stops both without hanging', async () => {
    const started = await start(['--port', '0', '--data', tempDir(), '--inspect', '--inspect-port', '0']);
    // the lines after "Ready on" may arrive a moment later on a busy machine
    let inspectorUrl: string | undefined;
    for (let i = 0; i < 200 && !inspectorUrl; i++) {
      inspectorUrl = /open (http:\/\/localhost:\d+) to watch/.exec(started.output())?.[1];
      if (!inspectorUrl) await new Promise((r) => setTimeout(r, 50));
    }
    expect(inspectorUrl, started.output()).toBeDefined();
    expect(started.output()).toContain('demo       7 campaigns created');
    const counts = (await (await fetch(`${started.url}/api/counts`)).json()) as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(7);
    const client = new WebSocket(inspectorUrl!.replace('http', 'ws'));
    await once(client, 'open');
    const exit = await stop(started, 'SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5_000);
    client.terminate();
  });
});

describe('the installed package', () => {
  it('npx campaign-lifecycle serve runs the compiled service: dashboard, API, exit 0 on SIGTERM; migrate --check reads its store', async () => {
    // the package as npm installs it: dist (compiled here), bin, src (the dashboard's files), package.json
    const root = mkdtempSync(join(tmpdir(), 'campaigns-installed-'));
    try {
      execFileSync(join(process.cwd(), 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', join(root, 'dist')], { cwd: process.cwd() });
      cpSync('bin', join(root, 'bin'), { recursive: true });
      cpSync('package.json', join(root, 'package.json'));
      mkdirSync(join(root, 'src', 'service'), { recursive: true });
      symlinkSync(join(process.cwd(), 'src', 'service', 'dashboard'), join(root, 'src', 'service', 'dashboard'));
      symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'));
      const bin = join(root, 'bin', 'campaign-lifecycle.js');
      expect(execFileSync(process.execPath, [bin]).toString()).toContain('Usage: campaign-lifecycle serve');
      const started = await start(['serve', '--port', '0', '--data', join(root, 'data'), '--no-demo'], {}, [process.execPath, bin]);
      expect((await fetch(`${started.url}/api/health`)).status).toBe(200);
      const page = await fetch(`${started.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/dashboard/app.js');
      expect((await fetch(`${started.url}/dashboard/vendor/tz/index.js`)).status).toBe(200);
      expect((await stop(started, 'SIGTERM')).code).toBe(0);
      const check = execFileSync(process.execPath, [bin, 'migrate', '--check', '--data', join(root, 'data')]).toString();
      expect(check).toContain('Campaigns     0');
      expect(check).toContain('Refused       0');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
