import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm),
 * driven through a driver adapter. It replaces the native engine that cannot
 * be downloaded here, and writes the same `_prisma_migrations` bookkeeping, so
 * `prisma migrate deploy` and our migrate command are interchangeable.
 */
export interface SchemaEngine {
  applyMigrations(input: { migrationsList: MigrationList; filters: SchemaFilter }): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    filters: SchemaFilter;
  }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

export interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: { path: string; migrationFile: { path: string; content: { tag: 'ok'; value: string } } }[];
}
export interface SchemaFilter {
  externalTables: string[];
  externalEnums: string[];
}
export type SchemaFiles = { path: string; content: string }[];
export type DiffTarget = { tag: 'empty' } | { tag: 'schemaDatasource'; files: SchemaFiles; configDir: string } | { tag: 'schemaDatamodel'; files: SchemaFiles };

export const NO_EXTERNAL_OBJECTS: SchemaFilter = { externalTables: [], externalEnums: [] };

interface EngineRuntime {
  SchemaEngine: { new: (options: object, log: (message: string) => void, adapter: unknown) => Promise<SchemaEngine> };
  __wbg_set_wasm(exports: unknown): void;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
}

let runtime: Promise<EngineRuntime> | undefined;

/**
 * The package's own entry imports the .wasm as an ES module, which Node 20
 * refuses without flags; instantiate it by hand, once per process.
 */
function loadRuntime(): Promise<EngineRuntime> {
  runtime ??= (async () => {
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineRuntime;
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new wasm.Instance(new wasm.Module(await readFile(wasmPath)), {
      './schema_engine_bg.js': withUnrefTimers(bindings as unknown as Record<string, unknown>),
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return runtime;
}

/**
 * The engine leaves a 10-second timer behind after it has finished, which
 * would hold the process (and Jest) open; its timers never need to.
 */
function withUnrefTimers(bindings: Record<string, unknown>): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const [name, value] of Object.entries(bindings)) {
    if (/^__wbg_set(Timeout|Interval)_/.test(name) && typeof value === 'function') {
      imports[name] = (...args: unknown[]) => {
        const handle = (value as (...a: unknown[]) => unknown)(...args);
        (handle as { unref?: () => void } | undefined)?.unref?.();
        return handle;
      };
    }
  }
  return imports;
}

export async function withSchemaEngine<T>(adapterFactory: SqlMigrationAwareDriverAdapterFactory, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadRuntime();
  const engine = await SchemaEngine.new({ datamodels: undefined }, () => undefined, bindMigrationAwareSqlAdapterFactory(adapterFactory));
  try {
    return await work(engine);
  } finally {
    engine.free();
  }
}
