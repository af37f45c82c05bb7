import { Injectable } from '@nestjs/common';
import type { Plan, PlanDefinition } from '@app/commission-engine';
import { DatabaseClient, DatabaseService, lockKey, Prisma } from '@app/persistence';

/** A plan as stored: the engine's plan (definition + id) and who created it when. */
export interface StoredPlan {
  plan: Plan;
  createdAt: Date;
  createdBy: string | null;
}

export interface PlanFilter {
  /** 'YYYY-MM-DD': plans whose window [effective_from, effective_to) holds the day. */
  activeOn?: string;
  /** Plans naming this payee, and default plans (they pay every payee without a plan of their own). */
  payeeId?: string;
}

/** The keyset position of a listed plan: plans are listed by effective_from, then id. */
export interface PlanListPosition {
  effectiveFrom: string;
  id: string;
}

type PlanRow = Prisma.PlanGetPayload<object>;

const PLAN_FIELDS = ['name', 'effective_from', 'effective_to', 'payees', 'priority', 'self_set', 'missing_setter', 'roles'] as const;

/**
 * The `plans` table. `definition` holds the validated plan JSON exactly as the
 * engine reads it (decimals as the client wrote them); the other columns
 * mirror it so that lists can filter in SQL.
 */
@Injectable()
export class PlansRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Serialises plan writes across every replica until the transaction ends:
   * a transaction-scoped PostgreSQL advisory lock (PGlite is PostgreSQL too).
   * Take it before reading the plans a write is checked against.
   */
  async lockPlanWrites(tx: DatabaseClient): Promise<void> {
    const [high, low] = lockKey('plans:write');
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${high}::int4, ${low}::int4)`;
  }

  async insert(definition: PlanDefinition, createdBy: string | null, db: DatabaseClient = this.database.client): Promise<StoredPlan> {
    const row = await db.plan.create({
      data: {
        name: definition.name,
        effectiveFrom: definition.effective_from,
        effectiveTo: definition.effective_to,
        payees: definition.payees ?? [],
        isDefault: definition.payees === null,
        priority: definition.priority,
        definition: definitionOnly(definition) as unknown as Prisma.InputJsonValue,
        createdBy,
      },
    });
    return toStoredPlan(row);
  }

  async findById(id: string, db: DatabaseClient = this.database.client): Promise<StoredPlan | null> {
    const row = await db.plan.findUnique({ where: { id } });
    return row ? toStoredPlan(row) : null;
  }

  /** Every plan, by effective_from then id. */
  async all(db: DatabaseClient = this.database.client): Promise<StoredPlan[]> {
    const rows = await db.plan.findMany({ orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }] });
    return rows.map(toStoredPlan);
  }

  /** Up to `limit + 1` plans after `after`, by effective_from then id. */
  async list(filter: PlanFilter, limit: number, after: PlanListPosition | null, db: DatabaseClient = this.database.client): Promise<StoredPlan[]> {
    const conditions: Prisma.PlanWhereInput[] = [];
    if (filter.activeOn !== undefined) {
      conditions.push({ effectiveFrom: { lte: filter.activeOn } });
      conditions.push({ OR: [{ effectiveTo: null }, { effectiveTo: { gt: filter.activeOn } }] });
    }
    if (filter.payeeId !== undefined) {
      conditions.push({ OR: [{ isDefault: true }, { payees: { has: filter.payeeId } }] });
    }
    if (after !== null) {
      conditions.push({ OR: [{ effectiveFrom: { gt: after.effectiveFrom } }, { effectiveFrom: after.effectiveFrom, id: { gt: after.id } }] });
    }
    const rows = await db.plan.findMany({
      where: { AND: conditions },
      orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    return rows.map(toStoredPlan);
  }

  /** Ends the plan on `effectiveTo` (exclusive): the column and the stored definition together. */
  async setEffectiveTo(stored: StoredPlan, effectiveTo: string, db: DatabaseClient = this.database.client): Promise<StoredPlan> {
    const { id, ...definition } = stored.plan;
    const row = await db.plan.update({
      where: { id },
      data: {
        effectiveTo,
        definition: definitionOnly({ ...definition, effective_to: effectiveTo }) as unknown as Prisma.InputJsonValue,
      },
    });
    return toStoredPlan(row);
  }

  async count(db: DatabaseClient = this.database.client): Promise<number> {
    return db.plan.count();
  }
}

function definitionOnly(definition: PlanDefinition): PlanDefinition {
  const copy: Record<string, unknown> = {};
  for (const field of PLAN_FIELDS) copy[field] = definition[field];
  return copy as unknown as PlanDefinition;
}

function toStoredPlan(row: PlanRow): StoredPlan {
  const definition = row.definition as unknown as PlanDefinition;
  return {
    // The columns are the truth for what the list filters on; the JSON for the terms.
    plan: { ...definitionOnly(definition), effective_to: row.effectiveTo, id: row.id },
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}
