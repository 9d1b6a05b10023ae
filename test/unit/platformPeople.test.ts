import { describe, expect, it } from 'vitest';
import { DirectoryHolder } from '../../src/app/directory.js';
import { type PeopleHooks, PlatformPeople } from '../../src/app/platformKit/people.js';
import { parseDirectory } from '../../src/main/config.js';
import { DIRECTORY_SECTIONS } from '../../src/main/platforms.js';

const dir = parseDirectory(
  `queues: [{ id: q, name: Q }]
agents:
  - { id: alice, firstName: Alice, lastName: Ng, email: alice@example.com, permissions: [ESChat_Agent], queues: [q] }
  - { id: bob, firstName: Bob, lastName: Li, email: bob@example.com, permissions: [ESChat_Agent], queues: [q] }
  - { id: carol, firstName: Carol, lastName: Wu, email: carol@example.com, permissions: [ESChat_Agent], queues: [q] }
`,
  'people.yaml',
  DIRECTORY_SECTIONS,
);

/** A platform of scopes `s1`/`s2` (the scope of a place is its name), its links in a Map, its users' emails in another. */
function fake(
  opts: {
    configured?: Record<string, string>;
    emails?: Record<string, string>;
    byEmail?: boolean;
    trusted?: (where: string) => boolean;
    bothWays?: boolean;
  } = {},
) {
  const stored = new Map<string, string>();
  const calls: string[] = [];
  const hooks: PeopleHooks<string, string> = {
    configuredId: (a) => opts.configured?.[a.id],
    homeOf: async () => 's1',
    scopeOf: async (where) => (where === 'nowhere' ? undefined : where),
    scopeKey: (s) => s,
    storedUser: async (s, agentId) => {
      calls.push(`storedUser ${s} ${agentId}`);
      return stored.get(`${s}:agent:${agentId}`);
    },
    storedAgent: async (s, userId) => {
      calls.push(`storedAgent ${s} ${userId}`);
      return stored.get(`${s}:user:${userId}`);
    },
    link: async (s, agentId, userId) => {
      stored.set(`${s}:agent:${agentId}`, userId);
      stored.set(`${s}:user:${userId}`, agentId);
    },
    linkOnContact: async (s, agentId, userId) => {
      stored.set(`${s}:user:${userId}`, agentId);
    },
    emailOf: async (where, _s, userId) => {
      calls.push(`emailOf ${where} ${userId}`);
      if (userId === 'UFAIL') return undefined;
      return { email: opts.emails?.[userId ?? ''], userId: userId ?? 'ULATE' };
    },
    ...(opts.byEmail === false
      ? {}
      : {
          userByEmail: async (_s: string, a: { email: string }) => {
            calls.push(`userByEmail ${a.email}`);
            const hit = Object.entries(opts.emails ?? {}).find(([, e]) => e === a.email);
            return hit ? hit[0] : null;
          },
        }),
    ...(opts.trusted ? { mayMatchByEmail: (where: string) => opts.trusted!(where) } : {}),
    ...(opts.bothWays ? { contactTeachesBothWays: true } : {}),
  };
  return { people: new PlatformPeople(hooks, new DirectoryHolder(dir)), stored, calls };
}

const agent = (id: string) => dir.agent(id)!;

describe('PlatformPeople (the shared identity look-up)', () => {
  it('uses the configured id first, without asking the platform', async () => {
    const { people, calls } = fake({ configured: { alice: 'UA' } });
    expect(people.reaches(agent('alice'))).toBe('yes');
    expect(await people.userId(agent('alice'))).toBe('UA');
    expect(await people.agent('UA', 's1')).toBe(agent('alice'));
    expect(calls).toEqual([]);
  });

  it('learns an agent by email once, stores the link both ways and caches it (and a miss)', async () => {
    const { people, stored, calls } = fake({ emails: { UB: 'bob@example.com' } });
    expect(people.reaches(agent('bob'))).toBe('maybe');
    expect(await people.userId(agent('bob'))).toBe('UB');
    expect(await people.userId(agent('bob'))).toBe('UB');
    expect(calls.filter((c) => c.startsWith('userByEmail'))).toHaveLength(1);
    expect(stored.get('s1:agent:bob')).toBe('UB');
    expect(stored.get('s1:user:UB')).toBe('bob');
    expect(people.reaches(agent('bob'))).toBe('yes');
    expect(await people.userId(agent('carol'))).toBeUndefined();
    expect(people.reaches(agent('carol'))).toBe('no');
    expect(await people.userId(agent('carol'))).toBeUndefined();
    expect(calls.filter((c) => c === 'userByEmail carol@example.com')).toHaveLength(1);
  });

  it('reads a link another instance stored before searching by email', async () => {
    const { people, stored, calls } = fake({ emails: { UB: 'bob@example.com' } });
    stored.set('s1:agent:bob', 'UB2');
    expect(await people.userId(agent('bob'))).toBe('UB2');
    expect(calls.some((c) => c.startsWith('userByEmail'))).toBe(false);
  });

  it('without an email search, answers only what is stored and stays "maybe"', async () => {
    const { people } = fake({ byEmail: false, emails: { UB: 'bob@example.com' } });
    expect(await people.userId(agent('bob'))).toBeUndefined();
    expect(people.reaches(agent('bob'))).toBe('maybe');
  });

  it('learns the agent behind a user on first contact, per scope', async () => {
    const { people, stored, calls } = fake({ emails: { UB: 'bob@example.com' } });
    expect(await people.agent('UB', 's2')).toBe(agent('bob'));
    expect(stored.get('s2:user:UB')).toBe('bob');
    expect(stored.has('s2:agent:bob')).toBe(false);
    expect(await people.agent('UB', 's2')).toBe(agent('bob'));
    expect(calls.filter((c) => c.startsWith('emailOf'))).toHaveLength(1);
    // The same id in another scope is another user: asked again.
    expect(await people.agent('UB', 's1')).toBe(agent('bob'));
    expect(calls.filter((c) => c.startsWith('emailOf'))).toHaveLength(2);
    // Learning on contact did not answer the agent's side (the scope may not be theirs).
    expect(people.reaches(agent('bob'))).toBe('maybe');
  });

  it('with one scope, a contact teaches both ways', async () => {
    const { people } = fake({ emails: { UB: 'bob@example.com' }, bothWays: true, byEmail: false });
    await people.agent('UB', 's1');
    expect(people.reaches(agent('bob'))).toBe('yes');
    expect(await people.userId(agent('bob'))).toBe('UB');
  });

  it('learns nothing from a stranger, a failed look-up, an unknown place or an untrusted one', async () => {
    const { people, stored, calls } = fake({ emails: { UX: 'mallory@example.com' }, trusted: (w) => w !== 's2' });
    expect(await people.agent('UX', 's1')).toBeUndefined();
    expect(await people.agent('UFAIL', 's1')).toBeUndefined();
    expect(await people.agent('UB', 'nowhere')).toBeUndefined();
    expect(await people.agent('UB', 's2')).toBeUndefined();
    expect(calls).not.toContain('emailOf s2 UB');
    expect(stored.size).toBe(0);
  });

  it('takes the definitive id the platform gives when the user came without one', async () => {
    const { people, stored } = fake({ emails: { '': 'carol@example.com' } });
    expect(await people.agent(undefined, 's1')).toBe(agent('carol'));
    expect(stored.get('s1:user:ULATE')).toBe('carol');
  });

  it("picks among agents configured with the same id with the platform's rule", async () => {
    const { people } = fake({ configured: { alice: 'UA', bob: 'UA' } });
    expect(await people.agent('UA', 's1')).toBe(agent('bob'));
  });
});
