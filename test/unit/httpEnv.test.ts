import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../src/main/config.js';

describe('HTTP hardening variables', () => {
  it('default to 10 new chats per client and 60 per queue a minute, and trust no proxy', () => {
    expect(loadEnv({})).toMatchObject({ SESSION_CREATE_LIMIT: 10, SESSION_CREATE_QUEUE_LIMIT: 60, TRUST_PROXY: false });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8, 2001:db8::/32, 192.0.2.1', ['loopback', '10.0.0.0/8', '2001:db8::/32', '192.0.2.1']],
  ])('TRUST_PROXY=%s', (raw, parsed) => {
    expect(loadEnv({ TRUST_PROXY: raw }).TRUST_PROXY).toEqual(parsed);
  });

  it.each(['yes please', '10.0.0.0/33', '300.1.1.1', 'loopback,,', '*'])('refuses TRUST_PROXY=%s naming it', (raw) => {
    expect(() => loadEnv({ TRUST_PROXY: raw })).toThrow(ConfigError);
    expect(() => loadEnv({ TRUST_PROXY: raw })).toThrow(/TRUST_PROXY/);
  });

  it('takes 0 as "no limit" and refuses negative limits', () => {
    expect(loadEnv({ SESSION_CREATE_LIMIT: '0' }).SESSION_CREATE_LIMIT).toBe(0);
    expect(() => loadEnv({ SESSION_CREATE_LIMIT: '-1' })).toThrow(/SESSION_CREATE_LIMIT/);
    expect(() => loadEnv({ SESSION_CREATE_QUEUE_LIMIT: 'many' })).toThrow(/SESSION_CREATE_QUEUE_LIMIT/);
  });
});

describe('ALLOWED_ORIGINS', () => {
  it('is a list of normalised origins', () => {
    expect(loadEnv({}).ALLOWED_ORIGINS).toEqual([]);
    expect(
      loadEnv({ ALLOWED_ORIGINS: 'https://Shop.example, http://localhost:8080,https://a.example:443/' })
        .ALLOWED_ORIGINS,
    ).toEqual(['https://shop.example', 'http://localhost:8080', 'https://a.example']);
  });

  it.each(['*', 'shop.example', 'https://shop.example/path', 'ftp://shop.example', 'https://shop.example?x=1'])(
    'refuses %s naming the variable',
    (raw) => {
      expect(() => loadEnv({ ALLOWED_ORIGINS: raw })).toThrow(/ALLOWED_ORIGINS/);
    },
  );
});

describe('ADMIN_TOKEN', () => {
  it('is off when unset and must be at least 16 characters', () => {
    expect(loadEnv({}).ADMIN_TOKEN).toBeUndefined();
    expect(loadEnv({ ADMIN_TOKEN: 'x'.repeat(16) }).ADMIN_TOKEN).toBe('x'.repeat(16));
    expect(() => loadEnv({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
  });
});
