/** A bad environment variable; the message names it and says what it expects. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly variable: string,
    expectation: string,
    received: string,
  ) {
    super(`Invalid configuration: ${variable} ${expectation} (got ${JSON.stringify(received)})`);
  }
}
