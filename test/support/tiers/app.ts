// The app tier's time limit per test (jest.config.js): the booted service and the Aura sandbox on a 2-core machine.
jest.setTimeout(120_000);
