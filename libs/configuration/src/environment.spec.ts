import { ConfigurationError } from './configuration-error';
import { loadConfiguration } from './environment';

describe('loadConfiguration', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfiguration({});
    expect(config.http.port).toBe(3000);
    expect(config.database.target).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/data$/) });
    expect(config.aura).toMatchObject({ apiUrl: 'https://api.aura-app.ai', apiKey: null, amountScale: 2 });
    expect(config.commission).toMatchObject({
      currency: 'USD',
      timezone: 'UTC',
      commissionableStatuses: ['closed'],
      commissionDateFields: ['ended_at', 'scheduled_at', 'created_at'],
      roundingMode: 'half_up',
      clawbackWindowDays: 90,
    });
    expect(config.jobs).toMatchObject({ enabled: true, syncCron: '0 2 * * *', monthlyRunCron: '0 4 1 * *' });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfiguration({ DATABASE_URL: 'postgresql://u@h:5432/d' }).database.target).toEqual({ kind: 'postgresql', url: 'postgresql://u@h:5432/d' });
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['DATABASE_URL', 'not a url'],
    ['AURA_API_URL', 'ftp://x'],
    ['AURA_AMOUNT_SCALE', '-1'],
    ['COMMISSION_CURRENCY', 'XYZW'],
    ['COMMISSION_TIMEZONE', 'Nowhere/City'],
    ['COMMISSIONABLE_STATUSES', ' , '],
    ['COMMISSION_DATE_FIELD', 'paid_at'],
    ['ROUNDING_MODE', 'bankers'],
    ['CLAWBACK_WINDOW_DAYS', 'ninety'],
    ['JOBS_ENABLED', 'maybe'],
    ['SYNC_CRON', '61 * * * *'],
    ['MONTHLY_RUN_CRON', 'monthly'],
    ['SCHEDULE_RETRIES', '21'],
    ['SCHEDULE_RETRY_MINUTES', '0'],
    ['ADMIN_API_KEY', 'short'],
    ['LOG_LEVEL', 'loud'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    expect(() => loadConfiguration({ [variable]: value })).toThrow(ConfigurationError);
    expect(() => loadConfiguration({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('never echoes the admin key in its error', () => {
    expect(() => loadConfiguration({ ADMIN_API_KEY: 'tiny-secret' })).toThrow(/<hidden>/);
  });
});
