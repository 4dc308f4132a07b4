import { describe, expect, it } from 'vitest';
import { convPath, pathConv } from './routes.js';

describe('conversation addresses', () => {
  it('names the lobby, a person and a room', () => {
    expect(convPath('#lobby')).toBe('/c/lobby');
    expect(convPath('@bob')).toBe('/c/@bob');
    expect(convPath('#garden')).toBe('/c/%23garden');
    expect(convPath('@小明')).toBe('/c/@%E5%B0%8F%E6%98%8E');
  });
  it('reads them back, whatever was encoded', () => {
    for (const c of ['#lobby', '@bob', '#garden', '@小明', '#dev.ops', '@Ünal.x-1_']) expect(pathConv(convPath(c))).toBe(c);
    expect(pathConv('/c/%40bob')).toBe('@bob');
    expect(pathConv('/c/lobby/')).toBe('#lobby');
  });
  it('is nothing for other paths and bad names', () => {
    for (const p of ['/', '/admin', '/c/', '/c/bob', '/c/%23a%20b', '/c/%E0%A4%A', '/c/@a/b']) expect(pathConv(p)).toBeUndefined();
  });
});
