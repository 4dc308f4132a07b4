import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config.js';

describe('edge settings', () => {
  it('reads address and origin lists from flags, the environment and a JSON array', () => {
    assert.deepEqual(loadConfig({ trustedProxies: '10.0.0.2, ::1' }, {}).trustedProxies, ['10.0.0.2', '::1']);
    assert.deepEqual(loadConfig({}, { BANTER_ALLOWED_ORIGINS: 'https://chat.example.org,http://localhost:5173' }).allowedOrigins, [
      'https://chat.example.org',
      'http://localhost:5173',
    ]);
    assert.deepEqual(loadConfig({ allowedOrigins: ['https://a.example'] }, {}).allowedOrigins, ['https://a.example']);
    assert.equal(loadConfig({}, {}).trustedProxies, undefined);
  });

  it('refuses what would not work, naming the setting', () => {
    assert.throws(() => loadConfig({ trustedProxies: 'proxy.local' }, {}), (e: Error) => e instanceof ConfigError && /trustedProxies.*IP addresses/.test(e.message));
    assert.throws(() => loadConfig({ allowedOrigins: 'https://chat.example.org/' }, {}), (e: Error) => e instanceof ConfigError && /allowedOrigins/.test(e.message));
    assert.throws(() => loadConfig({ maxConnections: '10', loginReserve: '10' }, {}), (e: Error) => e instanceof ConfigError && /--login-reserve 10 must be less than --max-connections 10/.test(e.message));
    assert.throws(() => loadConfig({ metricsToken: 'short' }, {}), (e: Error) => e instanceof ConfigError && /metricsToken/.test(e.message));
  });

  it('has safe defaults: a login deadline, a per-address cap, loopback-only metrics', () => {
    const c = loadConfig({}, {});
    assert.ok(c.loginTimeout <= 60);
    assert.ok(c.maxConnectionsPerAddress <= 256);
    assert.equal(c.metricsToken, undefined);
    assert.equal(c.metricsPort, undefined);
  });
});
