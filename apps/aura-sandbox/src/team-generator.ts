import { DAY, isoSeconds, MINUTE } from './sandbox-time';
import { SeededRandom } from './seeded-random';

export type TeamRole = 'admin' | 'member';

/** A member as `GET /v1/team` returns it (Aura's shape, snake_case). */
export interface GeneratedTeamMember {
  /** The `user_…` id calls carry as closer_id / setter_id. */
  id: string;
  /** `First Last` */
  name: string;
  /** `first.last@example.test` */
  email: string;
  role: TeamRole;
  created_at: string;
  updated_at: string;
}

export interface GeneratedTeam {
  /** In the order of the people (closers, then setters); the store sorts them. */
  members: GeneratedTeamMember[];
  /** People who sell or set but whom Aura does not list (left Aura, never invited …). */
  missing: string[];
}

const FIRST_NAMES = [
  'Avery',
  'Blake',
  'Camila',
  'Dario',
  'Elena',
  'Farah',
  'Gabriel',
  'Hana',
  'Imani',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Priya',
  'Quinn',
  'Rafael',
  'Sofia',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];

const LAST_NAMES = [
  'Andersen',
  'Brooks',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ibrahim',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quintero',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Umarov',
  'Varga',
  'Williams',
  'Xu',
  'Yamada',
  'Zimmermann',
];

/** Aura leaves out every person at this position of nine (so ≥ 1 of any five). */
const MISSING_EVERY = 9;
const MISSING_AT = 4;

/**
 * Aura's team: one member for each closer and setter (closers first), except
 * the few Aura does not list, from a stream of its own so the calls and
 * payments stay what they were before the team existed. The first listed
 * person and one more drawn at random are admins. Every member joined
 * before the history window (`fromMs`).
 */
export function generateTeam(closers: readonly string[], setters: readonly string[], seed: number | string, fromMs: number, nowMs: number): GeneratedTeam {
  const random = new SeededRandom(seed, 'team-names');
  const people = [...new Set([...closers, ...setters])];
  const listed = people.filter((_, index) => index % MISSING_EVERY !== MISSING_AT);
  const missing = people.filter((_, index) => index % MISSING_EVERY === MISSING_AT);
  const secondAdmin = listed.length > 1 ? 1 + Math.floor(random.next() * (listed.length - 1)) : -1;
  const emailsTaken = new Map<string, number>();

  const members = listed.map((id, index): GeneratedTeamMember => {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase();
    const taken = (emailsTaken.get(local) ?? 0) + 1;
    emailsTaken.set(local, taken);
    const createdMs = fromMs - random.int(30, 720) * DAY - random.int(0, 24 * 60 - 1) * MINUTE;
    const updatedMs = Math.min(nowMs, createdMs + random.int(0, 120) * DAY);
    return {
      id,
      name: `${first} ${last}`,
      email: `${local}${taken > 1 ? taken : ''}@example.test`,
      role: index === 0 || index === secondAdmin ? 'admin' : 'member',
      created_at: isoSeconds(createdMs),
      updated_at: isoSeconds(updatedMs),
    };
  });
  return { members, missing };
}
