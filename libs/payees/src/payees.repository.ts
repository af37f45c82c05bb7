import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export interface PayeeRecord {
  id: string;
  name: string | null;
  email: string | null;
  auraRole: string | null;
  employeeId: string | null;
  payrollCode: string | null;
  listedUpstream: boolean;
  version: number;
  firstSeenAt: Date;
  updatedAt: Date;
}

export interface PayeeVersionRecord {
  version: number;
  source: string;
  snapshot: Record<string, unknown>;
  changedBy: string | null;
  validFrom: Date;
  validTo: Date;
}

/** A member of Aura's team as a team pass stores it. */
export interface IncomingMember {
  id: string;
  name: string | null;
  email: string | null;
  role: string | null;
  raw: Record<string, unknown>;
  contentHash: string;
}

type Row = Prisma.PayeeGetPayload<object>;

@Injectable()
export class PayeesRepository {
  constructor(private readonly database: DatabaseService) {}

  async find(id: string, db: DatabaseClient = this.database.client): Promise<PayeeRecord | null> {
    const row = await db.payee.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async findMany(ids: readonly string[]): Promise<PayeeRecord[]> {
    if (ids.length === 0) return [];
    return (await this.database.client.payee.findMany({ where: { id: { in: [...ids] } } })).map(toRecord);
  }

  async list(filter: { name?: string; listed?: boolean }, limit: number, afterId: string | null): Promise<PayeeRecord[]> {
    const rows = await this.database.client.payee.findMany({
      where: {
        ...(filter.name ? { name: { contains: filter.name, mode: 'insensitive' } } : {}),
        ...(filter.listed === undefined ? {} : { listedUpstream: filter.listed }),
        ...(afterId !== null ? { id: { gt: afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    return rows.map(toRecord);
  }

  async history(id: string): Promise<PayeeVersionRecord[]> {
    const rows = await this.database.client.payeeVersion.findMany({ where: { payeeId: id }, orderBy: { version: 'desc' } });
    return rows.map((row) => ({
      version: row.version,
      source: row.source,
      snapshot: row.snapshot as Record<string, unknown>,
      changedBy: row.changedBy,
      validFrom: row.validFrom,
      validTo: row.validTo,
    }));
  }

  /** Stores a page of Aura's team: new members inserted, changed ones updated (their previous values to history). */
  async writeMembers(tx: DatabaseClient, members: readonly IncomingMember[], at: Date): Promise<{ inserted: number; updated: number; unchanged: number }> {
    const counts = { inserted: 0, updated: 0, unchanged: 0 };
    const known = new Map((await tx.payee.findMany({ where: { id: { in: members.map((member) => member.id) } } })).map((row) => [row.id, row]));
    for (const member of members) {
      const previous = known.get(member.id);
      const data = {
        name: member.name,
        email: member.email,
        auraRole: member.role,
        raw: member.raw as Prisma.InputJsonValue,
        contentHash: member.contentHash,
        listedUpstream: true,
      };
      if (!previous) {
        await tx.payee.create({ data: { id: member.id, ...data, firstSeenAt: at, updatedAt: at } });
        counts.inserted += 1;
      } else if (previous.contentHash === member.contentHash && previous.listedUpstream) {
        counts.unchanged += 1;
      } else {
        await this.keepVersion(tx, previous, 'aura', null, at);
        await tx.payee.update({ where: { id: member.id }, data: { ...data, version: previous.version + 1, updatedAt: at } });
        counts.updated += 1;
      }
    }
    return counts;
  }

  /** After a complete team pass: people Aura no longer lists keep their row, flagged. */
  async markUnlisted(tx: DatabaseClient, seen: readonly string[]): Promise<number> {
    const unlisted = await tx.payee.updateMany({ where: { listedUpstream: true, id: { notIn: [...seen] } }, data: { listedUpstream: false } });
    return unlisted.count;
  }

  /** Finance's payroll ids; creates the payee when Aura does not list it (a paid person still needs them). */
  async setPayrollIds(
    tx: DatabaseClient,
    id: string,
    ids: { employeeId: string | null; payrollCode: string | null },
    by: string,
    at: Date,
  ): Promise<PayeeRecord> {
    const previous = await tx.payee.findUnique({ where: { id } });
    if (!previous) return toRecord(await tx.payee.create({ data: { id, ...ids, firstSeenAt: at, updatedAt: at } }));
    if (previous.employeeId === ids.employeeId && previous.payrollCode === ids.payrollCode) return toRecord(previous);
    await this.keepVersion(tx, previous, 'finance', by, at);
    return toRecord(await tx.payee.update({ where: { id }, data: { ...ids, version: previous.version + 1, updatedAt: at } }));
  }

  private async keepVersion(tx: DatabaseClient, previous: Row, source: string, by: string | null, at: Date): Promise<void> {
    await tx.payeeVersion.create({
      data: {
        payeeId: previous.id,
        version: previous.version,
        source,
        changedBy: by,
        snapshot: {
          name: previous.name,
          email: previous.email,
          aura_role: previous.auraRole,
          employee_id: previous.employeeId,
          payroll_code: previous.payrollCode,
          listed_upstream: previous.listedUpstream,
        },
        validFrom: previous.updatedAt,
        validTo: at,
      },
    });
  }
}

function toRecord(row: Row): PayeeRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    auraRole: row.auraRole,
    employeeId: row.employeeId,
    payrollCode: row.payrollCode,
    listedUpstream: row.listedUpstream,
    version: row.version,
    firstSeenAt: row.firstSeenAt,
    updatedAt: row.updatedAt,
  };
}
