// The process tier's time limit per test (jest.config.js): built service processes, several at once, and their restarts.
jest.setTimeout(300_000);
