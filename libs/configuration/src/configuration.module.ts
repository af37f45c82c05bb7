import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigType, registerAs } from '@nestjs/config';
import { loadConfiguration } from './environment';

/**
 * Typed namespaces over the validated environment. The process has already
 * validated it once at start (main.ts); each namespace re-reads it here so
 * tests can boot the module with their own environment.
 */
export const httpConfig = registerAs('http', () => loadConfiguration(process.env).http);
export const databaseConfig = registerAs('database', () => loadConfiguration(process.env).database);
export const auraConfig = registerAs('aura', () => loadConfiguration(process.env).aura);
export const commissionConfig = registerAs('commission', () => loadConfiguration(process.env).commission);
export const jobsConfig = registerAs('jobs', () => loadConfiguration(process.env).jobs);
export const accessConfig = registerAs('access', () => loadConfiguration(process.env).access);
export const observabilityConfig = registerAs('observability', () => loadConfiguration(process.env).observability);
export const eventsConfig = registerAs('events', () => loadConfiguration(process.env).events);

export type HttpConfig = ConfigType<typeof httpConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type AuraConfig = ConfigType<typeof auraConfig>;
export type CommissionConfig = ConfigType<typeof commissionConfig>;
export type JobsConfig = ConfigType<typeof jobsConfig>;
export type AccessConfig = ConfigType<typeof accessConfig>;
export type ObservabilityConfig = ConfigType<typeof observabilityConfig>;
export type EventsConfig = ConfigType<typeof eventsConfig>;

@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      cache: true,
      load: [httpConfig, databaseConfig, auraConfig, commissionConfig, jobsConfig, accessConfig, observabilityConfig, eventsConfig],
    }),
  ],
  exports: [ConfigModule],
})
export class ConfigurationModule {}
