import { describe, expect, it } from 'vitest';
import { Lanes } from '../../src/actors/Lanes.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('Lanes', () => {
  it('runs the tasks of one key one after another, in order', async () => {
    const lanes = new Lanes();
    const log: string[] = [];
    const gate = deferred();
    const first = lanes.run('a', async () => {
      log.push('1 start');
      await gate.promise;
      log.push('1 end');
    });
    const second = lanes.run('a', async () => void log.push('2'));
    await Promise.resolve();
    expect(log).toEqual(['1 start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['1 start', '1 end', '2']);
  });

  it('lets tasks of other keys run meanwhile', async () => {
    const lanes = new Lanes();
    const gate = deferred();
    const blocked = lanes.run('a', () => gate.promise);
    await expect(lanes.run('b', async () => 'b done')).resolves.toBe('b done');
    gate.resolve();
    await blocked;
  });

  it('goes on after a failed task, and the failure reaches only its caller', async () => {
    const lanes = new Lanes();
    const failed = lanes.run('a', async () => {
      throw new Error('boom');
    });
    const next = lanes.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });

  it('reports a key busy until its last task settles, then calls onDrained once', async () => {
    const drained: string[] = [];
    const lanes = new Lanes((key) => drained.push(key));
    const gate = deferred();
    const one = lanes.run('a', () => gate.promise);
    const two = lanes.run('a', async () => {});
    expect(lanes.busy('a')).toBe(true);
    expect(lanes.busy('b')).toBe(false);
    gate.resolve();
    await Promise.all([one, two]);
    await lanes.settled();
    await new Promise((r) => setImmediate(r));
    expect(lanes.busy('a')).toBe(false);
    expect(drained).toEqual(['a']);
  });

  it('a key is busy already while its first task starts synchronously (what it evicts must skip it)', async () => {
    const lanes = new Lanes();
    let seen: boolean | null = null;
    await lanes.run('a', async () => {
      seen = lanes.busy('a');
    });
    expect(seen).toBe(true);
    // a task that throws before returning a promise rejects like one that fails later
    await expect(lanes.run('b', () => { throw new Error('sync'); })).rejects.toThrow('sync');
    await expect(lanes.run('b', async () => 'after')).resolves.toBe('after');
  });

  it('settled() waits for every queued task, failed ones included', async () => {
    const lanes = new Lanes();
    const done: string[] = [];
    void lanes.run('a', async () => {
      await new Promise((r) => setTimeout(r, 5));
      done.push('a');
    });
    lanes.run('b', async () => {
      throw new Error('x');
    }).catch(() => done.push('b failed'));
    await lanes.settled();
    expect(done).toContain('a');
  });
});
